package dev.gatekeeper.sandbox;

import static dev.gatekeeper.sandbox.HooksTestKit.BLOCKED;
import static dev.gatekeeper.sandbox.HooksTestKit.OUTSIDE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatekeeper.dns.LoopbackDnsServer;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * conf/'s policy with {@code soft-bounce="true"} in the real James: every 5xx becomes the matching
 * 4xx, the enhanced code's class too (550 5.7.23 → 450 4.7.23), the policy's refusals and James's
 * own alike; James's syntax errors stay 5xx.
 */
class GatekeeperHooksSoftBounceIT {


    @RegisterExtension
    static final SandboxFixture SANDBOX = SandboxFixture.forTest(GatekeeperHooksSoftBounceIT.class);

    private static JamesSandbox james;

    @BeforeAll
    static void boot() throws Exception {
        LoopbackDnsServer dns = SANDBOX.dns(GatekeeperHooksIT.ZONE, "gk.test");
        Path conf = SANDBOX.conf(Map.of(
                "gatekeeper-policy.xml", HooksTestKit.policyWith("soft-bounce", "true")));
        james = SANDBOX.start(SANDBOX.james()
                .confDir(conf)
                .replaceSmtpHandler(GatekeeperHooksIT.handler(dns.hostPort(), 9, "conf/gatekeeper-policy.xml",
                        GatekeeperHooksWarnOnlyIT.CONF_REWRITE)));
    }

    @Test
    void thePolicysRefusalsBecomeTemporary() {
        try (SmtpClient smtp = james.smtpClientFrom(OUTSIDE)) {
            smtp.ehlo("client.example");
            smtp.mailFrom("alice@fail.gk.test");
            assertThat(smtp.rcptTo("bob@gatekeeper.test").rawLines()).containsExactly(
                    "450 4.7.23 SPF: 127.0.0.2 may not send mail for alice@fail.gk.test: "
                            + "fail.gk.test does not designate 127.0.0.2 as permitted sender");
            smtp.rset();
            smtp.mailFrom("alice@perm.gk.test");
            assertThat(smtp.rcptTo("bob@gatekeeper.test").rawLines())
                    .containsExactly("450 4.7.24 SPF: the sender domain's SPF record is invalid");
            smtp.rset();
            smtp.mailFrom("");
            assertThat(smtp.rcptTo("someone@elsewhere.test").rawLines())
                    .containsExactly("450 4.7.1 <someone@elsewhere.test>: Relay access denied");
        }
        try (SmtpClient smtp = james.smtpClientFrom(BLOCKED)) {
            smtp.ehlo("client.example");
            smtp.mailFrom("");
            assertThat(smtp.rcptTo("bob@gatekeeper.test").rawLines()).containsExactly("450 4.7.1 Your address is blocked here");
        }
        try (SmtpClient smtp = james.smtpClientFrom(OUTSIDE)) {
            smtp.ehlo("mx.gatekeeper.test");
            smtp.mailFrom("");
            assertThat(smtp.rcptTo("bob@gatekeeper.test").rawLines())
                    .containsExactly("450 4.7.1 <mx.gatekeeper.test>: Helo command rejected: You are not me");
        }
    }

    @Test
    void jamesOwnRefusalsBecomeTemporaryButNotItsSyntaxErrors() {
        try (SmtpClient smtp = james.smtpClientFrom(OUTSIDE)) {
            smtp.ehlo("helo-ok.gk.test");
            smtp.mailFrom("");
            assertThat(smtp.rcptTo("nobody@gatekeeper.test").rawLines())
                    .containsExactly("450 4.1.1 Unknown user: nobody@gatekeeper.test");
            assertThat(smtp.rcptTo("u@other.test.").rawLines()).containsExactly("553 5.1.3 Syntax error in recipient address");
        }
    }
}
