package dev.gatekeeper.sandbox;

import static dev.gatekeeper.sandbox.HooksTestKit.BOB;
import static dev.gatekeeper.sandbox.HooksTestKit.BOB_PASSWORD;
import static dev.gatekeeper.sandbox.HooksTestKit.OUTSIDE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatekeeper.callout.ScriptedPeer;
import dev.gatekeeper.dns.LoopbackDnsServer;
import java.net.InetAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * RFC 8601 §5 through the real James 3.8.1 with conf/'s handler and policy: a client writes an
 * {@code Authentication-Results} field in our authserv-id's name ({@code mx.gatekeeper.test}) and
 * one for another server; what Bob's INBOX holds, read over IMAP. From outside, ours is the only
 * field in our name (the forged one removed, or renamed with the setting) and the other server's
 * stays; from inside (conf/'s my-networks 127.0.0.1, or after SMTP AUTH) the client's fields stay
 * as they were written.
 */
class ForgedAuthenticationResultsIT {

    static final String ZONE = String.join("\n",
            "$ORIGIN af.test.",
            "$TTL 300",
            "ok        IN MX  10 mx-accept",
            "ok        IN TXT \"v=spf1 ip4:127.0.0.1 ip4:127.0.0.2 -all\"",
            "mx-accept IN A   127.0.0.81",
            "");

    static final String SENDER = "alice@ok.af.test";
    /** Our one field, unfolded: SPF, then DKIM, ARC and DMARC of the unsigned message (no DMARC record for af.test). */
    static final String OURS = "mx.gatekeeper.test; spf=pass smtp.mailfrom=" + SENDER
            + "; dkim=none; arc=none; dmarc=none (no DMARC record at _dmarc.af.test [none at _dmarc.ok.af.test]) header.from=ok.af.test";
    /** In our name: another case, a comment, a version, folded. */
    static final String FORGED = "Authentication-Results: (checked, honest) MX.Gatekeeper.TEST 1;\n"
            + "\tspf=pass smtp.mailfrom=" + SENDER + "\n";
    static final String FOREIGN = "Authentication-Results: relay.other.test; dkim=pass header.d=ok.af.test\n";
    /** A header-like line in the body: text, never touched. */
    static final String BODY_LINE = "Authentication-Results: mx.gatekeeper.test; spf=pass (quoted in the body)";

    @RegisterExtension
    static final SandboxFixture SANDBOX = SandboxFixture.forTest(ForgedAuthenticationResultsIT.class);

    private static JamesSandbox removing;
    private static JamesSandbox renaming;
    private static final Map<JamesSandbox, Integer> DELIVERED = new HashMap<>();

    @BeforeAll
    static void boot() throws Exception {
        LoopbackDnsServer dns = SANDBOX.dns(ZONE, "af.test");
        ScriptedPeer accept = SANDBOX.add(ScriptedPeer.on("127.0.0.81")
                .reply("RCPT TO:<", "550 5.1.1 no such user")
                .reply("RCPT TO:<alice@", "250 2.1.5 ok").start());
        String policy = "conf/gatekeeper-policy.xml";
        removing = SANDBOX.start(SANDBOX.james()
                .replaceSmtpHandler(GatekeeperHooksIT.handler(dns.hostPort(), accept.port(), policy, ""))
                .user(BOB, BOB_PASSWORD));
        renaming = SANDBOX.start(SANDBOX.james()
                .workDir(SANDBOX.beside("-rename"))
                .replaceSmtpHandler(GatekeeperHooksIT.handler(dns.hostPort(), accept.port(), policy,
                        "<forgedAuthenticationResults>rename</forgedAuthenticationResults>"))
                .user(BOB, BOB_PASSWORD));
    }

    /** One message with the client's two fields, to Bob; the INBOX copy (LF line ends). */
    private static String send(JamesSandbox james, InetAddress from, boolean auth, String subject) throws Exception {
        try (SmtpClient smtp = james.smtpClientFrom(from)) {
            assertThat(smtp.ehlo("client.af.test").code()).isEqualTo(250);
            if (auth) {
                assertThat(smtp.authPlain(BOB, BOB_PASSWORD).lastLine()).startsWith("235");
            }
            assertThat(smtp.mailFrom(SENDER).lastLine()).startsWith("250");
            assertThat(smtp.rcptTo(BOB).lastLine()).isEqualTo("250 2.1.5 Recipient <" + BOB + "> OK");
            assertThat(smtp.data(FORGED + FOREIGN + "From: " + SENDER + "\nTo: " + BOB + "\nSubject: " + subject
                    + "\n\n" + BODY_LINE + "\nHello.\n").lastLine()).startsWith("250 2.6.0 Message received");
        }
        int count;
        synchronized (DELIVERED) {
            count = DELIVERED.merge(james, 1, Integer::sum);
        }
        return HooksTestKit.message(james, BOB, BOB_PASSWORD, count, subject);
    }

    private static List<String> authenticationResults(String message) {
        return HooksTestKit.headers(message, "Authentication-Results");
    }

    private static String header(String message) {
        return message.substring(0, message.indexOf("\n\n") + 1);
    }

    @Test
    void fromOutsideTheForgedFieldIsRemovedAndTheForeignOneKept() throws Exception {
        String m = send(removing, OUTSIDE, false, "outside-remove");
        assertThat(authenticationResults(m)).as(m).containsExactly(OURS, "relay.other.test; dkim=pass header.d=ok.af.test");
        assertThat(header(m)).doesNotContain("honest").doesNotContain("X-Gatekeeper-Forged-Authentication-Results");
        assertThat(m).contains("\n\n" + BODY_LINE + "\nHello.\n");
        assertThat(removing.log()).contains("1 Authentication-Results field(s) in the name of mx.gatekeeper.test from client 127.0.0.2 removed");
    }

    @Test
    void fromOutsideWithRenameTheForgedFieldIsKeptUnderAnotherName() throws Exception {
        String m = send(renaming, OUTSIDE, false, "outside-rename");
        assertThat(authenticationResults(m)).as(m).containsExactly(OURS, "relay.other.test; dkim=pass header.d=ok.af.test");
        assertThat(m).contains("\nX-Gatekeeper-Forged-Authentication-Results: (checked, honest) MX.Gatekeeper.TEST 1;\n"
                + "\tspf=pass smtp.mailfrom=" + SENDER + "\n" + FOREIGN);
        assertThat(m).contains("\n\n" + BODY_LINE + "\nHello.\n");
    }

    @Test
    void fromMyNetworksTheClientsFieldsStayAsWritten() throws Exception {
        String m = send(removing, JamesSandbox.loopback("127.0.0.1"), false, "inside-my-networks");
        assertThat(m).contains("\n" + FORGED + FOREIGN);
        assertThat(authenticationResults(m)).as(m).containsExactly(OURS,
                "(checked, honest) MX.Gatekeeper.TEST 1; spf=pass smtp.mailfrom=" + SENDER,
                "relay.other.test; dkim=pass header.d=ok.af.test");
    }

    @Test
    void afterSmtpAuthTheClientsFieldsStayAsWritten() throws Exception {
        String m = send(renaming, OUTSIDE, true, "inside-auth");
        assertThat(m).contains("\n" + FORGED + FOREIGN);
        assertThat(authenticationResults(m)).as(m).hasSize(3).startsWith(OURS);
        assertThat(header(m)).doesNotContain("X-Gatekeeper-Forged-Authentication-Results");
    }
}
