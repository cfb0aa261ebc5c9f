package dev.gatekeeper.policy;

import static dev.gatekeeper.policy.Policies.ip;
import static dev.gatekeeper.policy.Policies.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatekeeper.dns.AddressRecord;
import dev.gatekeeper.dns.ZoneResolver;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Builds the README's DNS blocklist example into a jar of its own at test time, and loads it as James would. */
class ExtensionTest {

    private static final String FACTORY = "com.example.gatekeeper.DnsblConditionFactory";

    @TempDir
    static Path work;

    static Path jar;

    @BeforeAll
    static void buildTheExtensionJar() throws Exception {
        Path src = Path.of(ExtensionTest.class.getResource("/extension-src/com/example/gatekeeper/DnsblConditionFactory.java").toURI());
        Path classes = Files.createDirectories(work.resolve("classes"));
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        int rc = javac.run(null, null, null, "--release", "11", "-classpath", System.getProperty("java.class.path"),
                "-d", classes.toString(), src.toString());
        assertThat(rc).as("javac exit status").isZero();
        jar = work.resolve("dnsbl-extension.jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar)); Stream<Path> files = Files.walk(classes)) {
            for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                out.putNextEntry(new JarEntry(classes.relativize(f).toString().replace('\\', '/')));
                Files.copy(f, out);
                out.closeEntry();
            }
            out.putNextEntry(new JarEntry("META-INF/services/" + PolicyConditionFactory.class.getName()));
            out.write((FACTORY + "\n").getBytes(StandardCharsets.UTF_8));
            out.closeEntry();
        }
    }

    private static URLClassLoader loader() throws Exception {
        return new URLClassLoader(new URL[] {jar.toUri().toURL()}, ExtensionTest.class.getClassLoader());
    }

    private String policy(String condition) {
        return "<policy><stage name=\"connect\"><rule name=\"dnsbl\" action=\"reject\" "
                + "text=\"${client_ip} is listed in zen.example\">" + condition + "</rule></stage></policy>";
    }

    private Verdict connect(PolicyConfig config, String client) {
        ZoneResolver dns = ZoneResolver.builder()
                .add("99.2.0.192.zen.example", AddressRecord.of(ip("127.0.0.2")))
                .add("98.2.0.192.zen.example", AddressRecord.of(ip("127.0.0.10")))
                .timeout("97.2.0.192.zen.example")
                .build();
        PolicySession s = PolicyEngine.create(config, new FakeChecks(), dns).openSession(ClientFacts.of(ip(client), null, false));
        return Policies.await(s.connect());
    }

    @Test
    void theExtensionIsNotOnTheTestClassPath() {
        assertThatThrownBy(() -> Class.forName(FACTORY)).isInstanceOf(ClassNotFoundException.class);
    }

    @Test
    void foundByClassName() throws Exception {
        try (URLClassLoader cl = loader()) {
            Path file = write(work, "p1.xml", policy("<condition class=\"" + FACTORY + "\"><param name=\"zone\" value=\"zen.example\"/>"
                    + "<param name=\"answer\" value=\"127.0.0.2\"/></condition>").replace("<policy>", "<policy delay-reject=\"false\">"));
            PolicyConfig c = PolicyConfig.loader().classLoader(cl).load(file);
            assertThat(Policies.line(connect(c, "192.0.2.99"))).isEqualTo("connect 554 5.7.1 192.0.2.99 is listed in zen.example");
            assertThat(Policies.line(connect(c, "192.0.2.98"))).as("another answer").isEqualTo("connect pass");
            assertThat(Policies.line(connect(c, "192.0.2.97"))).as("list not answering").isEqualTo("connect pass");
            assertThat(Policies.line(connect(c, "192.0.2.1"))).isEqualTo("connect pass");
            assertThat(connect(c, "192.0.2.99").trace()).anyMatch(l -> l.contains("dnsbl zen.example answer 127.0.0.2 -> reject"));
        }
    }

    @Test
    void foundThroughServiceLoaderByName() throws Exception {
        try (URLClassLoader cl = loader()) {
            Path file = write(work, "p2.xml", policy("<condition type=\"dnsbl\"><param name=\"zone\" value=\"zen.example\"/></condition>"));
            PolicyConfig c = PolicyConfig.loader().classLoader(cl).load(file);
            assertThat(Policies.line(connect(c, "192.0.2.98"))).isEqualTo("connect pass (held: 550 5.7.1 192.0.2.98 is listed in zen.example)");
        }
    }

    @Test
    void itsOwnParameterChecksNameThePlace() throws Exception {
        try (URLClassLoader cl = loader()) {
            Path file = write(work, "p3.xml", policy("\n<condition type=\"dnsbl\"><param name=\"zone\" value=\"zen.example\"/>"
                    + "<param name=\"answr\" value=\"127.0.0.2\"/></condition>"));
            assertThatThrownBy(() -> PolicyConfig.loader().classLoader(cl).load(file))
                    .hasMessage("p3.xml:2: unknown parameter 'answr' (known: answer, zone)");
            Path missing = write(work, "p4.xml", policy("<condition type=\"dnsbl\"/>"));
            assertThatThrownBy(() -> PolicyConfig.loader().classLoader(cl).load(missing))
                    .hasMessage("p4.xml:1: missing parameter 'zone'");
        }
    }

    @Test
    void anActionExtensionDecides() throws Exception {
        Path file = write(work, "p5.xml", "<policy><relay><local-domains>x.example</local-domains></relay><stage name=\"rcpt\"><rule action=\"custom\" class=\""
                + RecipientQuota.class.getName() + "\"><param name=\"limit\" value=\"1\"/></rule></stage></policy>");
        PolicyConfig c = PolicyConfig.load(file);
        List<String> out = new Policies.Transaction(c, new FakeChecks()).to("<a@x.example>", "<b@x.example>").run();
        assertThat(out).contains("rcpt pass", "rcpt 452 4.5.3 Too many recipients for this sender");
    }

    @Test
    void aFactoryThatRefusesOrMakesNothingIsRefusedAtStartNamingThePlace() {
        String rule = "<policy>\n<stage name=\"rcpt\">\n<rule action=\"reject\">\n<condition class=\"%s\"><param name=\"kind\" value=\"%s\"/>"
                + "</condition></rule></stage></policy>";
        String broken = Broken.class.getName();
        assertThatThrownBy(() -> PolicyConfig.load(write(work, "p6.xml", String.format(rule, broken, "refuses"))))
                .isInstanceOf(PolicyConfigException.class).hasMessage("p6.xml:4: <condition>: kind 'refuses' is refused");
        assertThatThrownBy(() -> PolicyConfig.load(write(work, "p7.xml", String.format(rule, broken, "nothing"))))
                .hasMessage("p7.xml:4: " + broken + " made no condition");
        assertThatThrownBy(() -> PolicyConfig.load(write(work, "p8.xml", String.format(rule, broken, "nowhere"))))
                .hasMessage("p8.xml:4: " + broken + " made a condition whose knownFrom() is null");
        String none = NoAction.class.getName();
        assertThatThrownBy(() -> PolicyConfig.load(write(work, "p9.xml", "<policy><stage name=\"rcpt\">\n<rule action=\"custom\" class=\""
                + none + "\"/></stage></policy>"))).isInstanceOf(PolicyConfigException.class).hasMessage("p9.xml:2: " + none + " made no action");
    }

    /** A condition factory that refuses its parameter, makes nothing, or makes a condition known nowhere. */
    public static final class Broken implements PolicyConditionFactory {
        @Override
        public String name() {
            return "broken";
        }

        @Override
        public PolicyCondition create(ExtensionConfig config) {
            String kind = config.requiredParameter("kind");
            switch (kind) {
                case "nothing":
                    return null;
                case "nowhere":
                    return new PolicyCondition() {
                        @Override
                        public java.util.concurrent.CompletionStage<Boolean> test(PolicyContext context) {
                            return java.util.concurrent.CompletableFuture.completedFuture(true);
                        }

                        @Override
                        public Stage knownFrom() {
                            return null;
                        }
                    };
                default:
                    throw new IllegalArgumentException("kind '" + kind + "' is refused");
            }
        }
    }

    /** An action factory that makes nothing. */
    public static final class NoAction implements PolicyActionFactory {
        @Override
        public String name() {
            return "no-action";
        }

        @Override
        public PolicyAction create(ExtensionConfig config) {
            return null;
        }
    }

    /** An action factory as a plugin author writes one (here on the test class path). */
    public static final class RecipientQuota implements PolicyActionFactory {
        @Override
        public String name() {
            return "recipient-quota";
        }

        @Override
        public PolicyAction create(ExtensionConfig config) {
            config.allowOnly(java.util.Set.of("limit"));
            int limit = Integer.parseInt(config.requiredParameter("limit"));
            SmtpReply tooMany = SmtpReply.builder(452).enhanced("4.5.3").line("Too many recipients for this sender").build();
            return context -> java.util.concurrent.CompletableFuture.completedFuture(
                    context.recipientCount() > limit ? PolicyDecision.defer(tooMany) : PolicyDecision.accept());
        }
    }

}
