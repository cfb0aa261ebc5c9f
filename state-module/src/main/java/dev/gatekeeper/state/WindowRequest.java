package dev.gatekeeper.state;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * One event to count against a limit over a sliding window. Immutable.
 *
 * <p>The window is approximated with two fixed buckets of the window's length (the current one
 * and the one before it): the rate is {@code previous × (part of the previous bucket still inside
 * the window) + current}. Two numbers per counter, one atomic step in Redis, and an error that
 * stays small for steady senders; see {@code README-state.md}.
 *
 * <p>Leaky (the default, as Exim's {@code ratelimit}): an event over the limit is refused and not
 * counted, so a sender who waits gets through again. Strict: every event counts, refused or not,
 * so a sender who keeps trying stays over the limit. Read-only: nothing is counted, only compared.
 */
public final class WindowRequest {

    private final long amount;
    private final long limit;
    private final Duration window;
    private final Instant now;
    private final boolean strict;
    private final boolean update;

    private WindowRequest(long amount, long limit, Duration window, Instant now, boolean strict, boolean update) {
        if (amount < 0 || limit < 0) {
            throw new IllegalArgumentException("amount and limit are not negative: " + amount + ", " + limit);
        }
        if (window.toMillis() < 1) {
            throw new IllegalArgumentException("window must be at least 1 ms: " + window);
        }
        this.amount = amount;
        this.limit = limit;
        this.window = window;
        this.now = Objects.requireNonNull(now, "now");
        this.strict = strict;
        this.update = update;
    }

    /** A leaky, updating request. */
    public static WindowRequest of(long amount, long limit, Duration window, Instant now) {
        return new WindowRequest(amount, limit, window, now, false, true);
    }

    /** The same request, counting the event even when it is over the limit. */
    public WindowRequest strict() {
        return new WindowRequest(amount, limit, window, now, true, update);
    }

    /** The same request, counting nothing (Exim's {@code /noupdate}). */
    public WindowRequest readOnly() {
        return new WindowRequest(amount, limit, window, now, strict, false);
    }

    public long amount() {
        return amount;
    }

    public long limit() {
        return limit;
    }

    public Duration window() {
        return window;
    }

    public Instant now() {
        return now;
    }

    public boolean isStrict() {
        return strict;
    }

    public boolean updates() {
        return update;
    }

    long windowMillis() {
        return window.toMillis();
    }

    /** The number of the fixed bucket {@code now} falls in. */
    long bucket() {
        return Math.floorDiv(now.toEpochMilli(), windowMillis());
    }

    long elapsedInBucket() {
        return now.toEpochMilli() - bucket() * windowMillis();
    }

    /** The part of the previous bucket still inside the sliding window, from 1 down to just above 0. */
    double previousWeight() {
        return (double) (windowMillis() - elapsedInBucket()) / windowMillis();
    }

    /** Whether counting this event would pass the limit, given the buckets before it. */
    boolean wouldExceed(long previous, long current) {
        return previous * previousWeight() + current + amount > limit;
    }

    /** How long the store keeps a bucket: it is the previous bucket during the whole next window. */
    Duration bucketLifetime() {
        return window.multipliedBy(2);
    }

    @Override
    public String toString() {
        return amount + " against " + limit + " per " + window + (strict ? " strict" : "") + (update ? "" : " read-only");
    }
}
