package dev.gatekeeper.dns;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.util.Objects;
import java.util.concurrent.atomic.LongAdder;

/**
 * A bounded cache of answers with an expiry time each, checked against the caller's clock at each
 * lookup. Every SMTP thread asks it several times a message, nearly always for an answer it holds,
 * so a lookup takes no lock: a Caffeine cache bounded by entry count (it keeps what is asked often
 * and recently), its upkeep done on the calling thread. A single lock around the cache, as before,
 * was where fifty sessions on two cores queued behind a thread the scheduler had put aside
 * (benchmarks/profile/cuts.md, seventh round).
 */
final class DnsCache {

    /** What a lookup is cached under: the normalized name and the type. */
    static final class Key {
        final String name;
        final RecordType type;

        Key(String name, RecordType type) {
            this.name = Objects.requireNonNull(name);
            this.type = Objects.requireNonNull(type);
        }

        @Override
        public boolean equals(Object o) {
            if (!(o instanceof Key)) {
                return false;
            }
            Key k = (Key) o;
            return name.equals(k.name) && type == k.type;
        }

        @Override
        public int hashCode() {
            return name.hashCode() * 31 + type.hashCode();
        }

        @Override
        public String toString() {
            return name + "/" + type;
        }
    }

    /** A cached answer and the moment (clock millis) it expires. */
    static final class Cached {
        final DnsAnswer answer;
        final long expiresAtMillis;

        Cached(DnsAnswer answer, long expiresAtMillis) {
            this.answer = answer;
            this.expiresAtMillis = expiresAtMillis;
        }

        /** Whole seconds left at {@code now}, rounded down. */
        long remainingSeconds(long nowMillis) {
            return Math.max(0, (expiresAtMillis - nowMillis) / 1000);
        }
    }

    private final int maxEntries;
    private final Cache<Key, Cached> entries;
    // Adders, not one atomic each: every SMTP thread counts here at every lookup.
    private final LongAdder hits = new LongAdder();
    private final LongAdder misses = new LongAdder();

    DnsCache(int maxEntries) {
        this.maxEntries = maxEntries;
        this.entries = Caffeine.newBuilder().maximumSize(maxEntries).executor(Runnable::run).build();
    }

    /** The live entry for a key, counting a hit or a miss. */
    Cached lookup(Key key, long nowMillis) {
        Cached e = peek(key, nowMillis);
        (e == null ? misses : hits).increment();
        return e;
    }

    /** The live entry for a key, without counting. */
    Cached peek(Key key, long nowMillis) {
        Cached e = entries.getIfPresent(key);
        if (e != null && e.expiresAtMillis <= nowMillis) {
            // Only this expired answer: a fresh one another thread stored meanwhile stays.
            entries.asMap().remove(key, e);
            return null;
        }
        return e;
    }

    /** Caches an answer for {@code ttlSeconds}; a TTL of zero or less caches nothing. */
    void put(Key key, DnsAnswer answer, long ttlSeconds, long nowMillis) {
        if (maxEntries == 0 || ttlSeconds <= 0 || answer.isTempfail()) {
            return;
        }
        entries.put(key, new Cached(answer, nowMillis + ttlSeconds * 1000));
    }

    /** Entries held, once pending evictions are done. */
    int size() {
        entries.cleanUp();
        return (int) entries.estimatedSize();
    }

    DnsCacheStats stats() {
        return new DnsCacheStats(hits.sum(), misses.sum(), size());
    }
}
