package dev.gatekeeper.state;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A remote state with what to do while it does not answer. The first failure opens an outage,
 * logged once; during it, operations go straight to the fallback (in-process state, or a failure)
 * without waiting for Redis, except one every retry interval, which tries Redis again. The first
 * success after an outage closes it, logged once too. A mail never waits for more than one
 * command timeout, and the log gets two lines per outage, not one per mail.
 */
final class FailoverState implements SharedState {

    private static final Logger LOG = LoggerFactory.getLogger(FailoverState.class);

    private final SharedState primary;
    private final SharedState fallback;
    private final Clock clock;
    private final long retryMillis;
    /** Epoch millis of the next retry during an outage; Long.MIN_VALUE when Redis is up. */
    private final AtomicLong nextTry = new AtomicLong(Long.MIN_VALUE);
    private final AtomicLong outageStart = new AtomicLong();
    private final AtomicLong fallbackOps = new AtomicLong();

    /** @param fallback null to fail operations during an outage */
    FailoverState(SharedState primary, SharedState fallback, Clock clock, Duration retryInterval) {
        this.primary = primary;
        this.fallback = fallback;
        this.clock = clock;
        this.retryMillis = retryInterval.toMillis();
    }

    @Override
    public CompletionStage<WindowCount> count(String counter, WindowRequest request) {
        return call(s -> s.count(counter, request));
    }

    @Override
    public CompletionStage<Optional<String>> get(String key) {
        return call(s -> s.get(key));
    }

    @Override
    public CompletionStage<Void> put(String key, String value, Duration lifetime) {
        return call(s -> s.put(key, value, lifetime));
    }

    @Override
    public CompletionStage<Boolean> tally(String key, String field, long amount, Duration lifetime, int maxFields) {
        return call(s -> s.tally(key, field, amount, lifetime, maxFields));
    }

    @Override
    public CompletionStage<Map<String, Long>> tallies(String key) {
        return call(s -> s.tallies(key));
    }

    /** Whether an outage is open (the last try of the remote state failed). */
    boolean inOutage() {
        return nextTry.get() != Long.MIN_VALUE;
    }

    private <T> CompletionStage<T> call(Function<SharedState, CompletionStage<T>> op) {
        long next = nextTry.get();
        if (next != Long.MIN_VALUE) {
            long now = clock.millis();
            // Only the caller that moves the retry time forward tries Redis; the others do not wait for it.
            if (now < next || !nextTry.compareAndSet(next, now + retryMillis)) {
                return degraded(op, null);
            }
        }
        CompletionStage<T> attempt;
        try {
            attempt = op.apply(primary);
        } catch (RuntimeException e) {
            attempt = CompletableFuture.failedFuture(e);
        }
        return attempt.handle((v, e) -> {
            if (e == null) {
                recovered();
                return CompletableFuture.completedFuture(v);
            }
            Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
            failed(cause);
            return degraded(op, cause);
        }).thenCompose(Function.identity());
    }

    private <T> CompletionStage<T> degraded(Function<SharedState, CompletionStage<T>> op, Throwable cause) {
        fallbackOps.incrementAndGet();
        if (fallback != null) {
            return op.apply(fallback);
        }
        return CompletableFuture.failedFuture(cause instanceof StateUnavailableException ? cause
                : new StateUnavailableException(primary.describe() + " unavailable (outage since "
                        + java.time.Instant.ofEpochMilli(outageStart.get()) + ")", cause));
    }

    private void failed(Throwable cause) {
        long now = clock.millis();
        long before = nextTry.getAndUpdate(n -> n == Long.MIN_VALUE ? now + retryMillis : n);
        if (before == Long.MIN_VALUE) {
            outageStart.set(now);
            fallbackOps.set(0);
            LOG.warn("shared state: {} is not answering ({}); {} until it answers again (tried every {} ms)",
                    primary.describe(), cause.getMessage(),
                    fallback != null ? "counting and caching in this process" : "rate limits and the shared callout cache fail",
                    retryMillis);
        }
    }

    private void recovered() {
        long before = nextTry.getAndSet(Long.MIN_VALUE);
        if (before != Long.MIN_VALUE) {
            LOG.warn("shared state: {} answers again after {} ms; {} operations used the fallback meanwhile",
                    primary.describe(), clock.millis() - outageStart.get(), fallbackOps.get());
        }
    }

    @Override
    public String describe() {
        return primary.describe() + (fallback != null ? " (fallback in-process)" : " (fallback fail)");
    }

    @Override
    public void close() {
        primary.close();
        if (fallback != null) {
            fallback.close();
        }
    }
}
