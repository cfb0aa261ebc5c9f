package dev.gatekeeper.benchmarks;

import dev.gatekeeper.benchmarks.load.LoadComparison;
import dev.gatekeeper.policy.PolicySession;
import dev.gatekeeper.policy.Verdict;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * What Gatekeeper's policy costs one whole connection that delivers one message, the shape most
 * mail reaching an MX has: a new session, connect, HELO, MAIL (SPF), RCPT (relay rules, sender
 * callout), the end of DATA, with {@code conf/gatekeeper-policy.xml} over the real engines and
 * every DNS and callout answer cached (a DNS server and a peer MTA on loopback answered them once,
 * in the set-up). The policy's DNS lists are asked of an empty in-memory zone (the client is on
 * none), as the hook's checker would be answered from its cache. Nobody reads the verdicts'
 * traces, as in a James whose log is at INFO.
 *
 * <pre>
 * java -jar benchmarks/target/gatekeeper-benchmarks.jar PolicyConnectionBenchmark -f 1 -wi 5 -i 5 -w 2s -r 1s -prof gc
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class PolicyConnectionBenchmark {

    private LoadPolicy policy;

    @Setup
    public void setUp() throws Exception {
        policy = LoadPolicy.start();
        Verdict first = connection();
        if (first.refuses() || policy.calloutConnections() != 1) {
            throw new IllegalStateException("the connection's message must be accepted after one callout: " + first
                    + ", peer connections " + policy.calloutConnections());
        }
    }

    @TearDown
    public void tearDown() {
        policy.close();
    }

    /** Connect, HELO, MAIL, one RCPT, the end of DATA; each verdict awaited, as a hook does. */
    @Benchmark
    public Verdict connection() {
        PolicySession session = policy.engine.openSession(policy.client);
        session.connect().toCompletableFuture().join();
        session.helo("client.load.test").toCompletableFuture().join();
        session.mail("<" + LoadComparison.SENDER + ">", 2048).toCompletableFuture().join();
        Verdict rcpt = session.rcpt("<user1@gatekeeper.test>").toCompletableFuture().join();
        if (rcpt.refuses()) {
            throw new IllegalStateException("refused: " + rcpt + " " + rcpt.trace());
        }
        return session.data(2048).toCompletableFuture().join();
    }
}
