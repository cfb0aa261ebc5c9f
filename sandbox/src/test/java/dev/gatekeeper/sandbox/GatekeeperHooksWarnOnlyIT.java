package dev.gatekeeper.sandbox;

import static dev.gatekeeper.sandbox.HooksTestKit.BOB;
import static dev.gatekeeper.sandbox.HooksTestKit.BOB_PASSWORD;
import static dev.gatekeeper.sandbox.HooksTestKit.OUTSIDE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatekeeper.dns.LoopbackDnsServer;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * conf/'s policy with {@code warn-only="true"} in the real James: what would have been refused is
 * accepted and delivered, and the warnings travel with the mail in
 * {@code dev.gatekeeper.policy.warnings} (shown by the probe mailet). James's own relay check still
 * stands: warn-only never makes an open relay.
 */
class GatekeeperHooksWarnOnlyIT {

    /** conf/smtpserver.xml's rewrite of James's relay refusal. */
    static final String CONF_REWRITE = "<rewrite><match stage=\"rcpt\" enhanced=\"5.7.1\" text=\"relaying denied|Authentication Required\"/>"
            + "<replace code=\"550\" enhanced=\"5.7.1\" text=\"Relaying denied: authenticate first\"/></rewrite>";

    @RegisterExtension
    static final SandboxFixture SANDBOX = SandboxFixture.forTest(GatekeeperHooksWarnOnlyIT.class);

    private static JamesSandbox james;

    /**
     * conf/'s pipeline quarantines SPF fails after acceptance (MailetPipelineIT follows that path);
     * here the subject is warn-only at the SMTP stages, so the mail must reach the mailbox.
     */
    private static String withoutQuarantine(String mailetContainer) {
        String quarantine = "<mailet match=\"dev.gatekeeper.james.matchers.SpfResultIs=fail evaluate=false\" class=\"ToRepository\">";
        int start = mailetContainer.indexOf(quarantine);
        assertThat(start).as("conf/mailetcontainer.xml quarantines SPF fails").isNotNegative();
        int end = mailetContainer.indexOf("</mailet>", start) + "</mailet>".length();
        return mailetContainer.substring(0, start) + mailetContainer.substring(end);
    }

    @BeforeAll
    static void boot() throws Exception {
        LoopbackDnsServer dns = SANDBOX.dns(GatekeeperHooksIT.ZONE, "gk.test");
        Path probe = HooksTestKit.probeJar(SANDBOX.beside("-probe"));
        Path conf = SANDBOX.conf(Map.of(
                "mailetcontainer.xml", withoutQuarantine(HooksTestKit.mailetContainerWithProbes()),
                "gatekeeper-policy.xml", HooksTestKit.policyWith("warn-only", "true")));
        james = SANDBOX.start(SANDBOX.james()
                .confDir(conf)
                .extensionJar(probe)
                // No peer on port 9: the sender callout is a tempfail, one more warning.
                .replaceSmtpHandler(GatekeeperHooksIT.handler(dns.hostPort(), 9, "conf/gatekeeper-policy.xml", CONF_REWRITE))
                .user(BOB, BOB_PASSWORD));
    }

    @Test
    void aWouldBeRejectIsAcceptedDeliveredAndItsWarningRecorded() throws Exception {
        try (SmtpClient smtp = james.smtpClientFrom(OUTSIDE)) {
            smtp.ehlo("client.example");
            assertThat(smtp.mailFrom("alice@fail.gk.test").lastLine()).isEqualTo("250 2.1.0 Sender <alice@fail.gk.test> OK");
            assertThat(smtp.rcptTo(BOB).lastLine()).isEqualTo("250 2.1.5 Recipient <" + BOB + "> OK");
            assertThat(smtp.data("From: alice@fail.gk.test\nTo: " + BOB + "\nSubject: warned\n\nHello.\n").lastLine())
                    .startsWith("250 2.6.0 Message received");
        }
        String m = HooksTestKit.message(james, BOB, BOB_PASSWORD, 1, "warned");
        assertThat(m).contains("\nReceived-SPF: fail ");
        assertThat(HooksTestKit.headers(m, HooksTestKit.ATTRIBUTE_HEADER)).contains(
                "dev.gatekeeper.policy.warnings=[warn-only: would answer 550 5.7.23 SPF: 127.0.0.2 may not send mail for"
                        + " alice@fail.gk.test: fail.gk.test does not designate 127.0.0.2 as permitted sender at mail,"
                        + " warn-only: would answer 450 4.1.7 <alice@fail.gk.test>: Sender address rejected: address"
                        + " verification in progress, try again later at rcpt]",
                "dev.gatekeeper.policy.verdicts=[connect:dunno, helo:dunno, mail:warn, rcpt:warn, data:dunno]",
                "dev.gatekeeper.spf.mailfrom=fail");
    }

    @Test
    void warnOnlyNeverOpensTheRelayJamesOwnCheckStillRefuses() {
        try (SmtpClient smtp = james.smtpClientFrom(OUTSIDE)) {
            smtp.ehlo("client.example");
            smtp.mailFrom("alice@ok.gk.test");
            assertThat(smtp.rcptTo("someone@elsewhere.test").rawLines())
                    .containsExactly("550 5.7.1 Relaying denied: authenticate first");
            assertThat(smtp.rcptTo("u%elsewhere.test@gatekeeper.test").rawLines())
                    .containsExactly("550 5.1.1 Unknown user: u%elsewhere.test@gatekeeper.test");
        }
    }
}
