package dev.gatekeeper.benchmarks.load;

import java.io.IOException;
import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * Waiting until James holds what the drivers sent it: a WebAdmin count looked at again and again
 * until it reaches what was accepted. A James still delivering is behind, not losing mail, so the
 * wait goes on while the count grows and gives up only when it has stood still for the stall
 * bound (or after {@link #MAX_LOOKS} looks, whichever comes first). The drivers decide what a
 * shortfall or a surplus means.
 */
public final class DeliveryWait {

    /**
     * The most looks of one wait, so that a count that creeps forward forever still ends it: at
     * the drivers' two looks a second, more than two hours.
     */
    static final long MAX_LOOKS = 20_000;

    /** A count asked of James (through WebAdmin). */
    public interface Count {
        long now() throws IOException, InterruptedException;
    }

    private DeliveryWait() {
    }

    /**
     * Looks at {@code count} every {@code every} until it is at least {@code expected} (read anew at
     * each look: sessions may still be finishing), or it has not grown for {@code stall}.
     *
     * @return the last count seen
     */
    public static long until(Count count, LongSupplier expected, Duration every, Duration stall)
            throws IOException, InterruptedException {
        long seen = count.now();
        long lastGrowth = System.nanoTime();
        for (long look = 1; look < MAX_LOOKS && seen < expected.getAsLong(); look++) {
            if (System.nanoTime() - lastGrowth > stall.toNanos()) {
                break;
            }
            Thread.sleep(every.toMillis());
            long now = count.now();
            if (now > seen) {
                lastGrowth = System.nanoTime();
            }
            seen = now;
        }
        return seen;
    }
}
