package dev.gatekeeper.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatekeeper.callout.ScriptedPeer;
import dev.gatekeeper.dns.LoopbackDnsServer;
import java.net.InetAddress;
import java.time.Duration;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The sender's DNS fails while James with Gatekeeper checks SPF: the server drops queries, answers
 * after the resolver's timeout, answers SERVFAIL, truncates UDP answers (with TCP working, and with
 * TCP failing too), or answers every lookup of a long include chain slowly. Each fault is confined
 * to its own names, so every other lookup works. The client must hear the conf's
 * {@code 451 4.7.24} (never a 5xx) within the SPF time budget, and a truncated answer must still
 * lead to the normal result over TCP.
 */
class FaultDnsIT {

    private static final InetAddress OUTSIDE = JamesSandbox.loopback("127.0.0.2");
    private static final String BOB = "bob@gatekeeper.test";
    private static final Duration DNS_TIMEOUT = Duration.ofSeconds(1);
    private static final Duration SPF_BUDGET = Duration.ofSeconds(3);
    /** Scheduling and the SMTP round trips; the bound is an integration bound, not a benchmark. */
    private static final Duration MARGIN = Duration.ofSeconds(2);

    static final String TEMPERROR = "451 4.7.24 SPF: the sender's DNS did not answer, try again later";
    static final String ACCEPTED = "250 2.1.5 Recipient <" + BOB + "> OK";

    private static final String ZONE = String.join("\n",
            "$ORIGIN dns.test.",
            "$TTL 300",
            "ok       IN MX  10 mx",
            "ok       IN TXT \"v=spf1 ip4:127.0.0.2 -all\"",
            "down     IN MX  10 mx",
            "down     IN TXT \"v=spf1 ip4:127.0.0.2 -all\"",
            "slow     IN MX  10 mx",
            "slow     IN TXT \"v=spf1 ip4:127.0.0.2 -all\"",
            "servfail IN MX  10 mx",
            "servfail IN TXT \"v=spf1 ip4:127.0.0.2 -all\"",
            "tc       IN MX  10 mx",
            "tc       IN TXT \"v=spf1 ip4:127.0.0.2 -all\"",
            "tcfail   IN MX  10 mx",
            "tcfail   IN TXT \"v=spf1 ip4:127.0.0.2 -all\"",
            // Five includes answered just inside the resolver timeout each: the chain outlives the budget.
            "chain    IN MX  10 mx",
            "chain    IN TXT \"v=spf1 include:c1.dns.test include:c2.dns.test include:c3.dns.test"
                    + " include:c4.dns.test include:c5.dns.test ip4:127.0.0.2 -all\"",
            "c1       IN TXT \"v=spf1 -all\"",
            "c2       IN TXT \"v=spf1 -all\"",
            "c3       IN TXT \"v=spf1 -all\"",
            "c4       IN TXT \"v=spf1 -all\"",
            "c5       IN TXT \"v=spf1 -all\"",
            "mx       IN A   127.0.0.41",
            "");

    @RegisterExtension
    static final SandboxFixture SANDBOX = SandboxFixture.forTest(FaultDnsIT.class);

    private static LoopbackDnsServer dns;
    private static JamesSandbox james;

    @BeforeAll
    static void boot() throws Exception {
        dns = SANDBOX.dns(ZONE, "dns.test");
        ScriptedPeer peer = SANDBOX.add(ScriptedPeer.on("127.0.0.41").start());
        String handler = FaultKit.handler(
                "<servers>" + dns.hostPort() + "</servers><timeout>" + DNS_TIMEOUT.toMillis() + "ms</timeout><retries>0</retries>",
                "<timeBudget>" + SPF_BUDGET.toSeconds() + "s</timeBudget>",
                "<port>" + peer.port() + "</port><heloName>mx.gatekeeper.test</heloName><overallTimeout>3s</overallTimeout>"
                        + "<checkRandom>true</checkRandom><allowPrivateTargets>true</allowPrivateTargets>",
                "conf/gatekeeper-policy.xml");
        james = SANDBOX.start(SANDBOX.james()
                .replaceSmtpHandler(handler)
                .user(BOB, "bob-secret"));
    }

    @BeforeEach
    void healthyDns() {
        dns.noFaults();
    }

    /**
     * EHLO, then MAIL and RCPT timed together (SPF runs at MAIL; a refusal there is held until RCPT):
     * the RCPT reply, checked to come within the budget.
     */
    private static String rcptWithin(String sender, Duration bound) {
        try (SmtpClient smtp = SmtpClient.connect(james.smtpAddress(), OUTSIDE, Duration.ofSeconds(30))) {
            assertThat(smtp.ehlo("client.example").code()).isEqualTo(250);
            FaultKit.Timed<String> t = FaultKit.time(() -> {
                assertThat(smtp.mailFrom(sender).lastLine()).startsWith("250");
                return smtp.rcptTo(BOB).lastLine();
            });
            System.out.printf("FaultDnsIT %-28s %5d ms  %s%n", sender, t.millis(), t.value);
            assertThat(t.elapsed).as("MAIL+RCPT time for " + sender).isLessThan(bound);
            assertThat(t.value).as("never a 5xx for " + sender).doesNotStartWith("5");
            return t.value;
        }
    }

    private static void temperror(String sender, Consumer<LoopbackDnsServer> fault) {
        String domain = sender.substring(sender.indexOf('@') + 1);
        fault.accept(dns.onlyFor(domain));
        int before = dns.queries(domain, "TXT");
        assertThat(rcptWithin(sender, SPF_BUDGET.plus(MARGIN))).isEqualTo(TEMPERROR);
        assertThat(dns.queries(domain, "TXT")).as("the SPF record of " + domain + " was asked for").isGreaterThan(before);
    }

    @Test
    void healthyDnsGivesTheNormalResult() {
        assertThat(rcptWithin("alice@ok.dns.test", MARGIN)).isEqualTo(ACCEPTED);
    }

    @Test
    void serverDownIsATemperror() {
        temperror("alice@down.dns.test", d -> d.drop(true));
    }

    @Test
    void answersAfterTheTimeoutAreATemperror() {
        temperror("alice@slow.dns.test", d -> d.delay(DNS_TIMEOUT.multipliedBy(3)));
    }

    @Test
    void servfailIsATemperror() {
        temperror("alice@servfail.dns.test", d -> d.servfail(true));
    }

    @Test
    void truncatedUdpFallsBackToTcpForTheNormalResult() {
        dns.onlyFor("tc.dns.test").truncateUdp(true);
        int tcpBefore = dns.tcpQueries();
        assertThat(rcptWithin("alice@tc.dns.test", MARGIN)).isEqualTo(ACCEPTED);
        assertThat(dns.tcpQueries()).as("asked again over TCP").isGreaterThan(tcpBefore);
    }

    @Test
    void truncatedUdpWithTcpFailingIsATemperror() {
        int tcpBefore = dns.tcpQueries();
        temperror("alice@tcfail.dns.test", d -> d.truncateUdp(true).failTcp(true));
        assertThat(dns.tcpQueries()).as("tried TCP").isGreaterThan(tcpBefore);
    }

    @Test
    void aSlowIncludeChainIsCutAtTheTimeBudget() {
        dns.onlyFor("c1.dns.test", "c2.dns.test", "c3.dns.test", "c4.dns.test", "c5.dns.test")
                .delay(DNS_TIMEOUT.multipliedBy(9).dividedBy(10));
        FaultKit.Timed<String> t = FaultKit.time(() -> rcptWithin("alice@chain.dns.test", SPF_BUDGET.plus(MARGIN)));
        assertThat(t.value).isEqualTo(TEMPERROR);
        assertThat(dns.queries("c5.dns.test", "TXT")).as("the budget ends the chain before its last include").isZero();
    }
}
