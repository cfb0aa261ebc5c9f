package dev.gatekeeper.sandbox;

import static dev.gatekeeper.sandbox.HooksTestKit.BLOCKED;
import static dev.gatekeeper.sandbox.HooksTestKit.BOB;
import static dev.gatekeeper.sandbox.HooksTestKit.BOB_PASSWORD;
import static dev.gatekeeper.sandbox.HooksTestKit.OUTSIDE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatekeeper.callout.ScriptedPeer;
import dev.gatekeeper.dns.LoopbackDnsServer;
import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The real James 3.8.1 with the built drop-in jar and conf/'s Gatekeeper handler and policy, its
 * DNS pointed at a loopback DNS server with a test zone and its callouts at scripted peer MTAs.
 * Every reply is asserted whole; every message that got 250 after DATA is read back from the
 * mailbox with its SPF headers.
 */
class GatekeeperHooksIT {

    static final String HANDLER = "dev.gatekeeper.james.smtp.GatekeeperHandler";

    static final String ZONE = String.join("\n",
            "$ORIGIN gk.test.",
            "$TTL 300",
            "ok        IN MX  10 mx-accept",
            "ok        IN TXT \"v=spf1 ip4:127.0.0.2 -all\"",
            "fail      IN MX  10 mx-accept",
            "fail      IN TXT \"v=spf1 ip4:192.0.2.1 -all\"",
            "soft      IN MX  10 mx-accept",
            "soft      IN TXT \"v=spf1 ~all\"",
            "neutral   IN MX  10 mx-accept",
            "neutral   IN TXT \"v=spf1 ?all\"",
            "nospf     IN MX  10 mx-accept",
            "temp      IN MX  10 mx-accept",
            "temp      IN TXT \"v=spf1 include:broken.temp.gk.test -all\"",
            "perm      IN MX  10 mx-accept",
            "perm      IN TXT \"v=spf1 ip4:127.0.0.300 -all\"",
            "rej       IN MX  10 mx-reject",
            "rej       IN TXT \"v=spf1 ip4:127.0.0.2 -all\"",
            "grey      IN MX  10 mx-grey",
            "grey      IN TXT \"v=spf1 ip4:127.0.0.2 -all\"",
            "nullmx    IN MX  0 .",
            "nullmx    IN TXT \"v=spf1 ip4:127.0.0.2 -all\"",
            "catchall  IN MX  10 mx-catchall",
            "catchall  IN TXT \"v=spf1 ip4:127.0.0.2 -all\"",
            "helo-ok   IN A   127.0.0.2",
            "helo-ok   IN TXT \"v=spf1 a -all\"",
            "helo-bad  IN TXT \"v=spf1 -all\"",
            "mx-accept   IN A 127.0.0.21",
            "mx-reject   IN A 127.0.0.22",
            "mx-grey     IN A 127.0.0.23",
            "mx-catchall IN A 127.0.0.24",
            "");

    @RegisterExtension
    static final SandboxFixture SANDBOX = SandboxFixture.forTest(GatekeeperHooksIT.class);

    private static JamesSandbox james;
    private static int accepted;

    /** The Gatekeeper handler of conf/smtpserver.xml with the test's DNS server and peer port. */
    static String handler(String dnsHostPort, int calloutPort, String policyFile, String extra) {
        return "<handler class=\"" + HANDLER + "\">"
                + "<dns><servers>" + dnsHostPort + "</servers><timeout>2s</timeout><retries>0</retries></dns>"
                + "<spf><timeBudget>10s</timeBudget></spf>"
                + "<callout><port>" + calloutPort + "</port><heloName>mx.gatekeeper.test</heloName>"
                + "<overallTimeout>10s</overallTimeout><checkRandom>true</checkRandom>"
                + "<allowPrivateTargets>true</allowPrivateTargets></callout>"
                + "<policy file=\"" + policyFile + "\"/>"
                + "<authservId>mx.gatekeeper.test</authservId>"
                + extra
                + "</handler>";
    }

    @BeforeAll
    static void boot() throws Exception {
        LoopbackDnsServer dns = SANDBOX.dns(ZONE, "gk.test");
        dns.servfail(true).onlyFor("broken.temp.gk.test");
        ScriptedPeer accept = SANDBOX.add(ScriptedPeer.on("127.0.0.21")
                .reply("RCPT TO:<", "550 5.1.1 no such user")
                .reply("RCPT TO:<alice@", "250 2.1.5 ok").start());
        int port = accept.port();
        SANDBOX.add(ScriptedPeer.on("127.0.0.22").port(port).reply("RCPT TO:<", "550 5.1.1 no such user").start());
        SANDBOX.add(ScriptedPeer.on("127.0.0.23").port(port).reply("RCPT TO:<", "450 4.2.0 greylisted, come back later").start());
        SANDBOX.add(ScriptedPeer.on("127.0.0.24").port(port).start());
        james = SANDBOX.start(SANDBOX.james()
                .replaceSmtpHandler(handler(dns.hostPort(), port, "conf/gatekeeper-policy.xml", ""))
                .user(BOB, BOB_PASSWORD));
    }

    /** EHLO, MAIL and one RCPT from an outside client; the RCPT reply. */
    private static String rcptReply(InetAddress from, String helo, String sender, String rcpt) {
        try (SmtpClient smtp = james.smtpClientFrom(from)) {
            assertThat(smtp.ehlo(helo).code()).isEqualTo(250);
            assertThat(smtp.mailFrom(sender).lastLine()).startsWith("250");
            return smtp.rcptTo(rcpt).lastLine();
        }
    }

    /** A whole transaction to Bob; returns the reply after DATA. */
    private static String deliver(InetAddress from, String helo, String sender, String subject) {
        try (SmtpClient smtp = james.smtpClientFrom(from)) {
            smtp.ehlo(helo);
            smtp.mailFrom(sender);
            String rcpt = smtp.rcptTo(BOB).lastLine();
            assertThat(rcpt).isEqualTo("250 2.1.5 Recipient <" + BOB + "> OK");
            String reply = smtp.data("From: " + (sender.isEmpty() ? "daemon@gk.test" : sender) + "\nTo: " + BOB
                    + "\nSubject: " + subject + "\n\nHello.\n").lastLine();
            if (reply.startsWith("250")) {
                synchronized (GatekeeperHooksIT.class) {
                    accepted++;
                }
            }
            return reply;
        }
    }

    /**
     * The delivered message, checked to carry our trace headers above James's own Received (James
     * adds Return-Path, Delivered-To and the Date, Message-ID, MIME-Version the client left out,
     * at delivery, above everything).
     */
    private static String message(String subject) throws Exception {
        String m = HooksTestKit.message(james, BOB, BOB_PASSWORD, accepted, subject);
        int spf = m.indexOf("\nReceived-SPF: ");
        int authRes = m.indexOf("\nAuthentication-Results: ");
        int received = m.indexOf("\nReceived: from ");
        assertThat(spf).as("Received-SPF in\n" + m).isPositive();
        assertThat(authRes).as("Authentication-Results in\n" + m).isGreaterThan(spf);
        assertThat(received).as("James's Received below ours in\n" + m).isGreaterThan(authRes);
        return m;
    }

    @Test
    void spfPassAndVerifiedSenderAreDeliveredWithTheirHeadersOnTop() throws Exception {
        assertThat(deliver(OUTSIDE, "client.example", "alice@ok.gk.test", "pass")).startsWith("250 2.6.0 Message received");
        String m = message("pass");
        assertThat(m).contains("\nReceived-SPF: pass (mx.gatekeeper.test: domain of alice@ok.gk.test designates 127.0.0.2"
                + " as permitted sender) client-ip=127.0.0.2; envelope-from=\"alice@ok.gk.test\"; helo=client.example;"
                + " receiver=mx.gatekeeper.test; identity=mailfrom; mechanism=\"ip4:127.0.0.2\"\n");
        // One field for every method: SPF, then DKIM (unsigned), ARC (no chain) and DMARC (no record for gk.test), folded.
        assertThat(m).contains("\nAuthentication-Results: mx.gatekeeper.test; spf=pass smtp.mailfrom=alice@ok.gk.test;\n"
                + "\tdkim=none;\n\tarc=none;\n\tdmarc=none (no DMARC record at _dmarc.gk.test [none at _dmarc.ok.gk.test]) header.from=ok.gk.test\n");
    }

    @Test
    void spfFailIsRefusedAtRcptWithRfc7372Code() {
        assertThat(rcptReply(OUTSIDE, "client.example", "alice@fail.gk.test", BOB))
                .isEqualTo("550 5.7.23 SPF: 127.0.0.2 may not send mail for alice@fail.gk.test: "
                        + "fail.gk.test does not designate 127.0.0.2 as permitted sender");
    }

    @Test
    void spfTemperrorDefersAndPermerrorRejects() {
        assertThat(rcptReply(OUTSIDE, "client.example", "alice@temp.gk.test", BOB))
                .isEqualTo("451 4.7.24 SPF: the sender's DNS did not answer, try again later");
        assertThat(rcptReply(OUTSIDE, "client.example", "alice@perm.gk.test", BOB))
                .isEqualTo("550 5.7.24 SPF: the sender domain's SPF record is invalid");
    }

    @Test
    void softfailNeutralAndNoneAreAcceptedAndStamped() throws Exception {
        assertThat(deliver(OUTSIDE, "client.example", "alice@soft.gk.test", "softfail")).startsWith("250");
        assertThat(deliver(OUTSIDE, "client.example", "alice@neutral.gk.test", "neutral")).startsWith("250");
        assertThat(deliver(OUTSIDE, "client.example", "alice@nospf.gk.test", "none")).startsWith("250");
        assertThat(message("softfail")).contains("\nReceived-SPF: softfail ")
                .contains("Authentication-Results: mx.gatekeeper.test; spf=softfail smtp.mailfrom=alice@soft.gk.test");
        assertThat(message("neutral")).contains("\nReceived-SPF: neutral ")
                .contains("spf=neutral smtp.mailfrom=alice@neutral.gk.test");
        assertThat(message("none")).contains("\nReceived-SPF: none ")
                .contains("spf=none smtp.mailfrom=alice@nospf.gk.test");
    }

    @Test
    void nullSenderIsCheckedAsPostmasterAtHelo() throws Exception {
        assertThat(rcptReply(OUTSIDE, "helo-bad.gk.test", "", BOB))
                .isEqualTo("550 5.7.23 SPF: 127.0.0.2 may not send mail for postmaster@helo-bad.gk.test: "
                        + "helo-bad.gk.test does not designate 127.0.0.2 as permitted sender");
        assertThat(deliver(OUTSIDE, "helo-ok.gk.test", "", "bounce")).startsWith("250");
        assertThat(message("bounce")).contains("\nReceived-SPF: pass ")
                .contains("spf=pass smtp.mailfrom=postmaster@helo-ok.gk.test");
    }

    @Test
    void calloutOutcomes() throws Exception {
        assertThat(rcptReply(OUTSIDE, "client.example", "alice@rej.gk.test", BOB))
                .isEqualTo("550 5.1.7 <alice@rej.gk.test>: Sender address rejected: undeliverable address");
        assertThat(rcptReply(OUTSIDE, "client.example", "alice@grey.gk.test", BOB))
                .isEqualTo("450 4.1.7 <alice@grey.gk.test>: Sender address rejected: address verification in progress, try again later");
        assertThat(rcptReply(OUTSIDE, "client.example", "alice@nullmx.gk.test", BOB))
                .isEqualTo("550 5.7.27 <alice@nullmx.gk.test>: Sender address rejected: domain accepts no mail (null MX)");
        assertThat(deliver(OUTSIDE, "client.example", "anyone@catchall.gk.test", "catch-all")).startsWith("250");
        assertThat(message("catch-all")).contains("\nReceived-SPF: pass ");
    }

    @Test
    void connectAndHeloRefusalsAreHeldUntilRcpt() {
        try (SmtpClient smtp = james.smtpClientFrom(BLOCKED)) {
            assertThat(smtp.greeting().code()).isEqualTo(220);
            assertThat(smtp.ehlo("client.example").code()).isEqualTo(250);
            assertThat(smtp.mailFrom("alice@ok.gk.test").lastLine()).startsWith("250");
            assertThat(smtp.rcptTo(BOB).lastLine()).isEqualTo("550 5.7.1 Your address is blocked here");
            assertThat(smtp.rcptTo("postmaster@gatekeeper.test").lastLine()).isEqualTo("550 5.7.1 Your address is blocked here");
        }
        assertThat(rcptReply(OUTSIDE, "mx.gatekeeper.test", "alice@ok.gk.test", BOB))
                .isEqualTo("550 5.7.1 <mx.gatekeeper.test>: Helo command rejected: You are not me");
    }

    @Test
    void relayIsDeniedToOutsidersIncludingTheTricks() {
        for (String rcpt : List.of("someone@elsewhere.test", "someone%elsewhere.test@gatekeeper.test",
                "elsewhere.test!someone@gatekeeper.test")) {
            assertThat(rcptReply(OUTSIDE, "client.example", "alice@ok.gk.test", rcpt))
                    .as(rcpt).isEqualTo("550 5.7.1 <" + rcpt + ">: Relay access denied");
        }
    }

    @Test
    void relayIsAllowedToMyNetworksAndToAuthenticatedUsers() {
        assertThat(rcptReply(JamesSandbox.loopback("127.0.0.1"), "client.example", "alice@ok.gk.test", "someone@elsewhere.test"))
                .isEqualTo("250 2.1.5 Recipient <someone@elsewhere.test> OK");
        try (SmtpClient smtp = james.smtpClientFrom(OUTSIDE)) {
            smtp.ehlo("client.example");
            assertThat(smtp.authPlain(BOB, BOB_PASSWORD).lastLine()).startsWith("235");
            smtp.mailFrom(BOB);
            assertThat(smtp.rcptTo("someone@elsewhere.test").lastLine()).isEqualTo("250 2.1.5 Recipient <someone@elsewhere.test> OK");
        }
    }
}
