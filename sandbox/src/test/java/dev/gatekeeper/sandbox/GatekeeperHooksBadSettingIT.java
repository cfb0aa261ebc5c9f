package dev.gatekeeper.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A wrong Gatekeeper setting stops James at start-up, and James's log names the setting. */
class GatekeeperHooksBadSettingIT {

    @RegisterExtension
    static final SandboxFixture SANDBOX = SandboxFixture.forTest(GatekeeperHooksBadSettingIT.class);

    @Test
    void jamesRefusesToStartAndItsLogNamesTheSetting() throws Exception {
        String handler = GatekeeperHooksIT.handler("127.0.0.153:53", 25, "conf/gatekeeper-policy.xml", "");
        assertThat(handler).contains("<timeBudget>10s</timeBudget>");
        String bad = handler.replace("<timeBudget>10s</timeBudget>", "<timeBudget>soon</timeBudget>");
        assertThatThrownBy(() -> SANDBOX.start(SANDBOX.james()
                .replaceSmtpHandler(bad)
                .bootTimeout(Duration.ofSeconds(90))))
                .isInstanceOf(IOException.class)
                .hasMessageStartingWith("James exited with status 1 while starting");
        String log = Files.readString(SANDBOX.workDir().resolve("james.log"));
        assertThat(log).contains("ERROR org.apache.james.GuiceJamesServer - Fatal error while starting James");
        assertThat(log).contains("org.apache.commons.configuration2.ex.ConfigurationException: "
                + "Gatekeeper handler: <spf>: timeBudget: 'soon' is not a duration (500ms, 5s, 15m, 1h, 1d, PT5S)");
    }
}
