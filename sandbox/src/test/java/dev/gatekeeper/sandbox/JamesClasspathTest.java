package dev.gatekeeper.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class JamesClasspathTest {

    private static List<String> jamesClasspath(JamesRelease release) throws Exception {
        String text = Files.readString(release.classpathFile(JamesRelease.projectRoot())).trim();
        return Arrays.asList(text.split(java.io.File.pathSeparator));
    }

    @ParameterizedTest
    @EnumSource(JamesRelease.class)
    void holdsTheMemoryAppJarOfItsRelease(JamesRelease release) throws Exception {
        assertThat(jamesClasspath(release))
            .anyMatch(entry -> entry.endsWith("james-server-memory-app-" + release.version() + ".jar"))
            .noneMatch(entry -> entry.contains("/org/apache/james/") && entry.endsWith(".jar")
                && !entry.contains("/" + release.version() + "/") && entry.contains("james-server-"));
    }

    @Test
    void keepsTheVersionsJamesWasBuiltWith() throws Exception {
        // What each memory app declares, untouched by Gatekeeper's own dependency management.
        assertThat(jamesClasspath(JamesRelease.V3_8_1))
            .anyMatch(entry -> entry.endsWith("dnsjava-3.5.2.jar"))
            .anyMatch(entry -> entry.endsWith("slf4j-api-2.0.6.jar"))
            .anyMatch(entry -> entry.endsWith("logback-classic-1.4.5.jar"))
            .noneMatch(entry -> entry.contains("slf4j-api-1."));
        assertThat(jamesClasspath(JamesRelease.V3_9_0))
            .anyMatch(entry -> entry.contains("jakarta.mail"))
            .noneMatch(entry -> entry.contains("/javax/mail/") || entry.contains("javax.mail-"));
    }

    @ParameterizedTest
    @EnumSource(JamesRelease.class)
    void keepsTheSandboxWorldOffJamesClassPath(JamesRelease release) throws Exception {
        // The loopback DNS server and peers run in our JVM; Gatekeeper reaches James only as the drop-in jar.
        assertThat(jamesClasspath(release))
            .noneMatch(entry -> entry.contains("gatekeeper-"))
            .noneMatch(entry -> entry.contains("slf4j-simple"));
    }

    @Test
    void keepsJamesOffTheTestClassPath() {
        assertThatThrownBy(() -> Class.forName(JamesSandbox.MAIN_CLASS)).isInstanceOf(ClassNotFoundException.class);
        assertThatThrownBy(() -> Class.forName("org.apache.james.protocols.smtp.hook.RcptHook"))
            .isInstanceOf(ClassNotFoundException.class);
    }
}
