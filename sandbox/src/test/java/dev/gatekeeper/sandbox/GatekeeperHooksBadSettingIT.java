package dev.gatekeeper.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A wrong Gatekeeper setting stops James at start-up, and James's log names the file, the element
 * and the value in one line an administrator can grep for. Prints how long James took to exit and
 * where in its log the line is (the README quotes these figures).
 */
class GatekeeperHooksBadSettingIT {

    /** What the README tells administrators to grep for. */
    static final String GREP = "Gatekeeper handler in smtpserver.xml";

    @RegisterExtension
    static final SandboxFixture SANDBOX = SandboxFixture.forTest(GatekeeperHooksBadSettingIT.class);

    @Test
    void jamesRefusesToStartAndItsLogNamesTheFileTheElementAndTheValue() throws Exception {
        String handler = GatekeeperHooksIT.handler("127.0.0.153:53", 25, "conf/gatekeeper-policy.xml", "");
        assertThat(handler).contains("<timeBudget>10s</timeBudget>");
        String bad = handler.replace("<timeBudget>10s</timeBudget>", "<timeBudget>soon</timeBudget>");
        long start = System.nanoTime();
        assertThatThrownBy(() -> SANDBOX.start(SANDBOX.james()
                .replaceSmtpHandler(bad)
                .bootTimeout(Duration.ofSeconds(90))))
                .isInstanceOf(IOException.class)
                .hasMessageStartingWith("James exited with status 1 while starting");
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        List<String> log = Files.readAllLines(SANDBOX.workDir().resolve("james.log"));
        assertThat(String.join("\n", log)).contains("ERROR org.apache.james.GuiceJamesServer - Fatal error while starting James");
        List<Integer> hits = new ArrayList<>();
        for (int i = 0; i < log.size(); i++) {
            if (log.get(i).contains(GREP)) {
                hits.add(i + 1);
            }
        }
        assertThat(hits).as("lines naming the setting").isNotEmpty();
        assertThat(log.get(hits.get(0) - 1)).isEqualTo("java.lang.RuntimeException: "
                + "org.apache.commons.configuration2.ex.ConfigurationException: " + GREP
                + ": <spf>: timeBudget: 'soon' is not a duration (500ms, 5s, 15m, 1h, 1d, PT5S)");
        System.out.printf("GatekeeperHooksBadSettingIT: the start attempt took %d ms until James had exited;"
                + " '%s' at lines %s of %d%n", millis, GREP, hits, log.size());
    }
}
