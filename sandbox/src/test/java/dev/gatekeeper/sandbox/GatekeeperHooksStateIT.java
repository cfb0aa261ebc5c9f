package dev.gatekeeper.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatekeeper.callout.ScriptedPeer;
import dev.gatekeeper.dns.LoopbackDnsServer;
import dev.gatekeeper.state.RedisServer;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The handler's {@code <state>} through two real James nodes sharing one real Redis: a
 * {@code <rate>} limit of 3 recipients per 10 minutes per client holds whether the client talks to
 * one node or spreads its recipients over both; a callout answer found by one node serves the
 * other (the peer sees one probe); MAIL's {@code SIZE=} reaches a bytes limit, whose
 * {@code disconnect} verdict answers 421 and closes the connection.
 */
class GatekeeperHooksStateIT {

    private static final String BOB = "bob@gatekeeper.test";
    private static final List<String> RECIPIENTS = List.of(BOB, "carl@gatekeeper.test", "dora@gatekeeper.test",
            "emil@gatekeeper.test");
    private static final String LIMITED = "450 4.7.1 Rate limit exceeded, try again in \\d+ seconds";
    private static final String CLOSING = "421 4.7.0 Rate limit exceeded, try again in \\d+ seconds, closing connection";

    private static final String ZONE = String.join("\n",
            "$ORIGIN state.test.",
            "$TTL 300",
            "ok      IN MX  10 mx-ok",
            "ok      IN TXT \"v=spf1 ip4:127.0.0.0/8 -all\"",
            "mx-ok   IN A   127.0.0.71",
            "");

    /** The sample policy with rate rules first in their stage. */
    private static final String RCPT_RATE = "<stage name=\"rcpt\">\n"
            + "    <rule name=\"rcpt-rate\" action=\"defer\" reason=\"rate-limited\">\n"
            + "      <rate key=\"client-address\" measure=\"recipients\" limit=\"3\" per=\"10m\"/>\n"
            + "    </rule>";
    private static final String MAIL_RATE = "<stage name=\"mail\">\n"
            + "    <rule name=\"bytes-rate\" action=\"disconnect\" reason=\"rate-limited-disconnect\">\n"
            + "      <rate key=\"client-address\" measure=\"bytes\" limit=\"30000\" per=\"10m\"/>\n"
            + "    </rule>";

    @RegisterExtension
    static final SandboxFixture SANDBOX = SandboxFixture.forTest(GatekeeperHooksStateIT.class);

    private static ScriptedPeer peer;
    private static JamesSandbox node1;
    private static JamesSandbox node2;

    @BeforeAll
    static void boot() throws Exception {
        RedisServer redis = SANDBOX.add(RedisServer.start());
        LoopbackDnsServer dns = SANDBOX.dns(ZONE, "state.test");
        peer = SANDBOX.add(ScriptedPeer.on("127.0.0.71").reply("RCPT TO:<", "250 2.1.5 ok").start());
        String policy = HooksTestKit.confFile("gatekeeper-policy.xml");
        assertThat(policy).contains("<stage name=\"rcpt\">", "<stage name=\"mail\">");
        policy = policy.replace("<stage name=\"rcpt\">", RCPT_RATE).replace("<stage name=\"mail\">", MAIL_RATE);
        Path conf = SANDBOX.conf(Map.of("state-policy.xml", policy));
        String handler = FaultKit.handler(
                "<servers>" + dns.hostPort() + "</servers><timeout>1s</timeout><retries>0</retries>",
                "<timeBudget>3s</timeBudget>",
                "<port>" + peer.port() + "</port><heloName>mx.gatekeeper.test</heloName><overallTimeout>3s</overallTimeout>"
                        + "<checkRandom>false</checkRandom><allowPrivateTargets>true</allowPrivateTargets>",
                "conf/state-policy.xml")
                .replace("</handler>", "<state><store>redis</store><redis.uri>" + redis.uri() + "</redis.uri>"
                        + "<redis.key-prefix>state-it:</redis.key-prefix></state></handler>");
        node1 = node(conf, SANDBOX.beside("-node1"), handler);
        node2 = node(conf, SANDBOX.beside("-node2"), handler);
    }

    private static JamesSandbox node(Path conf, Path work, String handler) throws Exception {
        JamesSandbox.Builder b = SANDBOX.james()
                .confDir(conf)
                .workDir(work)
                .replaceSmtpHandler(handler);
        for (String r : RECIPIENTS) {
            b.user(r, "secret");
        }
        return SANDBOX.start(b);
    }

    /** One transaction from {@code client} to {@code node}: the RCPT replies, in order. */
    private static List<String> rcpts(JamesSandbox node, String client, String sender, List<String> recipients) {
        try (SmtpClient smtp = SmtpClient.connect(node.smtpAddress(), JamesSandbox.loopback(client), Duration.ofSeconds(30))) {
            assertThat(smtp.ehlo("client.example").code()).isEqualTo(250);
            assertThat(smtp.mailFrom(sender).lastLine()).startsWith("250");
            List<String> replies = new ArrayList<>();
            for (String r : recipients) {
                replies.add(smtp.rcptTo(r).lastLine());
            }
            return replies;
        }
    }

    private static String accepted(String recipient) {
        return "250 2.1.5 Recipient <" + recipient + "> OK";
    }

    @Test
    void theFourthRecipientInTenMinutesIsDeferred() {
        List<String> replies = rcpts(node1, "127.0.0.2", "alice@ok.state.test", RECIPIENTS);
        System.out.println("GatekeeperHooksStateIT one node: " + replies);
        assertThat(replies.subList(0, 3)).containsExactly(accepted(BOB), accepted("carl@gatekeeper.test"),
                accepted("dora@gatekeeper.test"));
        assertThat(replies.get(3)).matches(LIMITED);
    }

    @Test
    void theLimitHoldsAcrossNodesAndACalloutAnswerServesBoth() {
        String sender = "carol@ok.state.test";
        List<String> replies = new ArrayList<>();
        replies.addAll(rcpts(node1, "127.0.0.3", sender, List.of(BOB)));
        replies.addAll(rcpts(node2, "127.0.0.3", sender, List.of("carl@gatekeeper.test")));
        replies.addAll(rcpts(node1, "127.0.0.3", sender, List.of("dora@gatekeeper.test")));
        replies.addAll(rcpts(node2, "127.0.0.3", sender, List.of("emil@gatekeeper.test")));
        System.out.println("GatekeeperHooksStateIT two nodes: " + replies);
        assertThat(replies.subList(0, 3)).containsExactly(accepted(BOB), accepted("carl@gatekeeper.test"),
                accepted("dora@gatekeeper.test"));
        assertThat(replies.get(3)).matches(LIMITED);
        assertThat(peer.commands("RCPT TO:<" + sender + ">")).as("probes of the sender, both nodes together").hasSize(1);
    }

    @Test
    void declaredSizeCountsAtMailAndADisconnectVerdictClosesTheConnection() {
        try (SmtpClient smtp = SmtpClient.connect(node2.smtpAddress(), JamesSandbox.loopback("127.0.0.4"), Duration.ofSeconds(30))) {
            smtp.ehlo("client.example");
            assertThat(smtp.command("MAIL FROM:<alice@ok.state.test> SIZE=20000").lastLine()).isEqualTo("250 2.1.0 Sender <alice@ok.state.test> OK");
            assertThat(smtp.rset().code()).isEqualTo(250);
            String over = smtp.command("MAIL FROM:<alice@ok.state.test> SIZE=20000").lastLine();
            System.out.println("GatekeeperHooksStateIT SIZE=20000 twice, limit 30000 bytes: " + over);
            assertThat(over).matches(CLOSING);
            // An open connection would answer NOOP 250; James closed it (end of stream or reset).
            assertThatThrownBy(() -> smtp.command("NOOP")).isInstanceOf(UncheckedIOException.class)
                    .hasMessageStartingWith("SMTP command failed: NOOP");
        }
    }
}
