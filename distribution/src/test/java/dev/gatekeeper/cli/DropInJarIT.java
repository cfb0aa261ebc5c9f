package dev.gatekeeper.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatekeeper.dns.LoopbackDnsServer;
import dev.gatekeeper.dns.ZoneFile;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;

/**
 * The jar the package phase built, as James and an administrator get it: Java 11 bytecode, only
 * Gatekeeper's packages (third-party code relocated under dev.gatekeeper.shaded), James's APIs
 * left to James, and a command line that runs with plain {@code java -jar}.
 */
class DropInJarIT {

    /** Java 11 (JVMS §4.1): what James 3.8.1's images run. */
    private static final int MAX_CLASS_MAJOR = 55;
    /** Deliberately unrelocated: see the note on slf4j in distribution/pom.xml. */
    private static final String SLF4J = "org/slf4j/";

    private static Path jar() {
        Path jar = Paths.get(System.getProperty("gatekeeper.jar", "target/gatekeeper-james.jar"));
        assertThat(jar).isRegularFile();
        return jar;
    }

    @Test
    void everyClassIsJava11AndInsideGatekeeperPackages() throws IOException {
        List<String> outside = new ArrayList<>();
        List<String> tooNew = new ArrayList<>();
        int classes = 0;
        try (JarFile jar = new JarFile(jar().toFile())) {
            for (Enumeration<JarEntry> e = jar.entries(); e.hasMoreElements(); ) {
                JarEntry entry = e.nextElement();
                String name = entry.getName();
                if (entry.isDirectory()) {
                    continue;
                }
                if (name.endsWith(".class")) {
                    classes++;
                    if (!name.startsWith("dev/gatekeeper/") && !name.startsWith(SLF4J)) {
                        outside.add(name);
                    }
                    int major = majorVersion(jar, entry);
                    if (major > MAX_CLASS_MAJOR) {
                        tooNew.add(name + " (" + major + ")");
                    }
                } else if (!name.startsWith("META-INF/") && !name.startsWith("dev/gatekeeper/")) {
                    outside.add(name);
                }
            }
        }
        assertThat(classes).isGreaterThan(500);
        assertThat(outside).as("entries outside dev/gatekeeper/ (relocate them)").isEmpty();
        assertThat(tooNew).as("classes newer than Java 11").isEmpty();
    }

    @Test
    void holdsTheHooksAndTheRelocatedLibrariesButNotJamesApis() throws IOException {
        try (JarFile jar = new JarFile(jar().toFile())) {
            assertThat(jar.getEntry("dev/gatekeeper/james/smtp/GatekeeperHandler.class")).isNotNull();
            assertThat(jar.getEntry("dev/gatekeeper/cli/Main.class")).isNotNull();
            assertThat(jar.getEntry("dev/gatekeeper/shaded/org/xbill/DNS/Message.class")).isNotNull();
            assertThat(jar.getEntry("dev/gatekeeper/shaded/com/github/benmanes/caffeine/cache/Caffeine.class")).isNotNull();
            for (String provided : List.of("org/apache/james/", "org/apache/mailet/", "javax/mail/", "com/google/inject/",
                    "org/apache/commons/configuration2/", "org/xbill/", "com/github/benmanes/")) {
                assertThat(jar.stream().map(JarEntry::getName).filter(n -> n.startsWith(provided)))
                        .as(provided).isEmpty();
            }
            // dnsjava must not install itself as the JVM's resolver; only the CLI's logging provider is a service.
            assertThat(jar.stream().map(JarEntry::getName).filter(n -> n.startsWith("META-INF/services/") && !n.endsWith("/")))
                    .containsExactly("META-INF/services/org.slf4j.spi.SLF4JServiceProvider");
            assertThat(jar.getManifest().getMainAttributes().getValue("Main-Class")).isEqualTo("dev.gatekeeper.cli.Main");
        }
    }

    @Test
    void commandLineRunsWithJavaJarThroughTheRelocatedDnsjava() throws Exception {
        ZoneFile zone = ZoneFile.parse("$ORIGIN jar.test.\n$TTL 300\n"
                + "@ IN TXT \"v=spf1 ip4:192.0.2.0/24 -all\"\n", "jar.test");
        try (LoopbackDnsServer dns = LoopbackDnsServer.start(zone)) {
            Process p = new ProcessBuilder(Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
                    "-jar", jar().toString(), "spf", "--dns-server", dns.hostPort(),
                    "--ip", "192.0.2.7", "--helo", "mail.jar.test", "--sender", "alice@jar.test")
                    .redirectErrorStream(false).start();
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(err).as("stderr (no SLF4J warnings either)").isEmpty();
            assertThat(p.exitValue()).isZero();
            assertThat(out.lines().findFirst()).contains("pass");
        }
    }

    private static int majorVersion(JarFile jar, JarEntry entry) throws IOException {
        try (InputStream in = jar.getInputStream(entry); DataInputStream data = new DataInputStream(in)) {
            if (data.readInt() != 0xCAFEBABE) {
                throw new IOException(entry.getName() + " is not a class file");
            }
            data.readUnsignedShort();
            return data.readUnsignedShort();
        }
    }

}
