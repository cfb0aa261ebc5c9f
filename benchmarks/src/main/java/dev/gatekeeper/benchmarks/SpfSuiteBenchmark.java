package dev.gatekeeper.benchmarks;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Gatekeeper's SPF engine against jSPF 1.0.3 (the library James 3.8.1 uses) on all 203 queries
 * of the RFC 7208 suite, DNS answered from memory for both. One operation is the whole suite.
 *
 * <pre>
 * java -Dspf.suite=../shared/spf-suite/rfc7208-tests.yml -jar benchmarks/target/gatekeeper-benchmarks.jar SpfSuiteBenchmark
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(value = 1, jvmArgsAppend = "-Xmx1g")
public class SpfSuiteBenchmark {

    private List<SpfSuiteQueries.Query> queries;

    @Setup
    public void load() {
        queries = SpfSuiteQueries.load();
    }

    @Benchmark
    public void gatekeeper(Blackhole bh) {
        for (SpfSuiteQueries.Query q : queries) {
            bh.consume(q.gatekeeperResult());
        }
    }

    @Benchmark
    public void jspf(Blackhole bh) {
        for (SpfSuiteQueries.Query q : queries) {
            bh.consume(q.jspfResult());
        }
    }
}
