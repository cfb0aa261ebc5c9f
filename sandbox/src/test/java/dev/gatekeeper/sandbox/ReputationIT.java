package dev.gatekeeper.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatekeeper.dns.LoopbackDnsServer;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * DNS lists and greylisting through the real James, over a loopback DNS server serving a block
 * list ({@code bl.test}) and an allow list ({@code wl.test}): a listed client is refused at RCPT
 * in Postfix's words naming the list; an unlisted one is greylisted (450 4.7.1 with the wait),
 * then passes when it retries after the delay (2 s here); one on the allow list passes at once. The
 * score and hits reach the delivered mail as attributes (shown as headers by the probe mailet).
 */
class ReputationIT {

    /** On bl.test (weight 3). */
    private static final InetAddress LISTED = HooksTestKit.OUTSIDE;
    /** On no list: greylisted. */
    private static final InetAddress UNLISTED = JamesSandbox.loopback("127.0.0.3");
    /** On wl.test (weight -5): never greylisted. */
    private static final InetAddress ALLOWED = JamesSandbox.loopback("127.0.0.4");
    private static final String BOB = HooksTestKit.BOB;
    private static final String BLOCKED = "550 5.7.1 Service unavailable; Client host [127.0.0.2] blocked using bl.test";

    private static final String ZONE = String.join("\n",
            "$ORIGIN test.",
            "$TTL 300",
            "2.0.0.127.bl IN A 127.0.0.2",
            "4.0.0.127.wl IN A 127.0.0.2",
            "");

    private static final String POLICY = String.join("\n",
            "<policy hostname=\"mx.gatekeeper.test\">",
            "  <relay><my-networks>127.0.0.1/32</my-networks><local-domains>gatekeeper.test</local-domains></relay>",
            "  <dnsbl name=\"bl\" zone=\"bl.test\" weight=\"3\" filter=\"127.0.0.[2..11]\"/>",
            "  <dnsbl name=\"wl\" zone=\"wl.test\" weight=\"-5\"/>",
            "  <stage name=\"connect\">",
            "    <rule name=\"bl\" action=\"reject\" reason=\"dnsbl\"><dnsbl list=\"bl\"/></rule>",
            "  </stage>",
            "  <stage name=\"rcpt\">",
            "    <rule name=\"allowed\" action=\"accept\"><dnsbl-score below=\"0\"/></rule>",
            "    <rule name=\"greylist\" action=\"defer\" reason=\"greylisted\"><greylist/></rule>",
            "  </stage>",
            "</policy>",
            "");

    @RegisterExtension
    static final SandboxFixture SANDBOX = SandboxFixture.forTest(ReputationIT.class);

    private static JamesSandbox james;
    private static long delivered;

    @BeforeAll
    static void boot() throws Exception {
        LoopbackDnsServer dns = SANDBOX.dns(ZONE, "test");
        Path probe = HooksTestKit.probeJar(SANDBOX.beside("-probe"));
        String logback = HooksTestKit.confFile("logback.xml");
        String info = "<logger name=\"dev.gatekeeper\" level=\"INFO\"/>";
        assertThat(logback).contains(info);
        Path conf = SANDBOX.conf(Map.of(
                "reputation-policy.xml", POLICY,
                "mailetcontainer.xml", HooksTestKit.mailetContainerWithProbes(),
                "logback.xml", logback.replace(info, "<logger name=\"dev.gatekeeper\" level=\"DEBUG\"/>")));
        james = SANDBOX.start(SANDBOX.james()
                .confDir(conf)
                .extensionJar(probe)
                .replaceSmtpHandler(GatekeeperHooksIT.handler(dns.hostPort(), 9, "conf/reputation-policy.xml",
                        "<dnsLists><timeout>5s</timeout></dnsLists><greylist><delay>2s</delay></greylist>"))
                .user(BOB, HooksTestKit.BOB_PASSWORD));
    }

    private static SmtpClient from(InetAddress client, String sender) {
        SmtpClient smtp = james.smtpClientFrom(client);
        assertThat(smtp.greeting().lastLine()).isEqualTo("220 mx.gatekeeper.test ESMTP Apache James with Gatekeeper");
        assertThat(smtp.ehlo("client.example").code()).isEqualTo(250);
        assertThat(smtp.mailFrom(sender).lastLine()).isEqualTo("250 2.1.0 Sender <" + sender + "> OK");
        return smtp;
    }

    private static String send(SmtpClient smtp, String sender, String subject) {
        String reply = smtp.data("From: " + sender + "\nTo: " + BOB + "\nSubject: " + subject + "\n\nHello.\n").lastLine();
        if (reply.startsWith("250")) {
            synchronized (ReputationIT.class) {
                delivered++;
            }
        }
        return reply;
    }

    private static List<String> attributes(String subject) throws Exception {
        String m = HooksTestKit.message(james, BOB, HooksTestKit.BOB_PASSWORD, delivered, subject);
        return HooksTestKit.headers(m, HooksTestKit.ATTRIBUTE_HEADER).stream().filter(h -> h.startsWith("dev.gatekeeper.dnsbl.") || h.startsWith("dev.gatekeeper.greylist."))
                .collect(Collectors.toList());
    }

    /** The Gatekeeper trace lines James logged whose text contains {@code marker}. */
    private static List<String> traces(String marker) {
        return james.log().lines().filter(l -> l.contains(" trace: ") && l.contains(marker)).collect(Collectors.toList());
    }

    @Test
    void aListedClientIsRefusedAtEveryRcptNamingTheList() {
        try (SmtpClient smtp = from(LISTED, "someone@outside.test")) {
            assertThat(smtp.rcptTo(BOB).lastLine()).isEqualTo(BLOCKED);
            assertThat(smtp.rcptTo("postmaster@gatekeeper.test").lastLine()).isEqualTo(BLOCKED);
        }
        assertThat(traces("connect rule 'bl' (reputation-policy.xml:6): dnsbl score 3: bl[client-address]=127.0.0.2 -> reject "
                + BLOCKED)).isNotEmpty();
    }

    @Test
    void anUnlistedClientIsGreylistedThenPassesAfterTheDelay() throws Exception {
        String sender = "greylisted@outside.test";
        try (SmtpClient smtp = from(UNLISTED, sender)) {
            assertThat(smtp.rcptTo(BOB).lastLine())
                    .isEqualTo("450 4.7.1 <" + BOB + ">: Recipient address rejected: Greylisted, try again in 2 seconds");
        }
        // The delay is 2 s; a retry 2.5 s after the first attempt passes.
        Thread.sleep(2_500);
        try (SmtpClient smtp = from(UNLISTED, sender)) {
            assertThat(smtp.rcptTo(BOB).lastLine()).isEqualTo("250 2.1.5 Recipient <" + BOB + "> OK");
            assertThat(send(smtp, sender, "greylisted then passed")).isEqualTo("250 2.6.0 Message received");
        }
        List<String> attributes = attributes("greylisted then passed");
        assertThat(attributes).hasSize(3).startsWith("dev.gatekeeper.dnsbl.hits=[]", "dev.gatekeeper.dnsbl.score=0");
        // What it waited, in whole seconds: at least the 2 s delay (2.5 s and the second session's set-up).
        assertThat(attributes.get(2)).matches("dev\\.gatekeeper\\.greylist\\.delayed=[2-9]");
        assertThat(traces("rcpt rule 'greylist' (reputation-policy.xml:10): greylist ")).isNotEmpty();
    }

    @Test
    void aClientOnTheAllowListIsNeverGreylisted() throws Exception {
        String sender = "allowed@outside.test";
        try (SmtpClient smtp = from(ALLOWED, sender)) {
            assertThat(smtp.rcptTo(BOB).lastLine()).isEqualTo("250 2.1.5 Recipient <" + BOB + "> OK");
            assertThat(send(smtp, sender, "allow-listed")).isEqualTo("250 2.6.0 Message received");
        }
        assertThat(attributes("allow-listed")).containsExactly("dev.gatekeeper.dnsbl.hits=[wl[client-address]=127.0.0.2]",
                "dev.gatekeeper.dnsbl.score=-5");
        assertThat(traces("rcpt rule 'allowed' (reputation-policy.xml:9): dnsbl score -5: wl[client-address]=127.0.0.2 -> accept"))
                .isNotEmpty();
    }
}
