package dev.gatekeeper.benchmarks;

import dev.gatekeeper.dmarc.PublicSuffixList;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * One Organizational Domain (RFC 7489 §3.2) from the bundled Public Suffix List: what DMARC asks
 * for the RFC5322.From domain and again for each SPF and DKIM domain it aligns, on every message.
 * A name under a plain rule ({@code com}) and a longer one under a two-label rule ({@code co.uk}).
 *
 * <pre>
 * java -jar benchmarks/target/gatekeeper-benchmarks.jar PublicSuffixBenchmark -f 1 -wi 3 -i 5 -w 1s -r 1s -prof gc
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class PublicSuffixBenchmark {

    @Param({"mail.example.com", "a.b.mail.example.co.uk"})
    public String domain;

    private PublicSuffixList list;

    @Setup
    public void setUp() {
        list = PublicSuffixList.bundled();
    }

    @Benchmark
    public String organizationalDomain() {
        return list.organizationalDomain(domain);
    }
}
