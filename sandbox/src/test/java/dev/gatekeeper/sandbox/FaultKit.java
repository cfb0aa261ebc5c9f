package dev.gatekeeper.sandbox;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Supplier;

/**
 * What the fault tests share beyond {@link SandboxFixture}: the Gatekeeper handler element with
 * short timeouts, timing of one reply, percentiles, and the James process's thread count.
 */
final class FaultKit {

    static final String HANDLER = GatekeeperHooksIT.HANDLER;

    private FaultKit() {
    }

    /** The Gatekeeper handler element; each settings string is the inner XML of its element. */
    static String handler(String dns, String spf, String callout, String policyFile) {
        return "<handler class=\"" + HANDLER + "\">"
                + "<dns>" + dns + "</dns>"
                + "<spf>" + spf + "</spf>"
                + "<callout>" + callout + "</callout>"
                + "<policy file=\"" + policyFile + "\"/>"
                + "<authservId>mx.gatekeeper.test</authservId>"
                + "</handler>";
    }

    /** A reply and how long it took. */
    static final class Timed<T> {
        final T value;
        final Duration elapsed;

        Timed(T value, Duration elapsed) {
            this.value = value;
            this.elapsed = elapsed;
        }

        long millis() {
            return elapsed.toMillis();
        }
    }

    static <T> Timed<T> time(Supplier<T> call) {
        long start = System.nanoTime();
        T value = call.get();
        return new Timed<>(value, Duration.ofNanos(System.nanoTime() - start));
    }

    /** The p-th percentile (nearest rank) of some millisecond figures. */
    static long percentile(List<Long> millis, double p) {
        List<Long> sorted = new ArrayList<>(millis);
        Collections.sort(sorted);
        int rank = (int) Math.ceil(p / 100.0 * sorted.size());
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
    }

    /** Threads of a Linux process ({@code /proc/<pid>/status}), or -1 when unreadable. */
    static int threads(long pid) {
        try {
            for (String line : Files.readAllLines(Paths.get("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("Threads:")) {
                    return Integer.parseInt(line.substring("Threads:".length()).trim());
                }
            }
        } catch (IOException | UncheckedIOException | NumberFormatException e) {
            // not Linux, or the process is gone
        }
        return -1;
    }
}
