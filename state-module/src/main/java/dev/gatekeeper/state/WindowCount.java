package dev.gatekeeper.state;

import java.time.Duration;

/** What a {@link SharedState#count} saw and did. Immutable. */
public final class WindowCount {

    private final WindowRequest request;
    private final long previous;
    private final long current;
    private final boolean added;
    private final boolean exceeded;

    WindowCount(WindowRequest request, long previous, long current, boolean added, boolean exceeded) {
        this.request = request;
        this.previous = previous;
        this.current = current;
        this.added = added;
        this.exceeded = exceeded;
    }

    /** Whether the event passes the limit (it is then over the rate and should be refused or deferred). */
    public boolean exceeded() {
        return exceeded;
    }

    /** Whether the event was counted. */
    public boolean added() {
        return added;
    }

    /** The previous bucket's count. */
    public long previous() {
        return previous;
    }

    /** The current bucket's count, this event included when it was added. */
    public long current() {
        return current;
    }

    /** The sliding-window rate after this event: what the limit is compared with. */
    public double rate() {
        return previous * request.previousWeight() + current + (added ? 0 : request.amount());
    }

    /**
     * How long the sender should wait, with no more events, before the same event fits under the
     * limit again; zero when it fits now. Rounded up to whole seconds, at least one second when
     * over. An event larger than the limit itself never fits: two windows.
     */
    public Duration retryAfter() {
        if (!exceeded) {
            return Duration.ZERO;
        }
        long w = request.windowMillis();
        long amount = request.amount();
        long limit = request.limit();
        long bucketStart = request.bucket() * w;
        long nowMs = request.now().toEpochMilli();
        long roomNow = limit - amount - current;
        long at;
        if (roomNow >= 0 && previous > 0) {
            // Still in this bucket: wait until previous × (w - elapsed) / w <= room.
            at = bucketStart + ceilDiv((previous - roomNow) * w, previous);
        } else if (limit - amount < 0) {
            return seconds(2 * w);
        } else {
            // Next bucket: the current count becomes the previous one and slides out the same way.
            long roomNext = limit - amount;
            at = bucketStart + w + (current == 0 ? 0 : ceilDiv((current - roomNext) * w, current));
        }
        return seconds(Math.max(at - nowMs, 1));
    }

    private static long ceilDiv(long a, long b) {
        return -Math.floorDiv(-a, b);
    }

    private static Duration seconds(long millis) {
        return Duration.ofSeconds(Math.max(1, (millis + 999) / 1000));
    }

    @Override
    public String toString() {
        return String.format(java.util.Locale.ROOT, "rate %.1f of %d%s", rate(), request.limit(), exceeded ? " (over)" : "");
    }
}
