package dev.gatekeeper.benchmarks.load;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The outcome of one {@link SmtpLoad} run: counts, elapsed time and RCPT reply latencies. */
public final class LoadResult {

    private final int planned;
    private final int connections;
    private final int attempted;
    private final int accepted;
    private final int refused;
    private final Map<String, Integer> acceptedByRecipient;
    private final List<String> failures;
    private final boolean timedOut;
    private final Duration elapsed;
    private final long[] rcptNanos;

    private LoadResult(Builder b) {
        this.planned = b.planned;
        this.connections = b.connections;
        this.attempted = b.attempted;
        this.accepted = b.accepted;
        this.refused = b.refused;
        this.acceptedByRecipient = Map.copyOf(b.acceptedByRecipient);
        this.failures = List.copyOf(b.failures);
        this.timedOut = b.timedOut;
        this.elapsed = b.elapsed;
        this.rcptNanos = b.rcptNanos.stream().mapToLong(Long::longValue).sorted().toArray();
    }

    static Builder builder(int planned, Duration elapsed, boolean timedOut) {
        return new Builder(planned, elapsed, timedOut);
    }

    public int planned() {
        return planned;
    }

    /** SMTP connections made (a session finding no message left makes none). */
    public int connections() {
        return connections;
    }

    public int attempted() {
        return attempted;
    }

    /** Messages answered 250 after DATA: exactly these must be delivered. */
    public int accepted() {
        return accepted;
    }

    public int refused() {
        return refused;
    }

    /** The accepted messages by recipient: where each run's mail must be delivered. */
    public Map<String, Integer> acceptedByRecipient() {
        return acceptedByRecipient;
    }

    /** Sessions that broke (connection refused or dropped, a reply timed out), with why. */
    public List<String> failures() {
        return failures;
    }

    public boolean timedOut() {
        return timedOut;
    }

    public Duration elapsed() {
        return elapsed;
    }

    public double acceptedPerSecond() {
        return accepted / (elapsed.toNanos() / 1e9);
    }

    /** The {@code p}-th percentile (0-100) of RCPT reply latency, nearest rank. */
    public Duration rcptLatency(double p) {
        if (rcptNanos.length == 0) {
            return Duration.ZERO;
        }
        int rank = (int) Math.ceil(p / 100.0 * rcptNanos.length);
        return Duration.ofNanos(rcptNanos[Math.max(0, Math.min(rcptNanos.length - 1, rank - 1))]);
    }

    @Override
    public String toString() {
        return String.format("%d/%d accepted in %.2f s = %.0f msg/s, RCPT p50 %.2f ms p99 %.2f ms%s%s",
                accepted, planned, elapsed.toNanos() / 1e9, acceptedPerSecond(),
                rcptLatency(50).toNanos() / 1e6, rcptLatency(99).toNanos() / 1e6,
                refused == 0 ? "" : ", " + refused + " refused",
                failures.isEmpty() ? "" : ", " + failures.size() + " sessions failed: " + failures.get(0));
    }

    static final class Builder {
        private final int planned;
        private final Duration elapsed;
        private final boolean timedOut;
        private int connections;
        private int attempted;
        private int accepted;
        private int refused;
        private final Map<String, Integer> acceptedByRecipient = new HashMap<>();
        private final List<String> failures = new ArrayList<>();
        private final List<Long> rcptNanos = new ArrayList<>();

        private Builder(int planned, Duration elapsed, boolean timedOut) {
            this.planned = planned;
            this.elapsed = elapsed;
            this.timedOut = timedOut;
        }

        void add(SmtpLoad.SessionTally t) {
            connections += t.connected ? 1 : 0;
            attempted += t.attempted;
            accepted += t.accepted;
            refused += t.refused;
            t.acceptedTo.forEach((recipient, n) -> acceptedByRecipient.merge(recipient, n, Integer::sum));
            rcptNanos.addAll(t.rcptNanos);
        }

        void sessionFailed(Throwable why) {
            failures.add(String.valueOf(why.getMessage()).lines().findFirst().orElse(why.toString()));
        }

        LoadResult build() {
            return new LoadResult(this);
        }
    }
}
