package dev.gatekeeper.sandbox;

import static dev.gatekeeper.sandbox.HooksTestKit.BOB;
import static dev.gatekeeper.sandbox.HooksTestKit.BOB_PASSWORD;
import static dev.gatekeeper.sandbox.HooksTestKit.OUTSIDE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatekeeper.dns.LoopbackDnsServer;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * An SPF fail whose {@code exp=} domain the DNS server never answers, through the real James with
 * the handler's defaults (resolver timeout 5s with one retry, SPF budget 20s, {@code spfWait} 10s,
 * {@code explanationTimeout} 2s). RFC 7208 §6.2: the explanation never changes the result, so the
 * client hears conf/'s {@code 550 5.7.23} with the default explanation, within the SPF wait; never
 * the {@code 451 4.7.24} of a temperror (what it heard while the evaluation waited for the lost
 * explanation until the wait ran out).
 */
class SpfExplanationIT {

    /** The handler's default {@code <spfWait>} (HandlerConfig.SPF_WAIT). */
    private static final Duration SPF_WAIT = Duration.ofSeconds(10);
    /** SpfSettings.EXPLANATION_TIMEOUT's default, plus scheduling and the SMTP round trips. */
    private static final Duration EXPLANATION_BOUND = Duration.ofSeconds(2).plus(Duration.ofSeconds(2));

    private static final String ZONE = String.join("\n",
            "$ORIGIN exp.test.",
            "$TTL 300",
            "told       IN TXT \"v=spf1 ip4:127.0.0.10 -all exp=why.told.exp.test\"",
            "why.told   IN TXT \"%{i} is not one of %{d}'s mail servers\"",
            "lost       IN TXT \"v=spf1 ip4:127.0.0.10 -all exp=why.lost.exp.test\"",
            "why.lost   IN TXT \"%{i} is not one of %{d}'s mail servers\"",
            "");

    @RegisterExtension
    static final SandboxFixture SANDBOX = SandboxFixture.forTest(SpfExplanationIT.class);

    private static LoopbackDnsServer dns;
    private static JamesSandbox james;

    @BeforeAll
    static void boot() throws Exception {
        dns = SANDBOX.dns(ZONE, "exp.test");
        dns.onlyFor("why.lost.exp.test").drop(true);
        // Only the DNS server: every other setting at the handler's default.
        String handler = "<handler class=\"" + GatekeeperHooksIT.HANDLER + "\">"
                + "<dns><servers>" + dns.hostPort() + "</servers></dns>"
                + "<policy file=\"conf/gatekeeper-policy.xml\"/>"
                + "</handler>";
        james = SANDBOX.start(SANDBOX.james().replaceSmtpHandler(handler).user(BOB, BOB_PASSWORD));
    }

    /** EHLO, then MAIL and RCPT timed together (the MAIL refusal is held until RCPT): the RCPT reply. */
    private static FaultKit.Timed<String> rcpt(String sender) {
        // A read timeout beyond the SPF wait, so that a slow answer is heard and asserted, not cut off.
        try (SmtpClient smtp = SmtpClient.connect(james.smtpAddress(), OUTSIDE, SPF_WAIT.multipliedBy(3))) {
            assertThat(smtp.ehlo("client.example").code()).isEqualTo(250);
            FaultKit.Timed<String> t = FaultKit.time(() -> {
                assertThat(smtp.mailFrom(sender).lastLine()).startsWith("250");
                return smtp.rcptTo(BOB).lastLine();
            });
            System.out.printf("SpfExplanationIT %-24s %5d ms  %s%n", sender, t.millis(), t.value);
            return t;
        }
    }

    @Test
    void anAnsweredExplanationIsTheReplysText() {
        FaultKit.Timed<String> t = rcpt("mallory@told.exp.test");
        assertThat(t.value).isEqualTo("550 5.7.23 SPF: 127.0.0.2 may not send mail for mallory@told.exp.test:"
                + " 127.0.0.2 is not one of told.exp.test's mail servers");
        assertThat(t.elapsed).isLessThan(EXPLANATION_BOUND);
    }

    @Test
    void anUnansweredExplanationGivesTheFailWithTheDefaultExplanationWithinTheSpfWait() {
        int before = dns.queries("why.lost.exp.test", "TXT");
        FaultKit.Timed<String> t = rcpt("mallory@lost.exp.test");
        assertThat(t.value).isEqualTo("550 5.7.23 SPF: 127.0.0.2 may not send mail for mallory@lost.exp.test:"
                + " lost.exp.test does not designate 127.0.0.2 as permitted sender");
        assertThat(t.elapsed).as("within the SPF wait").isLessThan(SPF_WAIT);
        assertThat(t.elapsed).as("bounded by explanationTimeout, not by the resolver's 2 x 5s").isLessThan(EXPLANATION_BOUND);
        assertThat(dns.queries("why.lost.exp.test", "TXT")).as("the explanation was asked for").isGreaterThan(before);
    }
}
