package dev.gatekeeper.benchmarks.load;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The INBOX counts of mailboxes that each receive the same number of messages a run, as
 * smtp-source's numbered recipients do (message {@code n} of a run to mailbox {@code n}). Each
 * look asks WebAdmin only about the mailboxes still short of what they should hold, a few at a
 * time: a mailbox that holds its share is not asked again in that run. Asking all 2,000 INBOXes one
 * after another at every look took most of a mailbox row's time.
 *
 * <p>A mailbox found holding more than its share is counted as it is, so a surplus shows in the
 * sum at the first look of the run it happens in or of the next one.
 */
final class InboxTally implements AutoCloseable {

    /** WebAdmin requests in flight at once: enough to hide a request's round trip, few for two cores. */
    static final int PARALLEL_REQUESTS = 4;

    /** One mailbox's INBOX count, asked of James. */
    interface InboxCount {
        long of(String mailbox) throws IOException;
    }

    private final InboxCount count;
    private final List<String> mailboxes;
    private final long[] seen;
    private final ExecutorService askers;

    InboxTally(InboxCount count, List<String> mailboxes) {
        this.count = count;
        this.mailboxes = List.copyOf(mailboxes);
        this.seen = new long[mailboxes.size()];
        this.askers = Executors.newFixedThreadPool(PARALLEL_REQUESTS, r -> {
            Thread t = new Thread(r, "inbox-tally");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Asks again every mailbox holding fewer than {@code each} messages and answers the sum of
     * what all of them were last seen to hold.
     */
    long total(long each) throws IOException, InterruptedException {
        List<Integer> shortOnes = new ArrayList<>();
        List<Future<Long>> answers = new ArrayList<>();
        for (int i = 0; i < seen.length; i++) {
            if (seen[i] < each) {
                String mailbox = mailboxes.get(i);
                shortOnes.add(i);
                answers.add(askers.submit(() -> count.of(mailbox)));
            }
        }
        for (int k = 0; k < answers.size(); k++) {
            try {
                seen[shortOnes.get(k)] = answers.get(k).get();
            } catch (ExecutionException e) {
                answers.forEach(a -> a.cancel(true));
                throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
            }
        }
        long all = 0;
        for (long n : seen) {
            all += n;
        }
        return all;
    }

    @Override
    public void close() {
        askers.shutdownNow();
    }
}
