package dev.gatekeeper.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;

/**
 * What the Gatekeeper hook ITs share beyond {@link GatekeeperHooksIT}'s zone and handler and the
 * {@link SandboxFixture} that boots them: edited conf/ files, a probe jar compiled at test time (a
 * mailet that shows the Gatekeeper mail attributes as headers, a policy condition that fails on
 * purpose) and reading a delivered message back through IMAP.
 */
final class HooksTestKit {

    /** An outside client: not in conf/'s my-networks, so it may not relay. */
    static final InetAddress OUTSIDE = JamesSandbox.loopback("127.0.0.2");
    /** The client conf/gatekeeper-policy.xml refuses at connect. */
    static final InetAddress BLOCKED = JamesSandbox.loopback("127.0.0.66");
    /** The local mailbox the hook ITs deliver to. */
    static final String BOB = "bob@gatekeeper.test";
    static final String BOB_PASSWORD = "bob-secret";

    static final String PROBE_MAILET = "gkprobe.GatekeeperAttributesHeader";
    static final String PROBE_CONDITION = "gkprobe.ExplodingConditionFactory";
    /** The header the probe mailet adds, one per Gatekeeper attribute: {@code name=value}. */
    static final String ATTRIBUTE_HEADER = "X-Gatekeeper-Attribute";
    /** The header James's own HasMailAttributeWithValue matcher + SetMimeHeader mailet add for SPF softfail. */
    static final String SOFTFAIL_HEADER = "X-Spf-Softfail";

    private static final String MAILET_SOURCE = String.join("\n",
            "package gkprobe;",
            "",
            "import java.util.ArrayList;",
            "import java.util.Collection;",
            "import java.util.Comparator;",
            "import java.util.List;",
            "import java.util.Map;",
            "import java.util.TreeMap;",
            "import javax.mail.MessagingException;",
            "import org.apache.mailet.Attribute;",
            "import org.apache.mailet.AttributeValue;",
            "import org.apache.mailet.Mail;",
            "import org.apache.mailet.base.GenericMailet;",
            "",
            "/** Test probe: every dev.gatekeeper.* mail attribute as an X-Gatekeeper-Attribute header. */",
            "public class GatekeeperAttributesHeader extends GenericMailet {",
            "    @Override",
            "    public void service(Mail mail) throws MessagingException {",
            "        List<Attribute> ours = new ArrayList<>();",
            "        mail.attributes().filter(a -> a.getName().asString().startsWith(\"dev.gatekeeper.\")).forEach(ours::add);",
            "        ours.sort(Comparator.comparing(a -> a.getName().asString()));",
            "        for (Attribute a : ours) {",
            "            mail.getMessage().addHeader(\"X-Gatekeeper-Attribute\", a.getName().asString() + \"=\" + plain(a.getValue()));",
            "        }",
            "        mail.getMessage().saveChanges();",
            "    }",
            "",
            "    private static Object plain(AttributeValue<?> v) {",
            "        Object o = v.value();",
            "        if (o instanceof Collection) {",
            "            List<Object> out = new ArrayList<>();",
            "            for (Object e : (Collection<?>) o) {",
            "                out.add(e instanceof AttributeValue ? plain((AttributeValue<?>) e) : e);",
            "            }",
            "            return out;",
            "        }",
            "        if (o instanceof Map) {",
            "            Map<Object, Object> out = new TreeMap<>();",
            "            ((Map<?, ?>) o).forEach((k, e) -> out.put(k, e instanceof AttributeValue ? plain((AttributeValue<?>) e) : e));",
            "            return out;",
            "        }",
            "        return o;",
            "    }",
            "}");

    private static final String CONDITION_SOURCE = String.join("\n",
            "package gkprobe;",
            "",
            "import dev.gatekeeper.policy.ExtensionConfig;",
            "import dev.gatekeeper.policy.PolicyCondition;",
            "import dev.gatekeeper.policy.PolicyConditionFactory;",
            "import java.util.concurrent.CompletableFuture;",
            "",
            "/** Test probe: a policy condition that throws for the recipient boom@..., and is false otherwise. */",
            "public class ExplodingConditionFactory implements PolicyConditionFactory {",
            "    @Override",
            "    public String name() {",
            "        return \"exploding\";",
            "    }",
            "",
            "    @Override",
            "    public PolicyCondition create(ExtensionConfig config) {",
            "        return context -> {",
            "            if (context.recipient().map(r -> r.localPart().equals(\"boom\")).orElse(false)) {",
            "                throw new IllegalStateException(\"exploded on purpose for the test\");",
            "            }",
            "            return CompletableFuture.completedFuture(false);",
            "        };",
            "    }",
            "}");

    private HooksTestKit() {
    }

    /** The probe jar (mailet and condition), compiled against James and the Gatekeeper jar. */
    static Path probeJar(Path buildDir) throws IOException {
        TestFiles.deleteTree(buildDir);
        return ExtensionJar.build(Files.createDirectories(buildDir), "gatekeeper-probe.jar",
                List.of(TestFiles.dropInJar()),
                PROBE_MAILET, MAILET_SOURCE, PROBE_CONDITION, CONDITION_SOURCE);
    }

    static String confFile(String name) throws IOException {
        return Files.readString(Paths.get(System.getProperty(JamesSandbox.CONF_PROPERTY)).resolve(name));
    }

    /**
     * conf/mailetcontainer.xml with, first in the root processor, James's own
     * HasMailAttributeWithValue matcher routing SPF softfail to SetMimeHeader, and the probe mailet.
     */
    static String mailetContainerWithProbes() throws IOException {
        String xml = confFile("mailetcontainer.xml");
        String anchor = "<mailet match=\"All\" class=\"PostmasterAlias\"/>";
        assertThat(xml).contains(anchor);
        return xml.replace(anchor, anchor + "\n"
                + "<mailet match=\"HasMailAttributeWithValue=dev.gatekeeper.spf.mailfrom, softfail\" class=\"SetMimeHeader\">"
                + "<name>" + SOFTFAIL_HEADER + "</name><value>routed by HasMailAttributeWithValue</value></mailet>\n"
                + "<mailet match=\"All\" class=\"" + PROBE_MAILET + "\"/>");
    }

    /** conf/gatekeeper-policy.xml with attributes of its root element replaced, e.g. warn-only="true". */
    static String policyWith(String attribute, String value) throws IOException {
        String xml = confFile("gatekeeper-policy.xml");
        String from = attribute + "=\"" + (attribute.equals("delay-reject") ? "true" : "false") + "\"";
        assertThat(xml).contains(from);
        return xml.replace(from, attribute + "=\"" + value + "\"");
    }

    /** The one message in {@code user}'s INBOX whose Subject is {@code subject}, CRLF made LF. */
    static String message(JamesSandbox james, String user, String password, long expectedCount, String subject)
            throws Exception {
        james.awaitInboxMessageCount(user, expectedCount, Duration.ofSeconds(30));
        String m = null;
        // Delivery is asynchronous after the 250: look again a few times (bounded) before failing.
        for (int attempt = 0; attempt < 50 && m == null; attempt++) {
            m = james.readInbox(user, password).stream().filter(x -> x.contains("Subject: " + subject + "\r\n"))
                    .findFirst().orElse(null);
            if (m == null) {
                Thread.sleep(200);
            }
        }
        assertThat(m).as("message " + subject + " in the INBOX").isNotNull();
        return m.replace("\r\n", "\n");
    }

    /** The values of every header line named {@code name} in the header block (unfolded). */
    static List<String> headers(String message, String name) {
        String head = message.substring(0, Math.max(0, message.indexOf("\n\n")));
        String unfolded = head.replaceAll("\n[ \t]+", " ");
        return unfolded.lines().filter(l -> l.regionMatches(true, 0, name + ":", 0, name.length() + 1))
                .map(l -> l.substring(name.length() + 1).strip()).collect(java.util.stream.Collectors.toList());
    }
}
