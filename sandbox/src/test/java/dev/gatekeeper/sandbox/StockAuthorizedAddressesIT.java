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
 * conf/ with one line as James ships it: {@code <authorizedAddresses>127.0.0.0/8</authorizedAddresses>}
 * instead of conf/'s 127.0.0.1/32, the policy's {@code <my-networks>} left at 127.0.0.1/32. What
 * the README's install section says about it: a client James authorizes is not offered AUTH and may
 * relay anywhere (the policy's default relay rule {@code permit-relay-allowed}), yet the stage rules,
 * which trust {@code <my-networks/>} and AUTH only, still check its SPF like an outsider's.
 */
class StockAuthorizedAddressesIT {

    static final String CONF_LINE = "<authorizedAddresses>127.0.0.1/32</authorizedAddresses>";
    static final String STOCK_LINE = "<authorizedAddresses>127.0.0.0/8</authorizedAddresses>";

    @RegisterExtension
    static final SandboxFixture SANDBOX = SandboxFixture.forTest(StockAuthorizedAddressesIT.class);

    private static JamesSandbox james;

    @BeforeAll
    static void boot() throws Exception {
        LoopbackDnsServer dns = SANDBOX.dns(GatekeeperHooksIT.ZONE, "gk.test");
        String smtpserver = HooksTestKit.confFile("smtpserver.xml");
        assertThat(smtpserver).contains(CONF_LINE);
        Path conf = SANDBOX.conf(Map.of("smtpserver.xml", smtpserver.replace(CONF_LINE, STOCK_LINE)));
        james = SANDBOX.start(SANDBOX.james()
                .confDir(conf)
                .replaceSmtpHandler(GatekeeperHooksIT.handler(dns.hostPort(), 9, "conf/gatekeeper-policy.xml", ""))
                .user(BOB, BOB_PASSWORD));
    }

    @Test
    void aClientJamesAuthorizesRelaysAnywhereWithoutAuth() {
        try (SmtpClient smtp = james.smtpClientFrom(OUTSIDE)) {
            assertThat(smtp.ehlo("client.example").rawLines()).noneMatch(l -> l.contains("AUTH"));
            assertThat(smtp.mailFrom("").lastLine()).startsWith("250");
            assertThat(smtp.rcptTo("friend@elsewhere.test").lastLine())
                    .isEqualTo("250 2.1.5 Recipient <friend@elsewhere.test> OK");
        }
    }

    @Test
    void itsSpfIsStillCheckedBecauseItIsNotInMyNetworks() {
        try (SmtpClient smtp = james.smtpClientFrom(OUTSIDE)) {
            smtp.ehlo("client.example");
            smtp.mailFrom("alice@fail.gk.test");
            assertThat(smtp.rcptTo(BOB).lastLine()).isEqualTo("550 5.7.23 SPF: 127.0.0.2 may not send mail for "
                    + "alice@fail.gk.test: fail.gk.test does not designate 127.0.0.2 as permitted sender");
        }
        // 127.0.0.1 is in <my-networks> as well: trusted by the stage rules, not SPF-checked.
        try (SmtpClient smtp = james.smtpClient()) {
            smtp.ehlo("client.example");
            smtp.mailFrom("alice@fail.gk.test");
            assertThat(smtp.rcptTo(BOB).lastLine()).isEqualTo("250 2.1.5 Recipient <" + BOB + "> OK");
        }
    }
}
