package dev.gatekeeper.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A wrong Gatekeeper setting stops James at start-up, and James's log names the setting. */
class GatekeeperHooksBadSettingIT {

    @Test
    void jamesRefusesToStartAndItsLogNamesTheSetting() throws Exception {
        Path work = SandboxDirs.forTest(GatekeeperHooksBadSettingIT.class);
        String handler = GatekeeperHooksIT.handler("127.0.0.153:53", 25, "conf/gatekeeper-policy.xml", "");
        assertThat(handler).contains("<timeBudget>10s</timeBudget>");
        String bad = handler.replace("<timeBudget>10s</timeBudget>", "<timeBudget>soon</timeBudget>");
        assertThatThrownBy(() -> JamesSandbox.builder()
                .workDir(work)
                .gatekeeper(GatekeeperHooksIT.gatekeeperJar())
                .replaceSmtpHandler(bad)
                .bootTimeout(Duration.ofSeconds(90))
                .start())
                .isInstanceOf(IOException.class)
                .hasMessageStartingWith("James exited with status 1 while starting");
        String log = Files.readString(work.resolve("james.log"));
        assertThat(log).contains("ERROR org.apache.james.GuiceJamesServer - Fatal error while starting James");
        assertThat(log).contains("org.apache.commons.configuration2.ex.ConfigurationException: "
                + "Gatekeeper handler: <spf>: timeBudget: 'soon' is not a duration (500ms, 5s, 15m, 1h, 1d, PT5S)");
    }
}
