package dev.gatekeeper.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The drop-in jar of the other James generation (the 3.8 jar in James 3.9, the 3.9 jar in James
 * 3.8) stops James at start-up with a message that names the jar to use, from the first
 * Gatekeeper class James loads: a mailet when the pipeline has one, else the SMTP handler.
 */
class WrongJarIT {

    @RegisterExtension
    static final SandboxFixture SANDBOX = SandboxFixture.forTest(WrongJarIT.class);

    private static final JamesRelease RELEASE = JamesRelease.fromSystemProperty();

    private static JamesRelease otherGeneration() {
        return RELEASE.generation().equals("3.9") ? JamesRelease.V3_8_2 : JamesRelease.V3_9_0;
    }

    @Test
    void theOtherGenerationsJarInTheMailetPipelineStopsJamesNamingTheJarToUse() throws Exception {
        String log = failedStart(true);
        assertThat(log).contains("Gatekeeper dev.gatekeeper.james.mailets.");
        assertNamesTheRightJar(log);
    }

    @Test
    void theOtherGenerationsJarWithTheHandlerAloneStopsJamesNamingTheJarToUse() throws Exception {
        String log = failedStart(false);
        assertThat(log).contains("Gatekeeper GatekeeperHandler: ");
        assertNamesTheRightJar(log);
    }

    private static void assertNamesTheRightJar(String log) {
        String other = otherGeneration().generation();
        assertThat(log)
            .contains("this is the Gatekeeper jar for James " + other)
            .contains("replace it in extensions-jars/ with gatekeeper-james-" + RELEASE.generation() + "-VERSION.jar")
            .doesNotContain("NoClassDefFoundError");
    }

    /** Boots James with the wrong jar (and the Gatekeeper mailets kept or left out); returns its log. */
    private static String failedStart(boolean mailets) throws IOException {
        Path wrong = TestFiles.dropInJar(otherGeneration());
        assertThatThrownBy(() -> SANDBOX.start(SANDBOX.james()
                .gatekeeper(wrong)
                .gatekeeperMailets(mailets)
                .bootTimeout(Duration.ofSeconds(90))))
            .isInstanceOf(IOException.class)
            .hasMessageStartingWith("James exited with status 1 while starting");
        return Files.readString(SANDBOX.workDir().resolve("james.log"));
    }
}
