package dev.gatekeeper.benchmarks.load;

import java.io.IOException;
import java.util.Locale;

/**
 * Untimed runs until a James is steady: at least a given number of messages, then until two
 * successive runs' rates are within {@link #STEADY} of each other and the JIT compiler used at most
 * {@link #COMPILER_QUIET} of James's CPU in the last run (at most {@link #EXTRA_RUNS} runs past the
 * given number of messages). On two cores the compiler is still at work after tens of thousands of
 * messages, and a James with more code (the hooks) takes longer to get there: runs two in a row at
 * the same rate are not enough, since the compiler's share of the two cores then slows both alike.
 * Timing a James earlier measures its compilation, not its steady state.
 */
final class SteadyWarmUp {
    /** How close two successive warm-up runs' rates must be for a James to count as warm. */
    static final double STEADY = 0.05;
    /** The compiler threads' largest share of James's CPU in a run that counts as warm. */
    static final double COMPILER_QUIET = 0.03;
    /** A James still not steady after this many runs past its minimum is timed anyway (its warm-up lines show it). */
    static final int EXTRA_RUNS = 40;

    /** What one untimed run showed. */
    record Sample(double messagesPerSecond, double compilerShare) {
        /** A run of {@code messages} over {@code seconds}, with James's CPU and its compiler threads' part of it. */
        static Sample of(long messages, double seconds, CpuTime james, CpuTime compiler) {
            return new Sample(messages / seconds,
                    james.totalMillis() == 0 ? 0 : (double) compiler.totalMillis() / james.totalMillis());
        }
    }

    /** One untimed run. */
    interface Run {
        Sample run() throws IOException, InterruptedException;
    }

    private SteadyWarmUp() {
    }

    /** Whether a run at {@code rate} after one at {@code previous} counts as steady in rate. */
    static boolean steady(double previous, double rate) {
        return previous > 0 && Math.abs(rate - previous) <= STEADY * previous;
    }

    /** Whether {@code now}, after {@code previous}, counts as warm: the same rate, and the compiler quiet. */
    static boolean warm(Sample previous, Sample now) {
        return previous != null && steady(previous.messagesPerSecond(), now.messagesPerSecond())
                && now.compilerShare() <= COMPILER_QUIET;
    }

    /**
     * Runs {@code run} (each of {@code perRun} messages) until warm, printing a line a run;
     * answers the number of runs made.
     */
    static int warm(String name, int perRun, int atLeast, Run run) throws IOException, InterruptedException {
        long sent = 0;
        Sample previous = null;
        int maxRuns = (atLeast + perRun - 1) / perRun + EXTRA_RUNS;
        for (int n = 1; n <= maxRuns; n++) {
            Sample now = run.run();
            sent += perRun;
            boolean warm = sent >= atLeast && warm(previous, now);
            System.out.printf(Locale.ROOT, "warm-up %d %-26s %.0f msg/s, compiler %.0f%% of James's CPU%s%n", n, name,
                    now.messagesPerSecond(), 100 * now.compilerShare(), warm ? ", warm" : "");
            if (warm) {
                return n;
            }
            previous = now;
        }
        System.out.printf("warm-up %-26s not steady after %d runs: timed anyway%n", name, maxRuns);
        return maxRuns;
    }
}
