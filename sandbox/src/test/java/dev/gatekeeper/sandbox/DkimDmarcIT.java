package dev.gatekeeper.sandbox;

import static dev.gatekeeper.sandbox.HooksTestKit.BOB;
import static dev.gatekeeper.sandbox.HooksTestKit.BOB_PASSWORD;
import static dev.gatekeeper.sandbox.HooksTestKit.OUTSIDE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatekeeper.dkim.ArcTestSealer;
import dev.gatekeeper.dkim.Rfc8463Example;
import dev.gatekeeper.dns.LoopbackDnsServer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * DKIM and DMARC at the end of DATA through the real James: RFC 8463's example message, signed
 * with Ed25519 and RSA by football.example.com (keys and a p=reject record served over the DNS
 * wire on loopback), sent by an outside client. As signed, it reaches Bob's INBOX (read over
 * IMAP) with one Authentication-Results field for SPF, both signatures and DMARC, its signatures
 * intact; with one word of its body changed, the policy's {@code <dmarc result="fail"
 * policy="reject">} refuses it with 550 5.7.26 and nothing is delivered. A p=quarantine domain's
 * unsigned mail is accepted and quarantined by conf/'s mailets; an unreadable DMARC record is a 451.
 */
class DkimDmarcIT {

    /** The mailing list that changes the subject, and seals (ARC, Ed25519) what it forwards. */
    private static final ArcTestSealer LIST = ArcTestSealer.ed25519("lists.example.org", "arc", new byte[32]);

    private static final String ZONE = String.join("\n",
            "$TTL 300",
            LIST.keyName() + ". IN TXT \"" + LIST.keyRecord() + "\"",
            Rfc8463Example.ED25519_KEY_NAME + ". IN TXT \"" + Rfc8463Example.ED25519_RECORD + "\"",
            Rfc8463Example.RSA_KEY_NAME + ". IN TXT \"" + Rfc8463Example.RSA_RECORD + "\"",
            "_dmarc.football.example.com. IN TXT \"v=DMARC1; p=reject\"",
            "_dmarc.quarantine.example.org. IN TXT \"v=DMARC1; p=quarantine\"",
            "");

    private static final String POLICY = String.join("\n",
            "<policy hostname=\"mx.gatekeeper.test\">",
            "  <relay><my-networks>127.0.0.1/32</my-networks><local-domains>gatekeeper.test</local-domains></relay>",
            "  <stage name=\"data\">",
            "    <rule name=\"trusted-list\" action=\"accept\"><arc result=\"pass\" sealer=\"lists.example.org\"/></rule>",
            "    <rule name=\"dmarc-reject\" action=\"reject\" reason=\"dmarc-reject\"><dmarc result=\"fail\" policy=\"reject\"/></rule>",
            "    <rule name=\"dmarc-temperror\" action=\"defer\" reason=\"dmarc-temperror\"><dmarc result=\"temperror\"/></rule>",
            "    <rule name=\"dmarc-quarantine\" action=\"tag\" label=\"dmarc-quarantine\"><dmarc policy=\"quarantine\"/></rule>",
            "  </stage>",
            "</policy>",
            "");

    @RegisterExtension
    static final SandboxFixture SANDBOX = SandboxFixture.forTest(DkimDmarcIT.class);

    /** Where conf/mailetcontainer.xml puts what a From domain asks quarantined. */
    private static final String QUARANTINE = "var/mail/gatekeeper-quarantine";

    private static JamesSandbox james;
    private static int delivered;

    @BeforeAll
    static void boot() throws Exception {
        LoopbackDnsServer dns = SANDBOX.dns(ZONE, "example.com");
        dns.servfail(true).onlyFor("_dmarc.broken.example.net");
        Path conf = SANDBOX.conf(Map.of("dmarc-policy.xml", POLICY));
        james = SANDBOX.start(SANDBOX.james()
                .confDir(conf)
                // No callout peer: the policy asks none (the port is never dialled).
                .replaceSmtpHandler(GatekeeperHooksIT.handler(dns.hostPort(), 2525, "conf/dmarc-policy.xml", ""))
                .user(BOB, BOB_PASSWORD));
    }

    /** MAIL FROM {@code sender}, RCPT Bob, then the message; the reply to the end of DATA. */
    private static String send(String sender, String message) {
        try (SmtpClient smtp = james.smtpClientFrom(OUTSIDE)) {
            assertThat(smtp.ehlo("mail.football.example.com").code()).isEqualTo(250);
            assertThat(smtp.mailFrom(sender).lastLine()).startsWith("250");
            assertThat(smtp.rcptTo(BOB).lastLine()).startsWith("250");
            return smtp.data(message).lastLine();
        }
    }

    private static synchronized String deliveredCopy(String subject) throws Exception {
        delivered++;
        return HooksTestKit.message(james, BOB, BOB_PASSWORD, delivered, subject);
    }

    @Test
    void aSignedMessageFromItsDomainIsDeliveredWithEveryResultInOneField() throws Exception {
        assertThat(send("joe@football.example.com", Rfc8463Example.MESSAGE)).startsWith("250 2.6.0 Message received");
        String m = deliveredCopy("Is dinner ready?");
        List<String> fields = HooksTestKit.headers(m, "Authentication-Results");
        assertThat(fields).as(m).hasSize(1);
        assertThat(fields.get(0)).startsWith("mx.gatekeeper.test; spf=none smtp.mailfrom=joe@football.example.com; ")
                .contains("; dkim=pass header.d=football.example.com header.s=brisbane header.b=",
                        "; dkim=pass header.d=football.example.com header.s=test header.b=")
                .endsWith("; arc=none; dmarc=pass (p=reject dis=none) header.from=football.example.com");
        // The signed octets reach the mailbox as they came: a later verifier agrees.
        assertThat(m.replace("\r\n", "\n")).contains(Rfc8463Example.ED25519_SIGNATURE.replace("\r\n", "\n")
                + Rfc8463Example.RSA_SIGNATURE.replace("\r\n", "\n") + Rfc8463Example.HEADERS.replace("\r\n", "\n"));
    }

    @Test
    void aForgedBodyIsRefusedByTheDomainsPolicyAndNothingIsDelivered() throws Exception {
        String forged = Rfc8463Example.MESSAGE.replace("We lost the game.", "We won the game.");
        assertThat(send("joe@football.example.com", forged))
                .isEqualTo("550 5.7.26 Unauthenticated mail from football.example.com is refused by its domain's DMARC policy");
        assertThat(james.log()).contains("data REJECT 550 5.7.26 Unauthenticated mail from football.example.com");
    }

    /**
     * RFC 8617's case: a list we trust rewrote the subject, which breaks the author's signatures
     * and so DMARC, and sealed what it had checked; the policy's trusted-list rule lets its
     * ARC pass stand for the lost signature.
     */
    @Test
    void aTrustedListsArcSealStandsForTheSignatureItsSubjectTagBroke() throws Exception {
        String relayed = Rfc8463Example.MESSAGE.replace("Subject: Is dinner ready?", "Subject: [football] Is dinner ready?");
        String sealed = LIST.seal(relayed, "none",
                "lists.example.org; dkim=pass header.d=football.example.com; dmarc=pass header.from=football.example.com",
                "from:to:subject:date:message-id");
        assertThat(send("football-bounces@lists.example.org", sealed)).startsWith("250 2.6.0 Message received");
        String field = HooksTestKit.headers(deliveredCopy("[football] Is dinner ready?"), "Authentication-Results").get(0);
        assertThat(field).contains("; dkim=fail", "; arc=pass (\"1 set, sealed by lists.example.org\") header.oldest-pass=",
                "; dmarc=fail (p=reject dis=reject) header.from=football.example.com");
    }

    /** conf/'s mailet pipeline routes it with {@code DmarcResultIs=fail policy=quarantine}: not in the INBOX. */
    @Test
    void anUnsignedMessageUnderQuarantineIsAcceptedAndQuarantined() throws Exception {
        String message = "From: news@quarantine.example.org\r\nTo: " + BOB + "\r\nSubject: quarantined\r\n\r\nHello.\r\n";
        assertThat(send("news@quarantine.example.org", message)).startsWith("250 2.6.0 Message received");
        MailRepositories repositories = new MailRepositories(james);
        List<String> keys = repositories.await(QUARANTINE, 1);
        assertThat(keys).hasSize(1);
        String quarantined = repositories.get(repositories.mail(QUARANTINE, keys.get(0)), "message/rfc822");
        String field = HooksTestKit.headers(quarantined.replace("\r\n", "\n"), "Authentication-Results").get(0);
        assertThat(field).contains("spf=none", "; dkim=none; arc=none; ",
                "dmarc=fail (p=quarantine dis=quarantine) header.from=quarantine.example.org");
    }

    @Test
    void aDmarcRecordThatCannotBeReadIsATemporaryRefusal() {
        String message = "From: someone@broken.example.net\r\nSubject: broken\r\n\r\nHello.\r\n";
        assertThat(send("someone@broken.example.net", message))
                .isEqualTo("451 4.7.26 DMARC policy of broken.example.net temporarily unavailable, try again later");
    }
}
