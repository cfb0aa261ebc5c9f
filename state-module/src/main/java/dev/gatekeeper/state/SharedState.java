package dev.gatekeeper.state;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The state Gatekeeper keeps beyond one SMTP session: sliding-window counters for rate limits and
 * entries with a lifetime for the callout cache. Kept in this process ({@link #local}) or shared
 * by every James node through Redis ({@link #open} with {@code store=redis}).
 *
 * <p>Every operation is asynchronous and never blocks the caller for longer than the store's
 * command timeout. A stage completed exceptionally (with {@link StateUnavailableException}) means
 * the store could not answer; callers decide what that means for a mail (a rate limit is then not
 * enforced, or answered with a temporary failure; a cache lookup is a miss). Thread-safe.
 */
public interface SharedState extends AutoCloseable {

    /**
     * Adds {@code request.amount()} to a counter's current window bucket, atomically with the
     * decision whether that passes the limit (see {@link WindowRequest} for when the amount is
     * added). Two nodes that count the same counter at once never lose an update.
     *
     * @param counter the counter's name, without the store's key prefix
     */
    CompletionStage<WindowCount> count(String counter, WindowRequest request);

    /** The value stored under {@code key}, if any and still alive. */
    CompletionStage<Optional<String>> get(String key);

    /** Stores a value for {@code lifetime} (positive), replacing any earlier one. */
    CompletionStage<Void> put(String key, String value, Duration lifetime);

    /**
     * Adds {@code amount} to one field of a tally: a named set of counters that live and die
     * together (in Redis, one hash). Every call gives the whole tally {@code lifetime} again, so
     * it lives that long after its last update. A tally holds at most {@code maxFields} fields: a
     * field not yet in a full tally is not added, and the stage answers {@code false}; otherwise
     * {@code true}. Atomic, as {@link #count} is: two nodes adding at once never lose an update.
     * The stores here implement it; a store that does not fails the stage with
     * {@link StateUnavailableException}.
     *
     * @param key the tally's name, without the store's key prefix
     */
    default CompletionStage<Boolean> tally(String key, String field, long amount, Duration lifetime, int maxFields) {
        return CompletableFuture.failedFuture(new StateUnavailableException(describe() + " keeps no tallies", null));
    }

    /** Every field of a tally with its count; empty when there is none (or it expired). */
    default CompletionStage<Map<String, Long>> tallies(String key) {
        return CompletableFuture.failedFuture(new StateUnavailableException(describe() + " keeps no tallies", null));
    }

    /** For logs and traces: {@code in-process} or {@code redis 127.0.0.1:6379}. */
    String describe();

    /** Releases connections and threads; further calls fail. */
    @Override
    void close();

    /** The in-process state: counters and entries live in this JVM only (the default). */
    static SharedState local(Clock clock, int maxEntries) {
        return new LocalState(clock, maxEntries);
    }

    /** The state the settings ask for: in-process, or Redis with its fallback. */
    static SharedState open(StateSettings settings, Clock clock) {
        if (settings.store() == StateSettings.Store.LOCAL) {
            return local(clock, settings.localMaxEntries());
        }
        SharedState fallback = settings.fallback() == StateSettings.Fallback.LOCAL
                ? local(clock, settings.localMaxEntries()) : null;
        return new FailoverState(new RedisState(settings), fallback, clock, settings.retryInterval());
    }
}
