package dev.gatekeeper.benchmarks.load;

import dev.gatekeeper.sandbox.JamesSandbox;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * Waiting until James holds what the drivers sent it: a WebAdmin count looked at again and again,
 * a bounded number of times, until it reaches what was accepted or the bound has passed. The
 * drivers decide what a shortfall or a surplus means.
 */
public final class DeliveryWait {

    /** A count asked of James (through WebAdmin). */
    public interface Count {
        long now() throws IOException, InterruptedException;
    }

    private DeliveryWait() {
    }

    /**
     * Looks at {@code count} every {@code every} until it is at least {@code expected} (read anew at
     * each look: sessions may still be finishing) or {@code bound} has passed.
     *
     * @return the last count seen
     */
    public static long until(Count count, LongSupplier expected, Duration every, Duration bound)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + bound.toNanos();
        long looks = Math.max(1, bound.toMillis() / Math.max(1, every.toMillis()));
        long seen = 0;
        for (long look = 0; look < looks; look++) {
            seen = count.now();
            if (seen >= expected.getAsLong() || System.nanoTime() > deadline) {
                break;
            }
            Thread.sleep(every.toMillis());
        }
        return seen;
    }

    /** The sum of the INBOX counts of the mailboxes: one WebAdmin request each, so not more than twice a second. */
    public static long inboxes(JamesSandbox james, List<String> mailboxes) throws IOException {
        long all = 0;
        for (String m : mailboxes) {
            all += james.inboxMessageCount(m);
        }
        return all;
    }
}
