package dev.gatekeeper.benchmarks;

import dev.gatekeeper.dns.TxtRecord;
import dev.gatekeeper.dns.ZoneResolver;
import dev.gatekeeper.spf.AuthenticationResultsSpf;
import dev.gatekeeper.spf.ReceivedSpfHeader;
import dev.gatekeeper.spf.SpfResult;
import dev.gatekeeper.spf.SpfVerdict;
import dev.gatekeeper.spf.SpfEvaluator;
import java.net.InetAddress;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The two SPF header fields the end of DATA prepends to every message, rendered for one MAIL FROM
 * verdict: {@code Received-SPF} (RFC 7208 §9.1) naming the server, and the {@code spf} resinfo of
 * {@code Authentication-Results} (RFC 8601). The verdict is a real pass from an in-memory zone,
 * evaluated once in the set-up.
 *
 * <pre>
 * java -jar benchmarks/target/gatekeeper-benchmarks.jar SpfHeadersBenchmark -f 1 -wi 5 -i 5 -w 2s -r 1s -prof gc
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class SpfHeadersBenchmark {

    private SpfVerdict verdict;

    @Setup
    public void setUp() throws Exception {
        ZoneResolver zone = ZoneResolver.builder().add("example.com", TxtRecord.of("v=spf1 ip4:127.0.0.0/8 -all")).build();
        verdict = new SpfEvaluator(zone).checkMailFromBlocking(InetAddress.getByName("127.0.0.2"), "mail.example.com",
                "alice@example.com");
        if (verdict.result() != SpfResult.PASS) {
            throw new IllegalStateException("the sample verdict must pass: " + verdict);
        }
    }

    /** Both fields for one message, as MessageStamp renders them. */
    @Benchmark
    public void headers(Blackhole bh) {
        bh.consume(ReceivedSpfHeader.of(verdict, "mx.gatekeeper.test").value());
        bh.consume(AuthenticationResultsSpf.resinfo(verdict));
    }
}
