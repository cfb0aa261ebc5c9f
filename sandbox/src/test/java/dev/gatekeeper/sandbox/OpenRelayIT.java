package dev.gatekeeper.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatekeeper.dns.LoopbackDnsServer;
import java.net.InetAddress;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * "Not an open relay", through the real James with conf/'s Gatekeeper handler and policy: every
 * classic relay-test address form, from an untrusted, unauthenticated client (127.0.0.2), is
 * refused, each with its exact reply. The forms are those of the usual relay testers (percent
 * hack, bang path, source route, quoted local parts, address literals, our own names spelled
 * oddly); James's own address parser answers some before any hook runs, and its replies come
 * through unchanged.
 */
class OpenRelayIT {

    private static final InetAddress OUTSIDE = JamesSandbox.loopback("127.0.0.2");
    /** James's RcptCmdHandler when MailAddress does not parse the path (RFC 3463 X.1.3 bad destination syntax). */
    private static final String JAMES_SYNTAX = "553 5.1.3 Syntax error in recipient address";

    @RegisterExtension
    static final SandboxFixture SANDBOX = SandboxFixture.forTest(OpenRelayIT.class);

    private static JamesSandbox james;

    /** RCPT TO argument (inside the brackets) → the exact reply it must get. */
    static final Map<String, String> FORMS = new LinkedHashMap<>();

    static {
        // Refused by Gatekeeper's relay rules. James hands the hook its MailAddress: domains lower
        // case, an IPv4 literal without its brackets, a bare local part completed with James's
        // default domain (so u%other.test is the percent hack at gatekeeper.test).
        FORMS.put("u@other.test", denied("u@other.test"));
        FORMS.put("U@OTHER.TEST", denied("U@other.test"));
        FORMS.put("u%other.test@gatekeeper.test", denied("u%other.test@gatekeeper.test"));
        FORMS.put("u%other.test@GATEKEEPER.TEST", denied("u%other.test@gatekeeper.test"));
        FORMS.put("postmaster%other.test@gatekeeper.test", denied("postmaster%other.test@gatekeeper.test"));
        FORMS.put("other.test!u@gatekeeper.test", denied("other.test!u@gatekeeper.test"));
        FORMS.put("other.test!postmaster@gatekeeper.test", denied("other.test!postmaster@gatekeeper.test"));
        FORMS.put("\"u@other.test\"@gatekeeper.test", denied("\"u@other.test\"@gatekeeper.test"));
        FORMS.put("\"u%other.test\"@gatekeeper.test", denied("\"u%other.test\"@gatekeeper.test"));
        FORMS.put("\"other.test!u\"@gatekeeper.test", denied("\"other.test!u\"@gatekeeper.test"));
        FORMS.put("\"postmaster@other.test\"@gatekeeper.test", denied("\"postmaster@other.test\"@gatekeeper.test"));
        FORMS.put("u@[127.0.0.1]", denied("u@127.0.0.1"));
        FORMS.put("u@[127.0.0.2]", denied("u@127.0.0.2"));
        FORMS.put("u@[192.0.2.1]", denied("u@192.0.2.1"));
        FORMS.put("u@localhost", denied("u@localhost"));
        FORMS.put("u@mx.gatekeeper.test", denied("u@mx.gatekeeper.test"));
        FORMS.put("u@MX.GATEKEEPER.TEST", denied("u@mx.gatekeeper.test"));
        FORMS.put("u@sub.gatekeeper.test", denied("u@sub.gatekeeper.test"));
        FORMS.put("u@gatekeeper.test.other.test", denied("u@gatekeeper.test.other.test"));
        FORMS.put("u%other.test", denied("u%other.test@gatekeeper.test"));
        FORMS.put("other.test!u", denied("other.test!u@gatekeeper.test"));
        // Refused by James's own parser (RcptCmdHandler, before any hook): source routes (RFC 5321
        // §4.1.1.3 lets a server ignore them; James refuses them), a trailing dot, IPv6 literals,
        // two @, empty parts.
        FORMS.put("u@other.test.", JAMES_SYNTAX);
        FORMS.put("u@[IPv6:::1]", JAMES_SYNTAX);
        FORMS.put("u@localhost.", JAMES_SYNTAX);
        FORMS.put("u@GATEKEEPER.TEST.", JAMES_SYNTAX);
        FORMS.put("u@gatekeeper.test.", JAMES_SYNTAX);
        FORMS.put("@gatekeeper.test:u@other.test", JAMES_SYNTAX);
        FORMS.put("@gatekeeper.test,@mx.gatekeeper.test:u@other.test", JAMES_SYNTAX);
        FORMS.put("@other.test:u@gatekeeper.test", JAMES_SYNTAX);
        FORMS.put("u@other.test@gatekeeper.test", JAMES_SYNTAX);
        FORMS.put("u@other.test%gatekeeper.test", JAMES_SYNTAX);
        FORMS.put("u@", JAMES_SYNTAX);
        FORMS.put("@other.test", JAMES_SYNTAX);
        FORMS.put("u@@gatekeeper.test", JAMES_SYNTAX);
        FORMS.put("u@[127.0.0.1", JAMES_SYNTAX);
        FORMS.put("u@other..test", JAMES_SYNTAX);
    }

    private static String denied(String shown) {
        return "550 5.7.1 <" + shown + ">: Relay access denied";
    }

    @BeforeAll
    static void boot() throws Exception {
        LoopbackDnsServer dns = SANDBOX.dns(GatekeeperHooksIT.ZONE, "gk.test");
        james = SANDBOX.start(SANDBOX.james()
                // No peer listens on port 9: were a form taken as local, the sender callout would
                // answer 4xx, never a silent 250.
                .replaceSmtpHandler(GatekeeperHooksIT.handler(dns.hostPort(), 9, "conf/gatekeeper-policy.xml", "")));
    }

    @Test
    void everyRelayFormIsRefusedWithItsExactReply() {
        Map<String, String> seen = new LinkedHashMap<>();
        try (SmtpClient smtp = james.smtpClientFrom(OUTSIDE)) {
            assertThat(smtp.ehlo("helo-ok.gk.test").code()).isEqualTo(250);
            assertThat(smtp.mailFrom("").lastLine()).isEqualTo("250 2.1.0 Sender <> OK");
            for (String rcpt : FORMS.keySet()) {
                seen.put(rcpt, String.join(" / ", smtp.command("RCPT TO:<" + rcpt + ">").rawLines()));
            }
        }
        StringBuilder table = new StringBuilder("| RCPT TO | reply |\n|---|---|\n");
        seen.forEach((rcpt, reply) -> table.append("| `<").append(rcpt).append(">` | `").append(reply).append("` |\n"));
        System.out.println(table);
        SoftAssertions soft = new SoftAssertions();
        seen.forEach((rcpt, reply) -> {
            soft.assertThat(reply).as(rcpt).doesNotStartWith("2");
            soft.assertThat(reply).as(rcpt).isEqualTo(FORMS.get(rcpt));
        });
        soft.assertAll();
    }

    @Test
    void theSameSessionStillAcceptsOurOwnPostmaster() {
        try (SmtpClient smtp = james.smtpClientFrom(OUTSIDE)) {
            smtp.ehlo("helo-ok.gk.test");
            smtp.mailFrom("");
            for (String rcpt : FORMS.keySet()) {
                smtp.command("RCPT TO:<" + rcpt + ">");
            }
            // RFC 5321 §4.5.1: <Postmaster> without a domain is ours; James completes it with its default domain.
            assertThat(smtp.command("RCPT TO:<Postmaster>").lastLine())
                    .isEqualTo("250 2.1.5 Recipient <Postmaster@gatekeeper.test> OK");
        }
    }
}
