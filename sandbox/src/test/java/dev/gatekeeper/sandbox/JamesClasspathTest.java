package dev.gatekeeper.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class JamesClasspathTest {

    private List<String> jamesClasspath() throws Exception {
        Path file = Paths.get(System.getProperty(JamesSandbox.CLASSPATH_PROPERTY));
        return Arrays.asList(Files.readString(file).trim().split(java.io.File.pathSeparator));
    }

    @Test
    void holdsTheMemoryAppJarWithItsMainClass() throws Exception {
        assertThat(jamesClasspath()).anyMatch(entry -> entry.endsWith("james-server-memory-app-3.8.1.jar"));
    }

    @Test
    void keepsTheVersionsJamesWasBuiltWithDespiteTheParentsDependencyManagement() throws Exception {
        assertThat(jamesClasspath())
            .anyMatch(entry -> entry.endsWith("dnsjava-3.5.2.jar"))
            .anyMatch(entry -> entry.endsWith("slf4j-api-2.0.6.jar"))
            .anyMatch(entry -> entry.endsWith("logback-classic-1.4.5.jar"))
            .noneMatch(entry -> entry.contains("slf4j-api-1."));
    }

    @Test
    void keepsTheSandboxWorldOffJamesClassPath() throws Exception {
        // The loopback DNS server and peers run in our JVM; Gatekeeper reaches James only as the drop-in jar.
        assertThat(jamesClasspath())
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
