package dev.gatekeeper.reputation;

import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * What {@link Greylist#check} decided for one recipient: a closed {@link Result} with its
 * {@link Reason}, the wait left for a deferral, the wait done for a first pass. Immutable.
 */
public final class GreylistDecision {

    /** The outcome the caller maps to a reply. */
    public enum Result {
        /** Accept: the triplet was seen long enough ago. */
        PASS,
        /** Answer 450 4.7.1 with {@link #retryAfter()} in the text (RFC 5321 §4.2.5: a transient reply). */
        DEFER,
        /** Accept without greylisting: an auto-allowlisted client or an exempt recipient. */
        PASS_ALLOWLISTED,
        /** The state store did not answer: the caller applies its {@code on-failure} (accept or tempfail, never 5xx). */
        STATE_UNAVAILABLE
    }

    /** Why. */
    public enum Reason {
        /** A triplet never seen (or forgotten: expired). */
        NEW_TRIPLET,
        /** Seen before, but the delay has not passed yet. */
        EARLY_RETRY,
        /**
         * Seen before, but the first retry came after the retry window: started over. Usually the
         * entry has expired by then and the reason is {@link #NEW_TRIPLET}; this one shows when it
         * outlived the window (the writing node's clock behind this node's).
         */
        RETRY_WINDOW_EXPIRED,
        /** The first retry after the delay: what greylisting waited for ({@link #waited()} says how long). */
        RETRIED_AFTER_DELAY,
        /** A triplet that passed before. */
        KNOWN_TRIPLET,
        /** The client address passed greylisting often enough to be allowlisted. */
        AUTO_ALLOWLISTED_CLIENT,
        /** The recipient's local part is exempt (postmaster, abuse). */
        EXEMPT_RECIPIENT,
        /** The store failed; {@link #detail()} says how. */
        STATE_FAILURE
    }

    private final Result result;
    private final Reason reason;
    private final Duration retryAfter;
    private final Duration waited;
    private final String detail;

    private GreylistDecision(Result result, Reason reason, Duration retryAfter, Duration waited, String detail) {
        this.result = result;
        this.reason = reason;
        this.retryAfter = retryAfter;
        this.waited = waited;
        this.detail = detail;
    }

    static GreylistDecision defer(Reason reason, Duration retryAfter) {
        return new GreylistDecision(Result.DEFER, reason, retryAfter, Duration.ZERO, "");
    }

    static GreylistDecision pass(Reason reason, Duration waited) {
        return new GreylistDecision(Result.PASS, reason, Duration.ZERO, waited, "");
    }

    static GreylistDecision allowlisted(Reason reason) {
        return new GreylistDecision(Result.PASS_ALLOWLISTED, reason, Duration.ZERO, Duration.ZERO, "");
    }

    static GreylistDecision unavailable(String detail) {
        return new GreylistDecision(Result.STATE_UNAVAILABLE, Reason.STATE_FAILURE, Duration.ZERO, Duration.ZERO,
                Objects.requireNonNull(detail, "detail"));
    }

    public Result result() {
        return result;
    }

    public Reason reason() {
        return reason;
    }

    /** Whether the mail goes on (PASS or PASS_ALLOWLISTED). */
    public boolean passes() {
        return result == Result.PASS || result == Result.PASS_ALLOWLISTED;
    }

    /** For DEFER: the time left until a retry passes; zero otherwise. */
    public Duration retryAfter() {
        return retryAfter;
    }

    /** {@link #retryAfter()} in whole seconds, rounded up: the {@code ${retry_after}} of a reply text. */
    public long retryAfterSeconds() {
        long ms = retryAfter.toMillis();
        return (ms + 999) / 1000;
    }

    /** For {@link Reason#RETRIED_AFTER_DELAY}: how long since the first attempt (postgrey's {@code X-Greylist: delayed N seconds}); zero otherwise. */
    public Duration waited() {
        return waited;
    }

    /** For STATE_UNAVAILABLE: what failed; empty otherwise. */
    public String detail() {
        return detail;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof GreylistDecision)) {
            return false;
        }
        GreylistDecision d = (GreylistDecision) o;
        return result == d.result && reason == d.reason && retryAfter.equals(d.retryAfter) && waited.equals(d.waited)
                && detail.equals(d.detail);
    }

    @Override
    public int hashCode() {
        return Objects.hash(result, reason, retryAfter, waited, detail);
    }

    /** {@code defer (early-retry, 120 s left)}, {@code pass (retried-after-delay, waited 360 s)}. */
    @Override
    public String toString() {
        String r = result.name().toLowerCase(Locale.ROOT).replace('_', '-');
        String why = reason.name().toLowerCase(Locale.ROOT).replace('_', '-');
        switch (result) {
            case DEFER:
                return r + " (" + why + ", " + retryAfterSeconds() + " s left)";
            case STATE_UNAVAILABLE:
                return r + " (" + detail + ")";
            default:
                return r + " (" + why + (waited.isZero() ? "" : ", waited " + waited.toSeconds() + " s") + ")";
        }
    }
}
