package dev.gatekeeper.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatekeeper.callout.ScriptedPeer;
import dev.gatekeeper.dns.LoopbackDnsServer;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Roaming users on a listed dynamic range, through the real James 3.8.1: the policy Postfix
 * administrators write as {@code smtpd_client_restrictions = permit_sasl_authenticated,
 * check_client_access cidr:...} with {@code smtpd_delay_reject = yes}. James does SMTP AUTH itself;
 * the Gatekeeper handler tells the policy of the user at MAIL, and the connect rule that waited for
 * it is decided at RCPT. A listed client is refused without AUTH and with a bad password, and gets
 * through after AUTH PLAIN or LOGIN, James then relaying its mail to a peer MTA; the policy's trace
 * in James's log (Gatekeeper at DEBUG) says why.
 */
class DelayedRejectionIT {

    /** Listed in the test's table; not in conf/'s authorizedAddresses or my-networks (127.0.0.1). */
    private static final InetAddress LISTED = JamesSandbox.loopback("127.0.0.67");
    private static final String USER = Demos.SUBMITTER;
    private static final String PASSWORD = Demos.SUBMITTER_PASSWORD;
    private static final String BOB = HooksTestKit.BOB;
    private static final String FRIEND = "friend@outside.test";
    private static final String REFUSED = "550 5.7.1 Client host rejected: dynamic address, authenticate first";

    private static final String POLICY = String.join("\n",
            "<policy hostname=\"mx.gatekeeper.test\">",
            "  <relay><my-networks>127.0.0.1/32</my-networks><local-domains>gatekeeper.test</local-domains></relay>",
            "  <table name=\"roaming\" type=\"cidr\" file=\"roaming.cidr\"/>",
            "  <stage name=\"connect\">",
            "    <rule name=\"roaming-users-only\" action=\"reject\" description=\"Client host rejected: dynamic address, authenticate first\">",
            "      <not><authenticated/></not>",
            "      <client-address table=\"roaming\"/>",
            "    </rule>",
            "  </stage>",
            "</policy>",
            "");

    @RegisterExtension
    static final SandboxFixture SANDBOX = SandboxFixture.forTest(DelayedRejectionIT.class);

    private static ScriptedPeer peer;
    private static JamesSandbox james;

    @BeforeAll
    static void boot() throws Exception {
        LoopbackDnsServer dns = SANDBOX.dns(String.join("\n", "$ORIGIN outside.test.", "$TTL 300",
                "@ IN TXT \"v=spf1 -all\"", ""), "outside.test");
        peer = SANDBOX.add(ScriptedPeer.on("127.0.0.92").greeting("220 mx.outside.test ESMTP peer")
                .endOfData("250 2.0.0 Ok: queued").start());
        String logback = HooksTestKit.confFile("logback.xml");
        String info = "<logger name=\"dev.gatekeeper\" level=\"INFO\"/>";
        String mailets = HooksTestKit.confFile("mailetcontainer.xml");
        String queue = "<outgoingQueue>outgoing</outgoingQueue>";
        assertThat(logback).contains(info);
        assertThat(mailets).contains(queue);
        Path conf = SANDBOX.conf(Map.of(
                "delayed-policy.xml", POLICY,
                "roaming.cidr", "# the roaming users' dynamic range\n" + LISTED.getHostAddress() + "\n",
                "logback.xml", logback.replace(info, "<logger name=\"dev.gatekeeper\" level=\"DEBUG\"/>"),
                // Relayed mail goes to the peer, not to an MX found by DNS (James 3.8.1 asks port 53 only).
                "mailetcontainer.xml", mailets.replace(queue, queue + "<gateway>" + peer.address().getHostAddress()
                        + "</gateway><gatewayPort>" + peer.port() + "</gatewayPort>")));
        james = SANDBOX.start(SANDBOX.james()
                .confDir(conf)
                .replaceSmtpHandler(GatekeeperHooksIT.handler(dns.hostPort(), peer.port(), "conf/delayed-policy.xml", ""))
                .user(USER, PASSWORD)
                .user(BOB, HooksTestKit.BOB_PASSWORD));
    }

    private static SmtpClient listed() {
        SmtpClient smtp = james.smtpClientFrom(LISTED);
        assertThat(smtp.greeting().lastLine()).isEqualTo("220 mx.gatekeeper.test ESMTP Apache James with Gatekeeper");
        assertThat(smtp.ehlo("laptop.roaming.test").code()).isEqualTo(250);
        return smtp;
    }

    private static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    /** The Gatekeeper trace lines James logged whose text contains {@code marker}. */
    private static List<String> traces(String marker) {
        return james.log().lines().filter(l -> l.contains(" trace: ") && l.contains(marker)).collect(Collectors.toList());
    }

    @Test
    void aListedClientThatDoesNotAuthenticateIsRefusedAtEveryRcpt() {
        try (SmtpClient smtp = listed()) {
            assertThat(smtp.mailFrom("someone@outside.test").lastLine()).isEqualTo("250 2.1.0 Sender <someone@outside.test> OK");
            assertThat(smtp.rcptTo(BOB).lastLine()).isEqualTo(REFUSED);
            assertThat(smtp.rcptTo("postmaster@gatekeeper.test").lastLine()).isEqualTo(REFUSED);
        }
        // The rule waits only for listed clients: any other client is decided at connect, as before.
        try (SmtpClient smtp = james.smtpClientFrom(HooksTestKit.OUTSIDE)) {
            smtp.ehlo("client.example");
            smtp.mailFrom("someone@outside.test");
            assertThat(smtp.rcptTo(BOB).lastLine()).isEqualTo("250 2.1.5 Recipient <" + BOB + "> OK");
        }
        assertThat(traces("connect at rcpt rule 'roaming-users-only' (delayed-policy.xml:5): not(authenticated) and client"
                + " 127.0.0.67 in table roaming at roaming.cidr:2: 127.0.0.67 -> reject " + REFUSED)).isNotEmpty();
        assertThat(traces("connect rule 'roaming-users-only' (delayed-policy.xml:5): the SMTP AUTH user is not known yet"
                + " (known from mail on) and client 127.0.0.67 in table roaming at roaming.cidr:2: 127.0.0.67 -> decided at RCPT"))
                .isNotEmpty();
        assertThat(traces("[connect rule 'roaming-users-only' (delayed-policy.xml:5): no match, connect: no rule decided]"))
                .isNotEmpty();
    }

    @Test
    void aBadPasswordStaysRefused() {
        try (SmtpClient smtp = listed()) {
            assertThat(smtp.authPlain(USER, "not-" + PASSWORD).lastLine()).isEqualTo("535 Authentication Failed");
            assertThat(smtp.mailFrom(USER).lastLine()).isEqualTo("250 2.1.0 Sender <" + USER + "> OK");
            assertThat(smtp.rcptTo(BOB).lastLine()).isEqualTo(REFUSED);
            assertThat(smtp.rcptTo(FRIEND).lastLine()).isEqualTo(REFUSED);
        }
    }

    @Test
    void afterAuthPlainTheUserGetsThroughAndJamesRelaysToThePeer() throws Exception {
        try (SmtpClient smtp = listed()) {
            assertThat(smtp.authPlain(USER, PASSWORD).lastLine()).isEqualTo("235 Authentication Successful");
            assertThat(smtp.mailFrom(USER).lastLine()).isEqualTo("250 2.1.0 Sender <" + USER + "> OK");
            assertThat(smtp.rcptTo(FRIEND).lastLine()).isEqualTo("250 2.1.5 Recipient <" + FRIEND + "> OK");
            assertThat(smtp.data("From: " + USER + "\nTo: " + FRIEND + "\nSubject: roaming plain\n\nSent from the road.\n")
                    .lastLine()).isEqualTo("250 2.6.0 Message received");
        }
        String relayed = awaitRelayed("Subject: roaming plain");
        assertThat(relayed).contains("Sent from the road.");
        assertThat(peer.commands()).contains("RCPT TO:<" + FRIEND + ">");
        assertThat(traces("connect at rcpt rule 'roaming-users-only' (delayed-policy.xml:5): no match, connect at rcpt: no rule"
                + " decided, relay rule 'permit-my-networks' (default relay rules): no match")).isNotEmpty();
        assertThat(traces("relay rule 'permit-authenticated' (default relay rules): authenticated as " + USER + " -> accept"))
                .isNotEmpty();
    }

    @Test
    void afterAuthLoginTheUserGetsThroughToo() {
        try (SmtpClient smtp = listed()) {
            assertThat(smtp.command("AUTH LOGIN").lastLine()).startsWith("334 ");
            assertThat(smtp.command(base64(USER)).lastLine()).startsWith("334 ");
            assertThat(smtp.command(base64(PASSWORD)).lastLine()).isEqualTo("235 Authentication Successful");
            assertThat(smtp.mailFrom(USER).lastLine()).isEqualTo("250 2.1.0 Sender <" + USER + "> OK");
            assertThat(smtp.rcptTo(BOB).lastLine()).isEqualTo("250 2.1.5 Recipient <" + BOB + "> OK");
        }
    }

    @Test
    void aLaterTransactionOfTheSameConnectionIsDecidedAfreshAfterAuth() {
        try (SmtpClient smtp = listed()) {
            smtp.mailFrom(USER);
            assertThat(smtp.rcptTo(FRIEND).lastLine()).isEqualTo(REFUSED);
            assertThat(smtp.rset().code()).isEqualTo(250);
            assertThat(smtp.authPlain(USER, PASSWORD).lastLine()).isEqualTo("235 Authentication Successful");
            smtp.mailFrom(USER);
            assertThat(smtp.rcptTo(FRIEND).lastLine()).isEqualTo("250 2.1.5 Recipient <" + FRIEND + "> OK");
            assertThat(smtp.rset().code()).isEqualTo(250);
        }
    }

    /** The relayed message with {@code marker}, once the peer has it (James delivers asynchronously, bounded wait). */
    private static String awaitRelayed(String marker) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < end) {
            for (String m : peer.messages()) {
                if (m.contains(marker)) {
                    return m;
                }
            }
            Thread.sleep(200);
        }
        throw new AssertionError("the peer got no message with '" + marker + "'; it saw " + peer.commands()
                + "\nJames's log:\n" + james.logTail(80));
    }
}
