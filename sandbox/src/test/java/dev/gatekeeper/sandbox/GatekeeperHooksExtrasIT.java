package dev.gatekeeper.sandbox;

import static dev.gatekeeper.sandbox.HooksTestKit.BLOCKED;
import static dev.gatekeeper.sandbox.HooksTestKit.BOB;
import static dev.gatekeeper.sandbox.HooksTestKit.BOB_PASSWORD;
import static dev.gatekeeper.sandbox.HooksTestKit.OUTSIDE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatekeeper.dns.LoopbackDnsServer;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * One James boot for what conf/'s policy does not show: rewriting James's OWN replies (the policy's
 * relay rules are off, so James's AuthRequiredToRelayRcptHook and ValidRcptHandler speak),
 * refusals at connect not delayed ({@code delay-reject="false"}), an internal failure answered
 * 451 with the session going on, the client's forward-confirmed reverse name in {@code <client-name>}
 * rules, and the mail attributes reaching the mailet pipeline (James's own
 * HasMailAttributeWithValue matcher, and a probe mailet that shows them as headers).
 */
class GatekeeperHooksExtrasIT {

    private static final InetAddress NAMED = JamesSandbox.loopback("127.0.0.5");
    private static final InetAddress FORGED = JamesSandbox.loopback("127.0.0.6");

    /** PTRs for the client-name rules: 127.0.0.5 forward-confirmed, 127.0.0.6 pointing at a name that is not its own. */
    static final String REVERSE_ZONE = String.join("\n",
            "5.0.0.127.in-addr.arpa. IN PTR client5.gk.test.",
            "client5.gk.test.        IN A   127.0.0.5",
            "6.0.0.127.in-addr.arpa. IN PTR forged.gk.test.",
            "forged.gk.test.         IN A   127.0.0.99",
            "");

    static final String POLICY = String.join("\n",
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>",
            "<policy hostname=\"mx.gatekeeper.test\" delay-reject=\"false\">",
            "  <relay enabled=\"false\"/>",
            "  <stage name=\"connect\">",
            "    <rule name=\"blocked-clients\" action=\"reject\" description=\"Your address is blocked here\">",
            "      <client-address cidr=\"127.0.0.66\"/>",
            "    </rule>",
            "  </stage>",
            "  <stage name=\"mail\">",
            "    <rule name=\"spf-softfail\" action=\"tag\" label=\"spf-softfail\"><spf result=\"softfail\"/></rule>",
            "  </stage>",
            "  <stage name=\"rcpt\">",
            "    <rule name=\"exploding\" action=\"reject\"><condition class=\"" + HooksTestKit.PROBE_CONDITION + "\"/></rule>",
            "    <rule name=\"named-client\" action=\"reject\" text=\"Hello ${client_name}, this mailbox is closed\">",
            "      <recipient local-part=\"named-only\"/><client-name domain-tree=\"gk.test\"/>",
            "    </rule>",
            "    <rule name=\"unknown-client\" action=\"reject\" code=\"550\" enhanced=\"5.7.25\"",
            "          text=\"Client host rejected: cannot find your hostname, [${client_ip}]\">",
            "      <recipient local-part=\"named-only\"/><client-name unknown=\"true\"/>",
            "    </rule>",
            "  </stage>",
            "</policy>",
            "");

    static final String REWRITES = ""
            // James's AuthRequiredToRelayRcptHook: 530 5.7.1 when AUTH is announced, 550 5.7.1 otherwise.
            + "<rewrite><match stage=\"rcpt\" enhanced=\"5.7.1\" text=\"relaying denied|Authentication Required\"/>"
            + "<replace code=\"550\" enhanced=\"5.7.1\" text=\"Relaying denied: authenticate first\"/></rewrite>"
            // James's ValidRcptHandler, matched by its text only.
            + "<rewrite><match text=\"^Unknown user\"/><replace text=\"No such mailbox here\"/></rewrite>";

    @RegisterExtension
    static final SandboxFixture SANDBOX = SandboxFixture.forTest(GatekeeperHooksExtrasIT.class);

    private static JamesSandbox james;
    private static long delivered;

    @BeforeAll
    static void boot() throws Exception {
        LoopbackDnsServer dns = SANDBOX.dns(GatekeeperHooksIT.ZONE + REVERSE_ZONE, "gk.test");
        Path probe = HooksTestKit.probeJar(SANDBOX.beside("-probe"));
        Path conf = SANDBOX.conf(Map.of(
                "mailetcontainer.xml", HooksTestKit.mailetContainerWithProbes(),
                "gatekeeper-extras-policy.xml", POLICY));
        james = SANDBOX.start(SANDBOX.james()
                .confDir(conf)
                .extensionJar(probe)
                .replaceSmtpHandler(GatekeeperHooksIT.handler(dns.hostPort(), 9, "conf/gatekeeper-extras-policy.xml", REWRITES))
                .user(BOB, BOB_PASSWORD));
    }

    private static String rcptReply(InetAddress from, String rcpt) {
        try (SmtpClient smtp = james.smtpClientFrom(from)) {
            assertThat(smtp.ehlo("client.example").code()).isEqualTo(250);
            assertThat(smtp.mailFrom("alice@ok.gk.test").lastLine()).isEqualTo("250 2.1.0 Sender <alice@ok.gk.test> OK");
            return String.join(" / ", smtp.rcptTo(rcpt).rawLines());
        }
    }

    private static String send(SmtpClient smtp, String subject) {
        String reply = smtp.data("From: alice@gk.test\nTo: " + BOB + "\nSubject: " + subject + "\n\nHello.\n").lastLine();
        if (reply.startsWith("250")) {
            synchronized (GatekeeperHooksExtrasIT.class) {
                delivered++;
            }
        }
        return reply;
    }

    private static String message(String subject) throws Exception {
        return HooksTestKit.message(james, BOB, BOB_PASSWORD, delivered, subject);
    }

    @Test
    void jamesOwnRelayRefusalIsRewritten() {
        // AUTH is announced to 127.0.0.2, so James says "530 5.7.1 Authentication Required"; the rewrite answers instead.
        assertThat(rcptReply(OUTSIDE, "someone@elsewhere.test")).isEqualTo("550 5.7.1 Relaying denied: authenticate first");
        assertThat(rcptReply(OUTSIDE, "someone%elsewhere.test@gatekeeper.test"))
                .isEqualTo("550 5.1.1 No such mailbox here");
    }

    @Test
    void jamesOwnUnknownUserReplyIsRewrittenByTextPattern() {
        assertThat(rcptReply(OUTSIDE, "nobody@gatekeeper.test")).isEqualTo("550 5.1.1 No such mailbox here");
        assertThat(rcptReply(OUTSIDE, BOB)).isEqualTo("250 2.1.5 Recipient <" + BOB + "> OK");
    }

    @Test
    void aConnectRefusalIsTheGreetingAndTheConnectionCloses() {
        try (SmtpClient smtp = james.smtpClientFrom(BLOCKED)) {
            assertThat(smtp.greeting().rawLines()).containsExactly("554 5.7.1 Your address is blocked here");
            // Nothing else was sent (no 220 after our 554): the next read finds the connection closed.
            assertThatThrownBy(() -> smtp.command("EHLO client.example")).isInstanceOf(RuntimeException.class);
            assertThat(smtp.transcriptText()).doesNotContain("220");
        }
    }

    @Test
    void anInternalFailureIs451AndTheSessionGoesOn() throws Exception {
        try (SmtpClient smtp = james.smtpClientFrom(OUTSIDE)) {
            smtp.ehlo("client.example");
            assertThat(smtp.mailFrom("alice@ok.gk.test").lastLine()).isEqualTo("250 2.1.0 Sender <alice@ok.gk.test> OK");
            assertThat(smtp.rcptTo("boom@gatekeeper.test").rawLines())
                    .containsExactly("451 4.3.0 Temporary server error, try again later");
            assertThat(smtp.rcptTo(BOB).lastLine()).isEqualTo("250 2.1.5 Recipient <" + BOB + "> OK");
            assertThat(send(smtp, "after-failure")).startsWith("250 2.6.0 Message received");
            assertThat(smtp.mailFrom("alice@ok.gk.test").lastLine()).isEqualTo("250 2.1.0 Sender <alice@ok.gk.test> OK");
        }
        assertThat(message("after-failure")).contains("\nReceived-SPF: pass ");
        assertThat(james.log()).contains("exploded on purpose for the test");
    }

    @Test
    void clientNameRulesSeeTheForwardConfirmedReverseName() {
        assertThat(rcptReply(NAMED, "named-only@gatekeeper.test"))
                .isEqualTo("550 5.7.1 Hello client5.gk.test, this mailbox is closed");
        assertThat(rcptReply(FORGED, "named-only@gatekeeper.test"))
                .isEqualTo("550 5.7.25 Client host rejected: cannot find your hostname, [127.0.0.6]");
        assertThat(rcptReply(OUTSIDE, "named-only@gatekeeper.test"))
                .isEqualTo("550 5.7.25 Client host rejected: cannot find your hostname, [127.0.0.2]");
    }

    @Test
    void mailAttributesReachTheMailetPipeline() throws Exception {
        try (SmtpClient smtp = james.smtpClientFrom(OUTSIDE)) {
            smtp.ehlo("client.example");
            smtp.mailFrom("alice@soft.gk.test");
            assertThat(smtp.rcptTo(BOB).lastLine()).isEqualTo("250 2.1.5 Recipient <" + BOB + "> OK");
            assertThat(send(smtp, "attributes-softfail")).startsWith("250 2.6.0 Message received");
            smtp.mailFrom("alice@ok.gk.test");
            smtp.rcptTo(BOB);
            assertThat(send(smtp, "attributes-pass")).startsWith("250 2.6.0 Message received");
        }
        String soft = message("attributes-softfail");
        assertThat(HooksTestKit.headers(soft, HooksTestKit.SOFTFAIL_HEADER)).containsExactly("routed by HasMailAttributeWithValue");
        // The message's own verdicts too: unsigned, no chain, no DMARC record for gk.test.
        assertThat(HooksTestKit.headers(soft, HooksTestKit.ATTRIBUTE_HEADER)).containsExactly(
                "dev.gatekeeper.arc.result=none",
                "dev.gatekeeper.dkim.results=[]",
                "dev.gatekeeper.dmarc.domain=gk.test",
                "dev.gatekeeper.dmarc.policy=none",
                "dev.gatekeeper.dmarc.result=none",
                "dev.gatekeeper.policy.verdicts=[connect:dunno, helo:dunno, mail:dunno, rcpt:dunno, data:dunno]",
                "dev.gatekeeper.spf.mailfrom=softfail",
                "dev.gatekeeper.tags=[spf-softfail]");
        String pass = message("attributes-pass");
        assertThat(HooksTestKit.headers(pass, HooksTestKit.SOFTFAIL_HEADER)).isEmpty();
        assertThat(HooksTestKit.headers(pass, HooksTestKit.ATTRIBUTE_HEADER)).contains("dev.gatekeeper.spf.mailfrom=pass");
    }
}
