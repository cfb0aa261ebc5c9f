package dev.gatekeeper.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatekeeper.dns.LoopbackDnsServer;
import dev.gatekeeper.dns.ZoneFile;
import java.net.InetAddress;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

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
    private static final String DENIED = "550 5.7.1 <%s>: Relay access denied";
    /** James's RcptCmdHandler when MailAddress does not parse the path (RFC 3463 X.1.3 bad destination syntax). */
    private static final String JAMES_SYNTAX = "501 5.1.3 Syntax error in recipient address";
    /** James's RcptCmdHandler for a source route it does not strip: the whole path fails to parse. */

    private static LoopbackDnsServer dns;
    private static JamesSandbox james;

    /** RCPT TO argument (inside the brackets) → the exact reply it must get. */
    static final Map<String, String> FORMS = new LinkedHashMap<>();

    static {
        for (String rcpt : List.of(
                "u@other.test",
                "U@OTHER.TEST",
                "u@other.test.",
                "u%other.test@gatekeeper.test",
                "u%other.test@GATEKEEPER.TEST",
                "postmaster%other.test@gatekeeper.test",
                "other.test!u@gatekeeper.test",
                "other.test!postmaster@gatekeeper.test",
                "\"u@other.test\"@gatekeeper.test",
                "\"u%other.test\"@gatekeeper.test",
                "\"other.test!u\"@gatekeeper.test",
                "\"postmaster@other.test\"@gatekeeper.test",
                "u@[127.0.0.1]",
                "u@[127.0.0.2]",
                "u@[192.0.2.1]",
                "u@[IPv6:::1]",
                "u@localhost",
                "u@localhost.",
                "u@GATEKEEPER.TEST.",
                "u@gatekeeper.test.",
                "u@mx.gatekeeper.test",
                "u@MX.GATEKEEPER.TEST",
                "u@sub.gatekeeper.test",
                "u@gatekeeper.test.other.test")) {
            FORMS.put(rcpt, "?");
        }
        // Forms James's parser handles itself (source routes, two @, bad domains).
        for (String rcpt : List.of(
                "@gatekeeper.test:u@other.test",
                "@gatekeeper.test,@mx.gatekeeper.test:u@other.test",
                "@other.test:u@gatekeeper.test",
                "u@other.test@gatekeeper.test",
                "u@other.test%gatekeeper.test",
                "u%other.test",
                "other.test!u",
                "u@",
                "@other.test",
                "u@@gatekeeper.test",
                "u@[127.0.0.1",
                "u@other..test")) {
            FORMS.put(rcpt, "?");
        }
    }

    @BeforeAll
    static void boot() throws Exception {
        dns = LoopbackDnsServer.start(ZoneFile.parse(GatekeeperHooksIT.ZONE, "gk.test"));
        james = JamesSandbox.builder()
                .workDir(SandboxDirs.forTest(OpenRelayIT.class))
                .gatekeeper(GatekeeperHooksIT.gatekeeperJar())
                // No peer listens on port 9: were a form taken as local, the sender callout would
                // answer 4xx, never a silent 250.
                .replaceSmtpHandler(GatekeeperHooksIT.handler(dns.hostPort(), 9, "conf/gatekeeper-policy.xml", ""))
                .start();
    }

    @AfterAll
    static void stop() throws Exception {
        if (james != null) {
            james.close();
        }
        if (dns != null) {
            dns.close();
        }
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
}
