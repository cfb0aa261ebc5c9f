package dev.gatekeeper.benchmarks;

import dev.gatekeeper.benchmarks.load.LoadComparison;
import dev.gatekeeper.policy.PolicySession;
import dev.gatekeeper.policy.Verdict;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;

/**
 * What Gatekeeper's policy costs one transaction of an open connection with warm caches, the
 * load test's transaction without James around it: {@code conf/gatekeeper-policy.xml} decides
 * MAIL (SPF), RCPT (relay rules, sender callout) and the end of DATA, over the real engines, the
 * SPF evaluator's DNS answers and the callout's answer cached (a DNS server and a peer MTA on
 * loopback answered them once, in the set-up). The policy's DNS lists are asked of an empty
 * in-memory zone (the client is on none), as the hook's checker would be answered from its cache.
 *
 * <pre>
 * java -jar benchmarks/target/gatekeeper-benchmarks.jar PolicyTransactionBenchmark -f 1 -wi 3 -i 5 -w 2s -r 2s
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Threads(1)
public class PolicyTransactionBenchmark {

    private LoadPolicy policy;
    private PolicySession session;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        policy = LoadPolicy.start();
        session = policy.engine.openSession(policy.client);
        session.connect().toCompletableFuture().join();
        session.helo("client.load.test").toCompletableFuture().join();
        Verdict first = transaction();
        if (first.refuses() || policy.calloutConnections() != 1) {
            throw new IllegalStateException("the transaction must be accepted after one callout: " + first
                    + ", peer connections " + policy.calloutConnections());
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        policy.close();
    }

    /** MAIL, one RCPT, the end of DATA; each verdict awaited, as a hook does. */
    @Benchmark
    public Verdict transaction() {
        session.mail("<" + LoadComparison.SENDER + ">", 2048).toCompletableFuture().join();
        Verdict rcpt = session.rcpt("<user1@gatekeeper.test>").toCompletableFuture().join();
        if (rcpt.refuses()) {
            throw new IllegalStateException("refused: " + rcpt + " " + rcpt.trace());
        }
        return session.data(2048).toCompletableFuture().join();
    }
}
