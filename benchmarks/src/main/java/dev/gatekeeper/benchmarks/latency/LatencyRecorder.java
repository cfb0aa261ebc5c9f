package dev.gatekeeper.benchmarks.latency;

import java.util.Arrays;
import java.util.Locale;

/**
 * Latency samples of one kind (a RCPT reply, a greeting, a whole session), kept exactly: a run
 * here records a few thousand samples, so sorting them all costs less than a histogram's
 * rounding, and the p99 of a thousand samples is the tenth largest, not a bucket's edge.
 * Safe to record from many threads.
 */
public final class LatencyRecorder {

    private long[] samples = new long[256];
    private int count;

    /** Adds one sample, in nanoseconds. */
    public synchronized void record(long nanos) {
        if (nanos < 0) {
            throw new IllegalArgumentException("a latency is never negative: " + nanos);
        }
        if (count == samples.length) {
            samples = Arrays.copyOf(samples, count * 2);
        }
        samples[count++] = nanos;
    }

    /** What was recorded so far. */
    public synchronized Summary summary() {
        long[] sorted = Arrays.copyOf(samples, count);
        Arrays.sort(sorted);
        return new Summary(sorted);
    }

    /**
     * The {@code p}-th percentile (0 to 100) of sorted samples by nearest rank: the smallest
     * sample that at least {@code p}% of the samples do not exceed (p0 is the minimum).
     */
    static long percentile(long[] sorted, double p) {
        if (!(p >= 0 && p <= 100)) {
            throw new IllegalArgumentException("a percentile is within 0-100: " + p);
        }
        if (sorted.length == 0) {
            throw new IllegalStateException("no samples");
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, rank - 1)];
    }

    /** Count, p50, p99 and maximum of a set of samples. */
    public static final class Summary {
        private final long[] sorted;

        Summary(long[] sorted) {
            this.sorted = sorted;
        }

        public int count() {
            return sorted.length;
        }

        /** The {@code p}-th percentile in nanoseconds, nearest rank; 0 without samples. */
        public long percentileNanos(double p) {
            return sorted.length == 0 ? 0 : percentile(sorted, p);
        }

        public long maxNanos() {
            return sorted.length == 0 ? 0 : sorted[sorted.length - 1];
        }

        /** {@code p50 1.2 p99 34.5 max 2001.0 ms (n=1000)}. */
        @Override
        public String toString() {
            if (sorted.length == 0) {
                return "no samples";
            }
            return String.format(Locale.ROOT, "p50 %s p99 %s max %s ms (n=%d)", ms(percentileNanos(50)),
                    ms(percentileNanos(99)), ms(maxNanos()), sorted.length);
        }

        /** Milliseconds with one decimal below 100 ms, whole above (what a reader compares). */
        static String ms(long nanos) {
            double ms = nanos / 1e6;
            return ms < 100 ? String.format(Locale.ROOT, "%.1f", ms) : String.format(Locale.ROOT, "%.0f", ms);
        }
    }
}
