package dev.gatekeeper.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatekeeper.dns.LoopbackDnsServer;
import dev.gatekeeper.dns.ZoneFile;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
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
    /** Where every third-party library goes (distribution/pom.xml's relocations). */
    private static final String SHADED = "dev/gatekeeper/shaded/";
    /** Gatekeeper's own packages: dev/gatekeeper/ and a first segment other than "shaded". */
    private static final Pattern OWN_PACKAGES = Pattern.compile("dev/gatekeeper/(?!shaded/)[a-z0-9]+/");

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
    void bouncyCastleIsThereRelocatedOnlyAndTheEnginesUseItThere() throws IOException {
        try (JarFile jar = new JarFile(jar().toFile())) {
            List<String> names = jar.stream().map(JarEntry::getName).collect(Collectors.toList());
            assertThat(names).contains(SHADED + "org/bouncycastle/crypto/signers/Ed25519Signer.class",
                    SHADED + "org/bouncycastle/crypto/params/Ed25519PublicKeyParameters.class",
                    "dev/gatekeeper/dkim/DkimVerifier.class", "dev/gatekeeper/dmarc/DmarcEvaluator.class",
                    "dev/gatekeeper/dmarc/public_suffix_list.dat");
            // Every class is ours, relocated under the prefix, or the deliberate slf4j exception.
            assertThat(names.stream().filter(n -> n.endsWith(".class") && !n.startsWith(SHADED) && !n.startsWith(SLF4J)
                    && !OWN_PACKAGES.matcher(n).lookingAt()))
                    .as("classes outside Gatekeeper's packages and " + SHADED).isEmpty();
            assertThat(names.stream().filter(n -> n.contains("org/bouncycastle/") && !n.startsWith(SHADED)))
                    .as("BouncyCastle entries outside " + SHADED).isEmpty();
            // BC's own manifest checks and JCA provider registration would not survive shading.
            assertThat(names.stream().filter(n -> n.matches("META-INF/[^/]+\\.(SF|DSA|RSA|EC)")
                    || n.startsWith("META-INF/versions/") || n.endsWith("module-info.class"))).isEmpty();
            // The engine's class files name the relocated BC, none the original.
            String check = new String(jar.getInputStream(jar.getEntry("dev/gatekeeper/dkim/SignatureCheck.class")).readAllBytes(),
                    StandardCharsets.ISO_8859_1);
            assertThat(check).contains(SHADED + "org/bouncycastle/crypto/signers/Ed25519Signer");
            assertThat(check.replace(SHADED + "org/bouncycastle/", "")).doesNotContain("org/bouncycastle/");
        }
    }

    /**
     * RFC 8463 Appendix A (its Ed25519 signature and key), verified by the DKIM engine loaded from
     * the jar alone, with no class path of ours behind it: the relocated BouncyCastle links and works.
     */
    @Test
    void theJarsDkimEngineVerifiesRfc8463sEd25519Example() throws Exception {
        String message = "DKIM-Signature: v=1; a=ed25519-sha256; c=relaxed/relaxed;\r\n"
                + " d=football.example.com; i=@football.example.com;\r\n"
                + " q=dns/txt; s=brisbane; t=1528637909; h=from : to :\r\n"
                + " subject : date : message-id : from : subject : date;\r\n"
                + " bh=2jUSOH9NhtVGCQWNr9BrIAPreKQjO6Sn7XIkfJVOzv8=;\r\n"
                + " b=/gCrinpcQOoIfuHNQIbq4pgh9kyIK3AQUdt9OdqQehSwhEIug4D11Bus\r\n"
                + " Fa3bT3FY5OsU7ZbnKELq+eXdp1Q1Dw==\r\n"
                + "From: Joe SixPack <joe@football.example.com>\r\n"
                + "To: Suzie Q <suzie@shopping.example.net>\r\n"
                + "Subject: Is dinner ready?\r\n"
                + "Date: Fri, 11 Jul 2003 21:00:37 -0700 (PDT)\r\n"
                + "Message-ID: <20030712040037.46341.5F8J@football.example.com>\r\n"
                + "\r\n"
                + "Hi.\r\n\r\nWe lost the game.  Are you hungry yet?\r\n\r\nJoe.\r\n";
        try (URLClassLoader loader = new URLClassLoader(new URL[] {jar().toUri().toURL()}, ClassLoader.getPlatformClassLoader())) {
            Class<?> zoneResolver = loader.loadClass("dev.gatekeeper.dns.ZoneResolver");
            Class<?> dnsRecord = loader.loadClass("dev.gatekeeper.dns.DnsRecord");
            Object txt = loader.loadClass("dev.gatekeeper.dns.TxtRecord").getMethod("of", String[].class)
                    .invoke(null, (Object) new String[] {"v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo="});
            Object builder = zoneResolver.getMethod("builder").invoke(null);
            builder.getClass().getMethod("add", String.class, dnsRecord)
                    .invoke(builder, "brisbane._domainkey.football.example.com", txt);
            Object resolver = builder.getClass().getMethod("build").invoke(builder);
            Class<?> verifierClass = loader.loadClass("dev.gatekeeper.dkim.DkimVerifier");
            assertThat(verifierClass.getClassLoader()).isSameAs(loader);
            Object verifier = verifierClass.getConstructor(loader.loadClass("dev.gatekeeper.dns.DnsResolver")).newInstance(resolver);
            CompletionStage<?> stage = (CompletionStage<?>) verifierClass.getMethod("verify", byte[].class)
                    .invoke(verifier, (Object) message.getBytes(StandardCharsets.US_ASCII));
            List<?> results = (List<?>) stage.toCompletableFuture().get(30, TimeUnit.SECONDS);
            assertThat(results).hasSize(1);
            Object result = results.get(0);
            assertThat(result.getClass().getMethod("resinfo").invoke(result))
                    .isEqualTo("dkim=pass header.d=football.example.com header.s=brisbane header.b=\"/gCrinpc\"");
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
