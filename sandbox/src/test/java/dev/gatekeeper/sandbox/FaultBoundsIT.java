package dev.gatekeeper.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatekeeper.callout.ScriptedPeer;
import dev.gatekeeper.dns.LoopbackDnsServer;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * 500 concurrent SMTP sessions whose senders all need a callout to one slow domain, with the
 * callout limits at their defaults (4 probes per domain, 16 probe threads, a queue of 256, 30
 * probes a minute per client): every session gets a temporary refusal (never a hang or a 5xx),
 * James's thread count and resident memory stay bounded, and James answers a normal session
 * afterwards.
 */
class FaultBoundsIT {

    private static final InetAddress OUTSIDE = JamesSandbox.loopback("127.0.0.2");
    private static final InetAddress TRUSTED = JamesSandbox.loopback("127.0.0.1");
    private static final String BOB = "bob@gatekeeper.test";
    private static final int SESSIONS = 500;
    /**
     * Threads James may add under this load: its I/O threads (the sample conf's 64 ioWorkerCount,
     * which run the hooks), its 16 line-framing executors, 16 probe threads, and room to spare.
     */
    private static final int EXTRA_THREADS = 150;
    private static final long RSS_BOUND_KIB = 1536L * 1024;

    private static final String ZONE = String.join("\n",
            "$ORIGIN bounds.test.",
            "$TTL 300",
            "slow     IN MX  10 mx-slow",
            "slow     IN TXT \"v=spf1 ip4:127.0.0.0/8 -all\"",
            "mx-slow  IN A   127.0.0.61",
            "");

    @RegisterExtension
    static final SandboxFixture SANDBOX = SandboxFixture.forTest(FaultBoundsIT.class);

    private static JamesSandbox james;

    @BeforeAll
    static void boot() throws Exception {
        LoopbackDnsServer dns = SANDBOX.dns(ZONE, "bounds.test");
        // Answers every command 5 s late: each probe lasts until the command timeout.
        ScriptedPeer slow = SANDBOX.add(ScriptedPeer.on("127.0.0.61").delay(Duration.ofSeconds(5)).start());
        String handler = FaultKit.handler(
                "<servers>" + dns.hostPort() + "</servers><timeout>1s</timeout><retries>0</retries>",
                "<timeBudget>3s</timeBudget>",
                "<port>" + slow.port() + "</port><heloName>mx.gatekeeper.test</heloName>"
                        + "<connectTimeout>1s</connectTimeout><commandTimeout>2s</commandTimeout><overallTimeout>3s</overallTimeout>"
                        + "<allowPrivateTargets>true</allowPrivateTargets>",
                "conf/gatekeeper-policy.xml");
        james = SANDBOX.start(SANDBOX.james()
                .replaceSmtpHandler(handler)
                .user(BOB, "bob-secret"));
    }

    private static String tempfail(String sender) {
        return "450 4.1.7 <" + sender + ">: Sender address rejected: address verification in progress, try again later";
    }

    private static String normalSession() {
        try (SmtpClient smtp = SmtpClient.connect(james.smtpAddress(), TRUSTED, Duration.ofSeconds(30))) {
            smtp.ehlo("client.example");
            smtp.mailFrom("alice@slow.bounds.test");
            return smtp.rcptTo(BOB).lastLine();
        }
    }

    @Test
    void fiveHundredCalloutsToOneSlowDomainStayWithinBounds() throws Exception {
        assertThat(normalSession()).isEqualTo("250 2.1.5 Recipient <" + BOB + "> OK");
        int threadsBefore = FaultKit.threads(james.pid());
        long rssBefore = james.residentMemoryKiB().orElse(-1);
        AtomicInteger peakThreads = new AtomicInteger(threadsBefore);
        AtomicLong peakRss = new AtomicLong(rssBefore);
        ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
        sampler.scheduleAtFixedRate(() -> {
            peakThreads.accumulateAndGet(FaultKit.threads(james.pid()), Math::max);
            peakRss.accumulateAndGet(james.residentMemoryKiB().orElse(-1), Math::max);
        }, 0, 100, TimeUnit.MILLISECONDS);

        ExecutorService clients = Executors.newFixedThreadPool(SESSIONS);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<String>> replies = new ArrayList<>();
        long start = System.nanoTime();
        try {
            for (int i = 0; i < SESSIONS; i++) {
                String sender = "s" + i + "@slow.bounds.test";
                replies.add(clients.submit(() -> {
                    go.await();
                    try (SmtpClient smtp = SmtpClient.connect(james.smtpAddress(), OUTSIDE, Duration.ofSeconds(90))) {
                        smtp.ehlo("client.example");
                        String mail = smtp.mailFrom(sender).lastLine();
                        if (!mail.startsWith("250")) {
                            return "MAIL " + mail;
                        }
                        String rcpt = smtp.rcptTo(BOB).lastLine();
                        return rcpt.equals(tempfail(sender)) ? "450 tempfail" : rcpt;
                    } catch (RuntimeException e) {
                        return "failed: " + e.getMessage() + (e.getCause() == null ? "" : ": " + e.getCause());
                    }
                }));
            }
            go.countDown();
            Map<String, Integer> counts = new TreeMap<>();
            for (Future<String> f : replies) {
                counts.merge(f.get(120, TimeUnit.SECONDS), 1, Integer::sum);
            }
            long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
            String after = normalSession();
            sampler.shutdownNow();
            int threadsAfter = FaultKit.threads(james.pid());
            System.out.printf("FaultBoundsIT %d sessions answered in %d s: %s%n"
                            + "  James threads: %d before, peak %d, %d after; RSS: %d KiB before, peak %d KiB%n"
                            + "  normal session afterwards: %s%n",
                    SESSIONS, seconds, counts, threadsBefore, peakThreads.get(), threadsAfter, rssBefore, peakRss.get(), after);
            assertThat(counts).as("every session gets the tempfail at RCPT").containsOnlyKeys("450 tempfail");
            assertThat(peakThreads.get()).as("peak James threads").isLessThan(threadsBefore + EXTRA_THREADS);
            assertThat(peakRss.get()).as("peak James RSS, KiB").isLessThan(RSS_BOUND_KIB);
            assertThat(after).isEqualTo("250 2.1.5 Recipient <" + BOB + "> OK");
            assertThat(james.isRunning()).isTrue();
        } finally {
            sampler.shutdownNow();
            clients.shutdownNow();
            clients.awaitTermination(10, TimeUnit.SECONDS);
        }
    }
}
