package dev.gatekeeper.callout;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The limits that keep a callout engine from hammering a third party: probes in flight per target
 * domain, probes started per minute overall, and per SMTP client address. Time comes from a
 * {@link Ticker}, so tests move it by hand.
 */
final class ProbeLimits {

    static final long WINDOW_NANOS = TimeUnit.MINUTES.toNanos(1);

    /** A permit: release it when the probe ends, whatever the outcome. */
    interface Permit extends AutoCloseable {
        @Override
        void close();
    }

    private final CalloutSettings settings;
    private final Ticker ticker;
    private final ConcurrentHashMap<String, Integer> inFlight = new ConcurrentHashMap<>();
    private final SlidingWindow global;
    private final Cache<InetAddress, SlidingWindow> perClient;

    ProbeLimits(CalloutSettings settings, Ticker ticker) {
        this.settings = settings;
        this.ticker = ticker;
        this.global = new SlidingWindow(settings.maxProbesPerMinute());
        // A client idle for a whole window has no history worth keeping; the bound caps a flood of clients.
        this.perClient = Caffeine.newBuilder()
                .ticker(ticker)
                .expireAfterAccess(Duration.ofNanos(WINDOW_NANOS))
                .maximumSize(100_000)
                .build();
    }

    /**
     * Takes a permit for one probe, or says which limit is reached. Nothing is consumed when a
     * limit refuses.
     *
     * @param client the SMTP client on whose behalf we probe; null when there is none (command line)
     */
    Result acquire(String domain, InetAddress client) {
        int max = settings.maxConcurrentProbesPerDomain();
        boolean[] got = new boolean[1];
        inFlight.compute(domain, (d, n) -> {
            int current = n == null ? 0 : n;
            if (current >= max) {
                return n;
            }
            got[0] = true;
            return current + 1;
        });
        if (!got[0]) {
            return Result.refused("limit of " + max + " concurrent probes to " + domain + " reached");
        }
        long now = ticker.read();
        if (!global.tryAcquire(now)) {
            releaseDomain(domain);
            return Result.refused("limit of " + settings.maxProbesPerMinute() + " probes per minute reached");
        }
        if (client != null) {
            SlidingWindow w = perClient.get(client, c -> new SlidingWindow(settings.maxProbesPerMinutePerClient()));
            if (!w.tryAcquire(now)) {
                global.refund();
                releaseDomain(domain);
                return Result.refused("limit of " + settings.maxProbesPerMinutePerClient()
                        + " probes per minute for client " + client.getHostAddress() + " reached");
            }
        }
        return Result.granted(() -> releaseDomain(domain));
    }

    private void releaseDomain(String domain) {
        inFlight.computeIfPresent(domain, (d, n) -> n <= 1 ? null : n - 1);
    }

    /** Probes in flight to a domain now (for tests). */
    int inFlight(String domain) {
        return inFlight.getOrDefault(domain, 0);
    }

    /** A permit or the reason for none. */
    static final class Result {
        private final Permit permit;
        private final String refusal;

        private Result(Permit permit, String refusal) {
            this.permit = permit;
            this.refusal = refusal;
        }

        static Result granted(Permit permit) {
            return new Result(permit, null);
        }

        static Result refused(String why) {
            return new Result(null, why);
        }

        Optional<Permit> permit() {
            return Optional.ofNullable(permit);
        }

        String refusal() {
            return refusal;
        }
    }

    /** The start times of the probes of the last minute; holds at most {@code limit} of them. */
    static final class SlidingWindow {
        private final int limit;
        private final ArrayDeque<Long> starts = new ArrayDeque<>();

        SlidingWindow(int limit) {
            this.limit = limit;
        }

        synchronized boolean tryAcquire(long now) {
            while (!starts.isEmpty() && now - starts.peekFirst() >= WINDOW_NANOS) {
                starts.pollFirst();
            }
            if (starts.size() >= limit) {
                return false;
            }
            starts.addLast(now);
            return true;
        }

        synchronized void refund() {
            starts.pollLast();
        }
    }
}
