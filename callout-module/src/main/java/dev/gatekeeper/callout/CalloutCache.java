package dev.gatekeeper.callout;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Ticker;
import dev.gatekeeper.mail.Mailbox;
import dev.gatekeeper.state.SharedState;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.LongAdder;

/**
 * Remembers outcomes, as Exim's callout cache does, at two levels: per address (accepted,
 * rejected, and optionally a peer's tempfail) and per domain (null MX, no mail host, catch-all,
 * probe refused), each with its own lifetime from {@link CalloutSettings}. Limits reached, invalid
 * addresses and our own failures are never stored: they say nothing about the address.
 *
 * <p>The in-process Caffeine caches always answer first. With a {@link SharedState} (Redis), each
 * outcome this node stores is also written there with the same lifetime, and a local miss asks it,
 * so an answer found by one node serves the others. A shared store that fails is a miss, never an
 * error: the probe then runs as it would without it.
 */
final class CalloutCache {

    private final CalloutSettings settings;
    private final Cache<String, CalloutVerdict> addresses;
    private final Cache<String, CalloutVerdict> domains;
    private final LongAdder hits = new LongAdder();
    private final LongAdder misses = new LongAdder();
    private final SharedState shared;

    CalloutCache(CalloutSettings settings, Ticker ticker) {
        this(settings, ticker, null);
    }

    /** @param shared the store shared with other nodes, or null for this process only */
    CalloutCache(CalloutSettings settings, Ticker ticker, SharedState shared) {
        this.settings = settings;
        this.shared = shared;
        // Maintenance runs on the calling thread: a few map operations, and no dependence on the common pool inside James.
        this.addresses = Caffeine.newBuilder().ticker(ticker).executor(Runnable::run)
                .maximumSize(settings.cacheMaxEntries()).expireAfter(new ByStatus()).build();
        this.domains = Caffeine.newBuilder().ticker(ticker).executor(Runnable::run)
                .maximumSize(settings.cacheMaxEntries()).expireAfter(new ByStatus()).build();
    }

    /** The lifetime of an outcome; zero means "do not store". */
    Duration lifetime(CalloutVerdict o) {
        switch (o.status()) {
            case ACCEPTED:
                return settings.positiveLifetime();
            case REJECTED:
                return settings.negativeLifetime();
            case TEMPFAIL:
                // Only a peer's own 4xx is worth remembering; a timeout or limit is about us, not the address.
                return o.replyCode() != 0 ? settings.tempfailLifetime() : Duration.ZERO;
            case CATCH_ALL:
                return settings.domainPositiveLifetime();
            case NULL_MX:
            case NO_MAIL_HOST:
            case PROBE_REFUSED:
                return settings.domainNegativeLifetime();
            default:
                return Duration.ZERO;
        }
    }

    static boolean isDomainLevel(CalloutResult s) {
        return s == CalloutResult.CATCH_ALL || s == CalloutResult.NULL_MX || s == CalloutResult.NO_MAIL_HOST
                || s == CalloutResult.PROBE_REFUSED;
    }

    /** A remembered outcome for the address or its domain; counts a hit or a miss. */
    Optional<CalloutVerdict> get(Mailbox mailbox) {
        CalloutVerdict o = domains.getIfPresent(mailbox.domain());
        if (o == null) {
            o = addresses.getIfPresent(mailbox.address());
        }
        if (o == null) {
            misses.increment();
            return Optional.empty();
        }
        hits.increment();
        return Optional.of(o.asCached());
    }

    /**
     * Like {@link #get}, asking the shared store after a local miss. Never completes exceptionally;
     * completed at once when there is no shared store.
     */
    CompletionStage<Optional<CalloutVerdict>> lookup(Mailbox mailbox) {
        if (shared == null) {
            return CompletableFuture.completedFuture(get(mailbox));
        }
        Optional<CalloutVerdict> local = peek(mailbox);
        if (local.isPresent()) {
            hits.increment();
            return CompletableFuture.completedFuture(local);
        }
        return shared.get(domainKey(mailbox))
                .thenCompose(d -> d.isPresent() ? CompletableFuture.completedFuture(d) : shared.get(addressKey(mailbox)))
                .handle((v, e) -> {
                    Optional<CalloutVerdict> o = e != null || v.isEmpty() ? Optional.empty() : SharedVerdict.decode(v.get());
                    if (o.isPresent()) {
                        hits.increment();
                        return Optional.of(o.get().asCached());
                    }
                    misses.increment();
                    return Optional.<CalloutVerdict>empty();
                });
    }

    private static String domainKey(Mailbox m) {
        return "callout:domain:" + m.domain();
    }

    private static String addressKey(Mailbox m) {
        return "callout:address:" + m.address();
    }

    /** Like {@link #get} without counting. */
    Optional<CalloutVerdict> peek(Mailbox mailbox) {
        CalloutVerdict o = domains.getIfPresent(mailbox.domain());
        if (o == null) {
            o = addresses.getIfPresent(mailbox.address());
        }
        return o == null ? Optional.empty() : Optional.of(o.asCached());
    }

    void put(Mailbox mailbox, CalloutVerdict outcome) {
        if (lifetime(outcome).isZero()) {
            return;
        }
        CalloutVerdict stored = outcome.withTranscript(java.util.List.of());
        // Kept as the cached verdict itself, so every hit hands out this one object (asCached
        // returns it unchanged) and what a reader derives from it, its reply line, is made once.
        CalloutVerdict hit = stored.asCached();
        if (isDomainLevel(outcome.status())) {
            domains.put(mailbox.domain(), hit);
        } else {
            addresses.put(mailbox.address(), hit);
        }
        if (shared != null) {
            // Fire and forget: the shared store logs its own outages, and the local cache has the answer already.
            shared.put(isDomainLevel(outcome.status()) ? domainKey(mailbox) : addressKey(mailbox),
                    SharedVerdict.encode(stored), lifetime(outcome));
        }
    }

    long hits() {
        return hits.sum();
    }

    long misses() {
        return misses.sum();
    }

    private static long nanos(Duration d) {
        try {
            return d.toNanos();
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE; // beyond 292 years: as good as forever
        }
    }

    private final class ByStatus implements Expiry<String, CalloutVerdict> {
        @Override
        public long expireAfterCreate(String key, CalloutVerdict value, long currentTime) {
            return nanos(lifetime(value));
        }

        @Override
        public long expireAfterUpdate(String key, CalloutVerdict value, long currentTime, long currentDuration) {
            return nanos(lifetime(value));
        }

        @Override
        public long expireAfterRead(String key, CalloutVerdict value, long currentTime, long currentDuration) {
            return currentDuration; // reading does not extend a lifetime: the answer ages the same
        }
    }
}
