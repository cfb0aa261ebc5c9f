package dev.gatekeeper.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatekeeper.callout.ScriptedPeer;
import dev.gatekeeper.dns.LoopbackDnsServer;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Sender callouts to hostile peers through the real James: a tarpit (one octet a second), a peer
 * that hangs up in the middle of a reply, and peers that flood one endless line or endless lines.
 * Each ends as {@code tempfail}, answered with the conf's {@code 450 4.1.7} ("address verification
 * in progress") once the handler's {@code <calloutWait>} (default 2 s) is over, while the probe goes
 * on; the flood is cut by the reply reader's bounds. A slow peer that rejects the sender: the first
 * transaction hears "in progress", the retry the peer's verdict from the cache. Then, with 50
 * tarpit callouts in flight, sessions that need no callout (a trusted client, a sender whose
 * callout is cached) are timed: the bounded wait and the sample conf's {@code <ioWorkerCount>}
 * leave most of them undelayed; the few that share an I/O thread with a waiting RCPT wait for it.
 */
class FaultCalloutIT {

    private static final InetAddress OUTSIDE = JamesSandbox.loopback("127.0.0.2");
    private static final InetAddress OTHER_OUTSIDE = JamesSandbox.loopback("127.0.0.3");
    private static final InetAddress TRUSTED = JamesSandbox.loopback("127.0.0.1");
    private static final String BOB = "bob@gatekeeper.test";
    private static final Duration OVERALL = Duration.ofSeconds(5);
    /** The handler's default {@code <calloutWait>}: the longest a RCPT waits for a callout. */
    private static final Duration CALLOUT_WAIT = Duration.ofSeconds(2);
    /** Before each reply of the slow peer: greeting, EHLO, MAIL and RCPT take 2.8 s, past the wait, within OVERALL. */
    private static final Duration SLOW_PEER_DELAY = Duration.ofMillis(700);
    private static final Duration MARGIN = Duration.ofSeconds(2);
    private static final int TARPIT_SESSIONS = 50;
    private static final int TIMED_TRANSACTIONS = 50;
    private static final int MEASURING_CLIENTS = 5;

    private static final String ZONE = String.join("\n",
            "$ORIGIN callout.test.",
            "$TTL 300",
            "tarpit   IN MX  10 mx-tarpit",
            "tarpit   IN TXT \"v=spf1 ip4:127.0.0.0/8 -all\"",
            "drop     IN MX  10 mx-drop",
            "drop     IN TXT \"v=spf1 ip4:127.0.0.0/8 -all\"",
            "flood    IN MX  10 mx-flood",
            "flood    IN TXT \"v=spf1 ip4:127.0.0.0/8 -all\"",
            "floods   IN MX  10 mx-floods",
            "floods   IN TXT \"v=spf1 ip4:127.0.0.0/8 -all\"",
            "slowno   IN MX  10 mx-slowno",
            "slowno   IN TXT \"v=spf1 ip4:127.0.0.0/8 -all\"",
            "fast     IN MX  10 mx-fast",
            "fast     IN TXT \"v=spf1 ip4:127.0.0.0/8 -all\"",
            "mx-tarpit IN A  127.0.0.51",
            "mx-drop   IN A  127.0.0.52",
            "mx-flood  IN A  127.0.0.53",
            "mx-floods IN A  127.0.0.54",
            "mx-fast   IN A  127.0.0.55",
            "mx-slowno IN A  127.0.0.56",
            "");

    @RegisterExtension
    static final SandboxFixture SANDBOX = SandboxFixture.forTest(FaultCalloutIT.class);

    private static ScriptedPeer tarpit;
    private static ScriptedPeer drop;
    private static ScriptedPeer slowRejecting;
    private static FloodPeer flood;
    private static FloodPeer floods;
    private static JamesSandbox james;

    @BeforeAll
    static void boot() throws Exception {
        LoopbackDnsServer dns = SANDBOX.dns(ZONE, "callout.test");
        // Every peer listens on the tarpit's port, each on its own loopback address: the handler has one callout port.
        tarpit = SANDBOX.add(ScriptedPeer.on("127.0.0.51").tarpit(Duration.ofSeconds(1)).start());
        int port = tarpit.port();
        drop = SANDBOX.add(ScriptedPeer.on("127.0.0.52").port(port)
                .reply("RCPT TO:<", "250-2.1.5 first line of the reply", ScriptedPeer.RAW + "250 2.1.5 the seco", ScriptedPeer.CLOSE)
                .start());
        SANDBOX.add(ScriptedPeer.on("127.0.0.55").port(port)
                .reply("RCPT TO:<", "550 5.1.1 no such user")
                .reply("RCPT TO:<known@", "250 2.1.5 ok").start());
        slowRejecting = SANDBOX.add(ScriptedPeer.on("127.0.0.56").port(port).delay(SLOW_PEER_DELAY)
                .reply("RCPT TO:<", "550 5.1.1 no such user").start());
        flood = SANDBOX.add(floodOn("127.0.0.53", port, false));
        floods = SANDBOX.add(floodOn("127.0.0.54", port, true));
        String handler = FaultKit.handler(
                "<servers>" + dns.hostPort() + "</servers><timeout>1s</timeout><retries>0</retries>",
                "<timeBudget>3s</timeBudget>",
                "<port>" + port + "</port><heloName>mx.gatekeeper.test</heloName>"
                        + "<connectTimeout>1s</connectTimeout><commandTimeout>2s</commandTimeout>"
                        + "<overallTimeout>" + OVERALL.toSeconds() + "s</overallTimeout>"
                        + "<checkRandom>false</checkRandom><allowPrivateTargets>true</allowPrivateTargets>"
                        // Room for 50 probes at once to the tarpit, so that they are all in flight.
                        + "<maxConcurrentProbesPerDomain>100</maxConcurrentProbesPerDomain>"
                        + "<maxProbesPerMinute>100000</maxProbesPerMinute>"
                        + "<maxProbesPerMinutePerClient>100000</maxProbesPerMinutePerClient>"
                        + "<probeThreads>100</probeThreads>",
                "conf/gatekeeper-policy.xml");
        james = SANDBOX.start(SANDBOX.james()
                .replaceSmtpHandler(handler)
                .user(BOB, "bob-secret"));
    }

    /** A flood peer on its own address and the shared callout port. */
    private static FloodPeer floodOn(String address, int port, boolean lines) throws Exception {
        return lines ? FloodPeer.endlessLines(address, port) : FloodPeer.endlessLine(address, port);
    }

    private static String tempfail(String sender) {
        return "450 4.1.7 <" + sender + ">: Sender address rejected: address verification in progress, try again later";
    }

    /** EHLO and MAIL, then the RCPT timed. */
    private static FaultKit.Timed<String> rcpt(InetAddress from, String sender) {
        try (SmtpClient smtp = SmtpClient.connect(james.smtpAddress(), from, Duration.ofSeconds(30))) {
            assertThat(smtp.ehlo("client.example").code()).isEqualTo(250);
            assertThat(smtp.mailFrom(sender).lastLine()).startsWith("250");
            return FaultKit.time(() -> smtp.rcptTo(BOB).lastLine());
        }
    }

    private static void tempfailsWithinOverallTimeout(String sender) {
        FaultKit.Timed<String> t = rcpt(OUTSIDE, sender);
        System.out.printf("FaultCalloutIT %-30s %5d ms  %s%n", sender, t.millis(), t.value);
        assertThat(t.value).isEqualTo(tempfail(sender));
        assertThat(t.elapsed).as("RCPT time for " + sender).isLessThan(CALLOUT_WAIT.plus(MARGIN));
    }

    @Test
    void slowPeerFirstInProgressThenItsVerdictFromTheCache() {
        String sender = "alice@slowno.callout.test";
        FaultKit.Timed<String> first = rcpt(OUTSIDE, sender);
        System.out.printf("FaultCalloutIT %-30s %5d ms  %s%n", sender, first.millis(), first.value);
        assertThat(first.value).isEqualTo(tempfail(sender));
        assertThat(first.elapsed).as("first RCPT").isLessThan(CALLOUT_WAIT.plus(MARGIN));
        // The probe goes on: the peer answers RCPT after four delayed replies, within the overall timeout.
        long deadline = System.nanoTime() + OVERALL.plus(MARGIN).toNanos();
        while (slowRejecting.commands("RCPT TO:<" + sender + ">").isEmpty() && System.nanoTime() < deadline) {
            sleep(50);
        }
        // Its delayed RCPT and QUIT replies; then the outcome is in the cache.
        sleep(2 * SLOW_PEER_DELAY.toMillis() + 500);
        FaultKit.Timed<String> retry = rcpt(OUTSIDE, sender);
        System.out.printf("FaultCalloutIT %-30s %5d ms  %s (retry)%n", sender, retry.millis(), retry.value);
        assertThat(retry.value).isEqualTo("550 5.1.7 <" + sender + ">: Sender address rejected: undeliverable address");
        assertThat(retry.elapsed).as("retry RCPT, answered from the cache").isLessThan(MARGIN);
        assertThat(slowRejecting.connections()).as("one probe for both transactions").isEqualTo(1);
    }

    @Test
    void tarpitIsCutByTheTimeouts() {
        int before = tarpit.connections();
        tempfailsWithinOverallTimeout("alice@tarpit.callout.test");
        assertThat(tarpit.connections()).isGreaterThan(before);
    }

    @Test
    void peerHangingUpMidReplyIsATempfail() {
        tempfailsWithinOverallTimeout("alice@drop.callout.test");
        assertThat(drop.commands("RCPT TO:<alice@drop.callout.test>")).isNotEmpty();
    }

    @Test
    void endlessLineIsCutByTheReplyReadersBound() {
        tempfailsWithinOverallTimeout("alice@flood.callout.test");
        assertFloodCut(flood);
    }

    @Test
    void endlessLinesAreCutByTheReplyReadersBound() {
        tempfailsWithinOverallTimeout("alice@floods.callout.test");
        assertFloodCut(floods);
    }

    /**
     * The client hung up long before the flood's own bound: it read about a kilobyte (16 KiB for
     * lines) and what was written beyond is what the loopback socket buffers took.
     */
    private static void assertFloodCut(FloodPeer peer) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (peer.hungUp() == 0 && System.nanoTime() < deadline) {
            sleep(50);
        }
        System.out.printf("FaultCalloutIT flood peer: %d connection(s), %d hung up by the client, at most %d octets written%n",
                peer.connections(), peer.hungUp(), peer.mostWritten());
        assertThat(peer.hungUp()).isEqualTo(peer.connections()).isPositive();
        assertThat(peer.mostWritten()).isLessThan(FloodPeer.MAX_OCTETS / 4);
        assertThat(james.isRunning()).isTrue();
    }

    @Test
    void sessionsThatNeedNoCalloutAreAnsweredWhileFiftyTarpitCalloutsAreInFlight() throws Exception {
        // Warm the callout cache for the sender the cached sessions use.
        assertThat(rcpt(OTHER_OUTSIDE, "known@fast.callout.test").value).isEqualTo("250 2.1.5 Recipient <" + BOB + "> OK");
        AtomicBoolean measuring = new AtomicBoolean(true);
        AtomicInteger tarpitSessions = new AtomicInteger();
        List<String> tarpitReplies = Collections.synchronizedList(new ArrayList<>());
        ExecutorService load = Executors.newFixedThreadPool(TARPIT_SESSIONS);
        List<Future<?>> running = new ArrayList<>();
        long loadDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        for (int i = 0; i < TARPIT_SESSIONS; i++) {
            int worker = i;
            running.add(load.submit(() -> {
                // Each worker keeps one tarpit callout in flight until the measurement ends (bounded).
                for (int n = 0; n < 20 && measuring.get() && System.nanoTime() < loadDeadline; n++) {
                    String sender = "w" + worker + "-" + n + "@tarpit.callout.test";
                    tarpitSessions.incrementAndGet();
                    String reply = rcpt(OUTSIDE, sender).value;
                    tarpitReplies.add(reply.equals(tempfail(sender)) ? "tempfail" : reply);
                }
            }));
        }
        Thread.sleep(1000); // let the tarpit sessions reach RCPT and their callouts start
        List<Long> trusted = Collections.synchronizedList(new ArrayList<>());
        List<Long> cached = Collections.synchronizedList(new ArrayList<>());
        List<Long> trustedSession = Collections.synchronizedList(new ArrayList<>());
        // A few measuring clients side by side, so that the slow tail does not add up in series.
        ExecutorService measure = Executors.newFixedThreadPool(MEASURING_CLIENTS);
        List<Future<?>> measured = new ArrayList<>();
        try {
            for (int m = 0; m < MEASURING_CLIENTS; m++) {
                measured.add(measure.submit(() -> {
                    for (int i = 0; i < TIMED_TRANSACTIONS / MEASURING_CLIENTS; i++) {
                        long start = System.nanoTime();
                        FaultKit.Timed<String> t = rcpt(TRUSTED, "alice@fast.callout.test");
                        trustedSession.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
                        assertThat(t.value).isEqualTo("250 2.1.5 Recipient <" + BOB + "> OK");
                        trusted.add(t.millis());
                        FaultKit.Timed<String> c = rcpt(OTHER_OUTSIDE, "known@fast.callout.test");
                        assertThat(c.value).isEqualTo("250 2.1.5 Recipient <" + BOB + "> OK");
                        cached.add(c.millis());
                    }
                    return null;
                }));
            }
            for (Future<?> f : measured) {
                f.get(120, TimeUnit.SECONDS);
            }
        } finally {
            measuring.set(false);
            measure.shutdownNow();
            load.shutdown();
        }
        for (Future<?> f : running) {
            f.get(60, TimeUnit.SECONDS);
        }
        load.awaitTermination(10, TimeUnit.SECONDS);
        System.out.printf("FaultCalloutIT with %d tarpit callouts in flight (%d tarpit sessions in all, replies %s):%n"
                        + "  trusted client RCPT   p50 %d ms  p99 %d ms  max %d ms%n"
                        + "  trusted whole session p50 %d ms  p99 %d ms  max %d ms%n"
                        + "  cached callout RCPT   p50 %d ms  p99 %d ms  max %d ms%n",
                TARPIT_SESSIONS, tarpitSessions.get(), summary(tarpitReplies),
                FaultKit.percentile(trusted, 50), FaultKit.percentile(trusted, 99), Collections.max(trusted),
                FaultKit.percentile(trustedSession, 50), FaultKit.percentile(trustedSession, 99), Collections.max(trustedSession),
                FaultKit.percentile(cached, 50), FaultKit.percentile(cached, 99), Collections.max(cached));
        assertThat(tarpitReplies).containsOnly("tempfail");
        // James 3.8.1 runs the hooks on its Netty I/O threads and pins each connection to one, round
        // robin: a RCPT waiting for a callout holds its thread, and the neighbours pinned to the same
        // thread wait too. Before the wait was bounded (4 I/O threads on 2 cores, waits up to the
        // callout's overall timeout) nearly every neighbour waited and the trusted RCPT's p99 was
        // 12 s. Now a tarpit RCPT holds its thread at most <calloutWait> and the sample conf's 64 I/O
        // threads leave most neighbours alone: the median is not delayed at all. Which neighbour
        // shares a thread with one or two waiting RCPTs is chance (2 cores in CI saw 4 s once), so
        // the tail is held to what no neighbour may reach: twice the callout's own overall timeout.
        for (List<Long> rcpts : List.of(trusted, cached)) {
            String who = rcpts == trusted ? "trusted client" : "cached sender";
            assertThat(FaultKit.percentile(rcpts, 50)).as("p50 RCPT of the " + who + ", ms").isLessThan(CALLOUT_WAIT.toMillis());
            assertThat(FaultKit.percentile(rcpts, 99)).as("p99 RCPT of the " + who + ", ms").isLessThan(2 * OVERALL.toMillis());
        }
        assertThat(FaultKit.percentile(trustedSession, 50)).as("p50 trusted session, ms").isLessThan(CALLOUT_WAIT.toMillis());
    }

    private static String summary(List<String> replies) {
        java.util.Map<String, Integer> counts = new java.util.TreeMap<>();
        synchronized (replies) {
            for (String r : replies) {
                counts.merge(r, 1, Integer::sum);
            }
        }
        return counts.toString();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
