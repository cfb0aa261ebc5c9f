package dev.gatekeeper.benchmarks;

import dev.gatekeeper.callout.CalloutVerdict;
import dev.gatekeeper.callout.CalloutSettings;
import dev.gatekeeper.callout.CalloutResult;
import dev.gatekeeper.callout.CalloutVerifier;
import dev.gatekeeper.dns.AddressRecord;
import dev.gatekeeper.dns.MxRecord;
import dev.gatekeeper.dns.ZoneResolver;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The callout engine's two cheap paths, against a loopback SMTP peer: a verification answered
 * from the cache, and a burst of identical verifications for one new address that share one probe
 * to a slow peer (the burst costs about one probe, and the peer sees one connection per burst).
 *
 * <pre>
 * java -jar benchmarks/target/gatekeeper-benchmarks.jar CalloutBenchmark -f 1 -wi 2 -i 3 -w 2s -r 2s
 * </pre>
 */
@State(Scope.Benchmark)
public class CalloutBenchmark {

    /** Identical requests per burst in {@link #coalescedBurst()}. */
    @Param("100")
    public int burst;

    /** The peer's pause before each reply: a probe waits for six replies (greeting, EHLO, MAIL, RCPT, RSET, QUIT). */
    @Param("10")
    public int peerDelayMillis;

    private SlowPeer peer;
    private CalloutVerifier verifier;
    private final AtomicLong sequence = new AtomicLong();
    private long bursts;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        peer = new SlowPeer(peerDelayMillis);
        ZoneResolver zone = ZoneResolver.builder()
                .add("example.test", MxRecord.of(10, "mx.example.test"))
                .add("mx.example.test", AddressRecord.of(InetAddress.getByName("127.0.0.1")))
                .build();
        CalloutSettings settings = CalloutSettings.builder()
                .port(peer.port())
                .allowPrivateTargets(true)
                .heloName("bench.gatekeeper.test")
                .maxProbesPerMinute(1_000_000)
                .maxProbesPerMinutePerClient(1_000_000)
                .maxConcurrentProbesPerDomain(10_000)
                .overallTimeout(Duration.ofSeconds(20))
                .build();
        verifier = CalloutVerifier.create(settings, zone);
        CalloutVerdict warm = verifier.verify("cached@example.test").toCompletableFuture().join();
        if (warm.status() != CalloutResult.ACCEPTED) {
            throw new IllegalStateException("peer not answering: " + warm);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        System.out.printf("%n[coalescing] %d bursts of %d requests, %d connections at the peer, %d probes%n",
                bursts, burst, peer.connections.get() - 1, verifier.probesStarted() - 1);
        verifier.close();
        peer.close();
    }

    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    public CalloutVerdict cachedVerification() {
        return verifier.verify("cached@example.test").toCompletableFuture().join();
    }

    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    public int coalescedBurst() {
        String address = "user" + sequence.incrementAndGet() + "@example.test";
        @SuppressWarnings("unchecked")
        CompletableFuture<CalloutVerdict>[] all = new CompletableFuture[burst];
        for (int i = 0; i < burst; i++) {
            all[i] = verifier.verify(address).toCompletableFuture();
        }
        int accepted = 0;
        for (CompletableFuture<CalloutVerdict> f : all) {
            if (f.join().status() == CalloutResult.ACCEPTED) {
                accepted++;
            }
        }
        bursts++;
        return accepted;
    }

    /** An accepting SMTP peer on 127.0.0.1 that pauses before every reply. */
    static final class SlowPeer implements AutoCloseable {
        final AtomicInteger connections = new AtomicInteger();
        private final ServerSocket server;
        private final int delayMillis;

        SlowPeer(int delayMillis) throws IOException {
            this.delayMillis = delayMillis;
            this.server = new ServerSocket(0, 100, InetAddress.getByName("127.0.0.1"));
            Thread t = new Thread(this::accept, "slow-peer");
            t.setDaemon(true);
            t.start();
        }

        int port() {
            return server.getLocalPort();
        }

        private void accept() {
            while (!server.isClosed()) {
                try {
                    Socket s = server.accept();
                    connections.incrementAndGet();
                    Thread t = new Thread(() -> serve(s), "slow-peer-session");
                    t.setDaemon(true);
                    t.start();
                } catch (IOException e) {
                    return;
                }
            }
        }

        private void serve(Socket s) {
            try (s) {
                s.setSoTimeout(10_000);
                BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
                OutputStream out = s.getOutputStream();
                reply(out, "220 slow.test ESMTP");
                for (int i = 0; i < 20; i++) {
                    String line = in.readLine();
                    if (line == null) {
                        return;
                    }
                    String verb = line.length() >= 4 ? line.substring(0, 4).toUpperCase() : line;
                    if (verb.equals("QUIT")) {
                        reply(out, "221 bye");
                        return;
                    }
                    reply(out, "250 ok");
                }
            } catch (IOException | InterruptedException e) {
                // session over
            }
        }

        private void reply(OutputStream out, String line) throws IOException, InterruptedException {
            Thread.sleep(delayMillis);
            out.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
        }

        @Override
        public void close() {
            try {
                server.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
    }
}
