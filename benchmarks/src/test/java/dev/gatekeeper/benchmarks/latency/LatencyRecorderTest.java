package dev.gatekeeper.benchmarks.latency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Nearest-rank percentiles, as the latency tables report them. */
class LatencyRecorderTest {

    private static LatencyRecorder.Summary of(long... nanos) {
        LatencyRecorder r = new LatencyRecorder();
        for (long n : nanos) {
            r.record(n);
        }
        return r.summary();
    }

    @Test
    void oneHundredSamplesHaveTheirFiftiethAndNinetyNinthAsP50AndP99() {
        LatencyRecorder r = new LatencyRecorder();
        // Recorded out of order: the summary sorts.
        for (int i = 100; i >= 1; i--) {
            r.record(i);
        }
        LatencyRecorder.Summary s = r.summary();
        assertThat(s.count()).isEqualTo(100);
        assertThat(s.percentileNanos(50)).isEqualTo(50);
        assertThat(s.percentileNanos(99)).isEqualTo(99);
        assertThat(s.percentileNanos(100)).isEqualTo(100);
        assertThat(s.maxNanos()).isEqualTo(100);
        assertThat(s.percentileNanos(0)).isEqualTo(1);
    }

    @Test
    void p99OfFewSamplesIsTheLargestNotAnInterpolation() {
        LatencyRecorder.Summary s = of(10, 20, 30, 1_000);
        assertThat(s.percentileNanos(99)).isEqualTo(1_000);
        assertThat(s.percentileNanos(50)).isEqualTo(20);
        assertThat(s.percentileNanos(75)).isEqualTo(30);
    }

    @Test
    void p99OfAThousandSamplesIsTheTenthLargest() {
        LatencyRecorder r = new LatencyRecorder();
        for (int i = 1; i <= 1000; i++) {
            r.record(i);
        }
        assertThat(r.summary().percentileNanos(99)).isEqualTo(990);
    }

    @Test
    void aSingleSampleIsEveryPercentile() {
        LatencyRecorder.Summary s = of(7);
        assertThat(s.percentileNanos(0)).isEqualTo(7);
        assertThat(s.percentileNanos(50)).isEqualTo(7);
        assertThat(s.percentileNanos(99)).isEqualTo(7);
    }

    @Test
    void noSamplesSayNoSamplesAndZero() {
        LatencyRecorder.Summary s = of();
        assertThat(s.count()).isZero();
        assertThat(s.percentileNanos(99)).isZero();
        assertThat(s.maxNanos()).isZero();
        assertThat(s.toString()).isEqualTo("no samples");
    }

    @Test
    void summaryPrintsMillisecondsWithTheCount() {
        assertThat(of(1_200_000, 2_000_000, 2_345_600_000L).toString())
                .isEqualTo("p50 2.0 p99 2346 max 2346 ms (n=3)");
    }

    @Test
    void percentilesOutsideZeroToHundredAndNegativeSamplesAreRefused() {
        assertThatThrownBy(() -> LatencyRecorder.percentile(new long[] {1}, 100.5)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> LatencyRecorder.percentile(new long[] {1}, Double.NaN)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new LatencyRecorder().record(-1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void samplesFromManyThreadsAreAllKept() throws InterruptedException {
        LatencyRecorder r = new LatencyRecorder();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        for (int t = 0; t < 8; t++) {
            pool.execute(() -> {
                for (int i = 0; i < 10_000; i++) {
                    r.record(i);
                }
            });
        }
        pool.shutdown();
        assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        assertThat(r.summary().count()).isEqualTo(80_000);
        assertThat(r.summary().maxNanos()).isEqualTo(9_999);
    }
}
