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
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;

/**
 * The handler's {@code <state>} through two real James nodes sharing one real Redis: a
 * {@code <rate>} limit of 3 recipients per 10 minutes per client holds whether the client talks to
 * one node or spreads its recipients over both; a callout answer found by one node serves the
 * other (the peer sees one probe); MAIL's {@code SIZE=} reaches a bytes limit, whose
 * {@code disconnect} verdict answers 421 and closes the connection; a triplet greylisted on one
 * node is still deferred on the other before the delay (3 s here) and passes there after it.
 */
class GatekeeperHooksStateIT {

    private static final String BOB = "bob@gatekeeper.test";
    private static final List<String> RECIPIENTS = List.of(BOB, "carl@gatekeeper.test", "dora@gatekeeper.test",
            "emil@gatekeeper.test");
    private static final String LIMITED = "450 4.7.1 Rate limit exceeded, try again in \\d+ seconds";
    private static final String CLOSING = "421 4.7.0 Rate limit exceeded, try again in \\d+ seconds, closing connection";
    /** The only sender greylisted here, so that the other tests are not. */
    private static final String GREY_SENDER = "grey@ok.state.test";
    private static final Duration GREYLIST_DELAY = Duration.ofSeconds(3);

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
    /** Last in the RCPT stage, as README-policy.md advises: every {@code <greylist>} reached records its triplet. */
    private static final String GREYLIST_RULE = "  <rule name=\"greylist\" action=\"defer\" reason=\"greylisted\">"
            + "<sender address=\"" + GREY_SENDER + "\"/><greylist/></rule>\n  ";

    @RegisterExtension
    static final SandboxFixture SANDBOX = SandboxFixture.forTest(GatekeeperHooksStateIT.class);

    private static RedisServer redis;
    private static ScriptedPeer peer;
    private static JamesSandbox node1;
    private static JamesSandbox node2;

    @BeforeAll
    static void boot() throws Exception {
        redis = SANDBOX.add(RedisServer.start());
        LoopbackDnsServer dns = SANDBOX.dns(ZONE, "state.test");
        peer = SANDBOX.add(ScriptedPeer.on("127.0.0.71").reply("RCPT TO:<", "250 2.1.5 ok").start());
        String policy = HooksTestKit.confFile("gatekeeper-policy.xml");
        assertThat(policy).contains("<stage name=\"rcpt\">", "<stage name=\"mail\">");
        policy = policy.replace("<stage name=\"rcpt\">", RCPT_RATE).replace("<stage name=\"mail\">", MAIL_RATE);
        int rcptEnd = policy.indexOf("</stage>", policy.indexOf(RCPT_RATE));
        policy = policy.substring(0, rcptEnd) + GREYLIST_RULE + policy.substring(rcptEnd);
        Path conf = SANDBOX.conf(Map.of("state-policy.xml", policy));
        String handler = FaultKit.handler(
                "<servers>" + dns.hostPort() + "</servers><timeout>1s</timeout><retries>0</retries>",
                "<timeBudget>3s</timeBudget>",
                "<port>" + peer.port() + "</port><heloName>mx.gatekeeper.test</heloName><overallTimeout>3s</overallTimeout>"
                        + "<checkRandom>false</checkRandom><allowPrivateTargets>true</allowPrivateTargets>",
                "conf/state-policy.xml")
                .replace("</handler>", "<state><store>redis</store><redis.uri>" + redis.uri() + "</redis.uri>"
                        + "<redis.key-prefix>state-it:</redis.key-prefix></state>"
                        + "<greylist><delay>" + GREYLIST_DELAY.toSeconds() + "s</delay></greylist></handler>");
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

    /** The greylist entry of a triplet in the shared Redis, {@code first,last} (epoch ms), as longs. */
    private static long[] greylistEntry(String sender, String recipient) {
        // Greylist.tripletKey: client network /24, sender, recipient, under the handler's key prefix.
        String key = "state-it:greylist:t:127.0.0.0/24/" + sender + "/" + recipient;
        try (Jedis raw = new Jedis("127.0.0.1", redis.port())) {
            String value = raw.get(key);
            assertThat(value).as(key).matches("\\d+,\\d+");
            String[] parts = value.split(",");
            return new long[] {Long.parseLong(parts[0]), Long.parseLong(parts[1])};
        }
    }

    private static void sleepUntil(long nanoTime) throws InterruptedException {
        long millis = TimeUnit.NANOSECONDS.toMillis(nanoTime - System.nanoTime());
        if (millis > 0) {
            Thread.sleep(millis);
        }
    }

    @Test
    void aTripletGreylistedOnOneNodeIsDeferredOnTheOtherUntilTheDelayThenPasses() throws Exception {
        String greylisted = "450 4.7.1 <" + BOB + ">: Recipient address rejected: Greylisted, try again in ";
        long delay = GREYLIST_DELAY.toMillis();
        long started = System.nanoTime();
        assertThat(rcpts(node1, "127.0.0.5", GREY_SENDER, List.of(BOB)))
                .containsExactly(greylisted + GREYLIST_DELAY.toSeconds() + " seconds");
        long firstAnswered = System.nanoTime();
        long[] first = greylistEntry(GREY_SENDER, BOB);
        assertThat(first[1]).as("a new triplet: last attempt = first").isEqualTo(first[0]);

        // Half-way through the delay on the other node: what is left of node 1's wait (at most
        // 1.5 s, so 1 or 2 seconds), not a new triplet's 3.
        sleepUntil(firstAnswered + TimeUnit.MILLISECONDS.toNanos(delay / 2));
        String early = rcpts(node2, "127.0.0.5", GREY_SENDER, List.of(BOB)).get(0);
        long earlyMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        System.out.println("GatekeeperHooksStateIT greylist, node 2 after " + earlyMillis + " ms: " + early);
        assertThat(earlyMillis).as("the early retry ended within the delay (else this machine was too slow for the test)")
                .isLessThan(delay);
        assertThat(early).matches(Pattern.quote(greylisted) + "[12] seconds");
        long[] retried = greylistEntry(GREY_SENDER, BOB);
        assertThat(retried[0]).as("node 2 kept node 1's first attempt").isEqualTo(first[0]);
        assertThat(retried[1]).as("and recorded its own").isGreaterThan(first[0]);

        // After the delay, on node 2 again: the triplet passes and the message is taken.
        sleepUntil(firstAnswered + TimeUnit.MILLISECONDS.toNanos(delay + 500));
        try (SmtpClient smtp = SmtpClient.connect(node2.smtpAddress(), JamesSandbox.loopback("127.0.0.5"), Duration.ofSeconds(30))) {
            assertThat(smtp.ehlo("client.example").code()).isEqualTo(250);
            assertThat(smtp.mailFrom(GREY_SENDER).lastLine()).isEqualTo("250 2.1.0 Sender <" + GREY_SENDER + "> OK");
            assertThat(smtp.rcptTo(BOB).lastLine()).isEqualTo(accepted(BOB));
            assertThat(smtp.data("From: " + GREY_SENDER + "\nTo: " + BOB + "\nSubject: greylisted on node 1\n\nHello.\n").lastLine())
                    .isEqualTo("250 2.6.0 Message received");
        }
        long[] passed = greylistEntry(GREY_SENDER, BOB);
        assertThat(passed[0]).isEqualTo(first[0]);
        assertThat(passed[1] - passed[0]).as("passed: last attempt at least the delay after the first").isGreaterThanOrEqualTo(delay);
    }
}
