package dev.gatekeeper.benchmarks.load;

import java.io.IOException;
import java.util.Locale;

/**
 * Untimed runs until a James is steady: at least a given number of messages, then until two
 * successive runs' rates are within {@link #STEADY} of each other (at most {@link #MAX_RUNS}
 * runs). On two cores the JIT compiler is still at work after tens of thousands of messages, and
 * a James with more code (the hooks) takes longer to get there; timing it earlier measures its
 * compilation, not its steady state.
 */
final class SteadyWarmUp {
    /** How close two successive warm-up runs' rates must be for a James to count as warm. */
    static final double STEADY = 0.05;
    /** A James still not steady after this many runs is timed anyway (its warm-up lines show it). */
    static final int MAX_RUNS = 15;

    /** One untimed run; answers its rate in messages per second. */
    interface Run {
        double messagesPerSecond() throws IOException, InterruptedException;
    }

    private SteadyWarmUp() {
    }

    /** Whether a run at {@code rate} after one at {@code previous} counts as steady. */
    static boolean steady(double previous, double rate) {
        return previous > 0 && Math.abs(rate - previous) <= STEADY * previous;
    }

    /**
     * Runs {@code run} (each of {@code perRun} messages) until steady, printing a line a run;
     * answers the number of runs made.
     */
    static int warm(String name, int perRun, int atLeast, Run run) throws IOException, InterruptedException {
        long sent = 0;
        double previous = 0;
        for (int n = 1; n <= MAX_RUNS; n++) {
            double rate = run.messagesPerSecond();
            sent += perRun;
            boolean steady = sent >= atLeast && steady(previous, rate);
            System.out.printf(Locale.ROOT, "warm-up %d %-26s %.0f msg/s%s%n", n, name, rate, steady ? ", steady" : "");
            if (steady) {
                return n;
            }
            previous = rate;
        }
        return MAX_RUNS;
    }
}
