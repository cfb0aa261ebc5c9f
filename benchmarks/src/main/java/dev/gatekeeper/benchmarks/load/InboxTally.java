package dev.gatekeeper.benchmarks.load;

import dev.gatekeeper.sandbox.JamesSandbox;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The recipients' INBOXes of a load driver, counted through WebAdmin a few requests at a time.
 * {@link #emptyAll} first, then after each run: the count, then {@link #emptyAll} again.
 *
 * <p>A run's count knows what each INBOX should hold ({@link #oneEach}, {@link #expected}); each
 * look asks again only the INBOXes still short of it, and the run is complete when every INBOX
 * holds what it should, not when the sum of all reaches the run's size: one INBOX holding more
 * would otherwise end the wait while another's message is still on its way, and the deletion that
 * follows would take it. A surplus is counted apart ({@link #surplus}).
 *
 * <p>After the count, {@link #emptyAll} deletes the mailboxes and creates each INBOX again, so
 * that every run delivers into empty ones. James's memory mailboxes cost more to deliver into as
 * they fill: left to grow, the James that had run more warm-up runs delivered each message
 * dearer, whatever its hooks did.
 */
public final class InboxTally implements AutoCloseable {

    /** WebAdmin requests in flight at once: enough to hide a request's round trip, few for two cores. */
    static final int PARALLEL_REQUESTS = 4;

    /** The recipients' mailboxes, asked of James. */
    interface Inboxes {
        /** Messages in the INBOX. */
        long count(String mailbox) throws IOException;

        /** Leaves the user one empty INBOX, ready for the next run's delivery. */
        void empty(String mailbox) throws IOException;

        /** What James lists of the user's mailboxes, for a report. */
        default String listing(String mailbox) throws IOException {
            return "not listed";
        }
    }

    /** The most INBOXes a shortfall report names. */
    static final int MOST_REPORTED = 10;

    private final Inboxes inboxes;
    private final List<String> mailboxes;
    private final Map<String, Integer> index = new HashMap<>();
    private final long[] seen;
    private final ExecutorService askers;

    InboxTally(Inboxes inboxes, List<String> mailboxes) {
        this.inboxes = inboxes;
        this.mailboxes = List.copyOf(mailboxes);
        for (int i = 0; i < this.mailboxes.size(); i++) {
            index.put(this.mailboxes.get(i), i);
        }
        this.seen = new long[mailboxes.size()];
        this.askers = Executors.newFixedThreadPool(PARALLEL_REQUESTS, r -> {
            Thread t = new Thread(r, "inbox-tally");
            t.setDaemon(true);
            return t;
        });
    }

    /** The INBOXes of {@code mailboxes} in {@code james}, asked through its WebAdmin. */
    public static InboxTally of(JamesSandbox james, List<String> mailboxes) {
        return new InboxTally(new Inboxes() {
            @Override
            public long count(String mailbox) throws IOException {
                return james.inboxMessageCount(mailbox);
            }

            /*
             * Deleted, created again and counted once, before any delivery. James's memory
             * mailboxes (3.8.1 and 3.9.0) make a mailbox's message index on its first use
             * without a lock: a count racing the first delivery into a new INBOX can put an
             * empty index in place of the one the delivery wrote to, and that message is never
             * found again (plain James 3.9.0 lost one or two so in 3 runs of 17). Made
             * here, the index is there before the run, and a run delivers into INBOXes that
             * exist, as an MX's do.
             */
            @Override
            public void empty(String mailbox) throws IOException {
                james.deleteMailboxes(mailbox);
                james.createInbox(mailbox);
                long left = james.inboxMessageCount(mailbox);
                if (left != 0) {
                    throw new IOException("the INBOX of " + mailbox + " holds " + left + " messages once emptied");
                }
            }

            @Override
            public String listing(String mailbox) throws IOException {
                return james.mailboxListing(mailbox);
            }
        }, mailboxes);
    }

    /** A run that sends one message to each INBOX, as smtp-source's numbered recipients do. */
    long[] oneEach() {
        long[] one = new long[seen.length];
        Arrays.fill(one, 1);
        return one;
    }

    /** A run whose accepted messages went to these recipients, this many each. */
    long[] expected(Map<String, Integer> acceptedByRecipient) {
        long[] expected = new long[seen.length];
        acceptedByRecipient.forEach((recipient, n) -> {
            Integer i = index.get(recipient);
            if (i == null) {
                throw new IllegalArgumentException(recipient + " is not one of the counted mailboxes");
            }
            expected[i] += n;
        });
        return expected;
    }

    /**
     * Asks again every INBOX last seen holding fewer messages than {@code expected} gives it, and
     * answers the run's messages found: each INBOX counted up to what it should hold.
     */
    long delivered(long[] expected) throws IOException, InterruptedException {
        List<Integer> asked = new ArrayList<>();
        List<Callable<Long>> questions = new ArrayList<>();
        for (int i = 0; i < seen.length; i++) {
            if (seen[i] < expected[i]) {
                String mailbox = mailboxes.get(i);
                asked.add(i);
                questions.add(() -> inboxes.count(mailbox));
            }
        }
        List<Long> answers = all(questions);
        for (int k = 0; k < answers.size(); k++) {
            seen[asked.get(k)] = answers.get(k);
        }
        long found = 0;
        for (int i = 0; i < seen.length; i++) {
            found += Math.min(seen[i], expected[i]);
        }
        return found;
    }

    /** Messages beyond what {@code expected} gives each INBOX, as last seen. */
    long surplus(long[] expected) {
        long surplus = 0;
        for (int i = 0; i < seen.length; i++) {
            surplus += Math.max(0, seen[i] - expected[i]);
        }
        return surplus;
    }

    /**
     * The INBOXes last seen holding fewer messages than {@code expected} gives them (at most
     * {@link #MOST_REPORTED}), each asked again and listed with its user's mailboxes: whether the
     * INBOX is there and empty, or gone.
     */
    List<String> shortfall(long[] expected) throws IOException {
        List<String> report = new ArrayList<>();
        for (int i = 0; i < seen.length && report.size() < MOST_REPORTED; i++) {
            if (seen[i] < expected[i]) {
                String mailbox = mailboxes.get(i);
                report.add(mailbox + ": expected " + expected[i] + ", INBOX holds " + inboxes.count(mailbox)
                        + ", mailboxes " + inboxes.listing(mailbox));
            }
        }
        return report;
    }

    /** Every INBOX asked anew, their messages summed: for a driver that does not know where each message went. */
    public long total() throws IOException, InterruptedException {
        List<Callable<Long>> questions = new ArrayList<>();
        for (String mailbox : mailboxes) {
            questions.add(() -> inboxes.count(mailbox));
        }
        return all(questions).stream().mapToLong(Long::longValue).sum();
    }

    /** Leaves every recipient one empty INBOX; the next run's look starts from nothing. */
    public void emptyAll() throws IOException, InterruptedException {
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
