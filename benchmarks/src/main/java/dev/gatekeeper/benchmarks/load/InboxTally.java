package dev.gatekeeper.benchmarks.load;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The recipients' INBOXes of a run in which each receives one message, as smtp-source's numbered
 * recipients do (message {@code n} of a run to mailbox {@code n}). Each look asks WebAdmin only
 * about the INBOXes still empty, a few at a time; after the count, {@link #emptyAll} deletes them,
 * so that every run delivers into empty mailboxes. James's memory mailboxes cost more to deliver
 * into as they fill: left to grow, the James that had run more warm-up runs delivered each message
 * dearer, whatever its hooks did.
 *
 * <p>A run is complete when every INBOX holds a message, not when their sum reaches the run's
 * size: one INBOX holding two would otherwise end the wait while another's message is still on its
 * way, and the deletion that follows would take it. A surplus is counted apart ({@link #surplus}).
 */
final class InboxTally implements AutoCloseable {

    /** WebAdmin requests in flight at once: enough to hide a request's round trip, few for two cores. */
    static final int PARALLEL_REQUESTS = 4;

    /** The recipients' mailboxes, asked of James. */
    interface Inboxes {
        /** Messages in the INBOX. */
        long count(String mailbox) throws IOException;

        /** Deletes the user's mailboxes with their messages. */
        void empty(String mailbox) throws IOException;
    }

    private final Inboxes inboxes;
    private final List<String> mailboxes;
    private final long[] seen;
    private final ExecutorService askers;

    InboxTally(Inboxes inboxes, List<String> mailboxes) {
        this.inboxes = inboxes;
        this.mailboxes = List.copyOf(mailboxes);
        this.seen = new long[mailboxes.size()];
        this.askers = Executors.newFixedThreadPool(PARALLEL_REQUESTS, r -> {
            Thread t = new Thread(r, "inbox-tally");
            t.setDaemon(true);
            return t;
        });
    }

    /** Asks again every INBOX not yet seen holding a message and answers how many hold one or more. */
    long filled() throws IOException, InterruptedException {
        List<Integer> asked = new ArrayList<>();
        List<Callable<Long>> questions = new ArrayList<>();
        for (int i = 0; i < seen.length; i++) {
            if (seen[i] == 0) {
                String mailbox = mailboxes.get(i);
                asked.add(i);
                questions.add(() -> inboxes.count(mailbox));
            }
        }
        List<Long> answers = all(questions);
        for (int k = 0; k < answers.size(); k++) {
            seen[asked.get(k)] = answers.get(k);
        }
        long filled = 0;
        for (long n : seen) {
            filled += n > 0 ? 1 : 0;
        }
        return filled;
    }

    /** Messages beyond one an INBOX, as last seen. */
    long surplus() {
        long surplus = 0;
        for (long n : seen) {
            surplus += Math.max(0, n - 1);
        }
        return surplus;
    }

    /** Deletes every recipient's mailboxes; the next run's look starts from nothing. */
    void emptyAll() throws IOException, InterruptedException {
        List<Callable<Long>> deletions = new ArrayList<>();
        for (String mailbox : mailboxes) {
            deletions.add(() -> {
                inboxes.empty(mailbox);
                return 0L;
            });
        }
        all(deletions);
        Arrays.fill(seen, 0);
    }

    private List<Long> all(List<Callable<Long>> calls) throws IOException, InterruptedException {
        List<Future<Long>> futures = new ArrayList<>();
        for (Callable<Long> c : calls) {
            futures.add(askers.submit(c));
        }
        List<Long> answers = new ArrayList<>();
        for (Future<Long> f : futures) {
            try {
                answers.add(f.get());
            } catch (ExecutionException e) {
                futures.forEach(other -> other.cancel(true));
                throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
            }
        }
        return answers;
    }

    @Override
    public void close() {
        askers.shutdownNow();
    }
}
