package dev.gatekeeper.state;

import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
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
