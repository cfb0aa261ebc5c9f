package dev.gatekeeper.dns;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A bounded, least-recently-used cache of answers with an expiry time each. One lock guards one
 * {@link LinkedHashMap} in access order: lookups are short and the map small enough for that to
 * stay cheap next to a network round trip.
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
    private final LinkedHashMap<Key, Cached> entries;
    private final AtomicLong hits = new AtomicLong();
    private final AtomicLong misses = new AtomicLong();

    DnsCache(int maxEntries) {
        this.maxEntries = maxEntries;
        this.entries = new LinkedHashMap<>(16, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<Key, Cached> eldest) {
                return size() > DnsCache.this.maxEntries;
            }
        };
    }

    /** The live entry for a key, counting a hit or a miss. */
    Cached lookup(Key key, long nowMillis) {
        Cached e = peek(key, nowMillis);
        (e == null ? misses : hits).incrementAndGet();
        return e;
    }

    /** The live entry for a key, without counting. */
    synchronized Cached peek(Key key, long nowMillis) {
        Cached e = entries.get(key);
        if (e != null && e.expiresAtMillis <= nowMillis) {
            entries.remove(key);
            return null;
        }
        return e;
    }

    /** Caches an answer for {@code ttlSeconds}; a TTL of zero or less caches nothing. */
    void put(Key key, DnsAnswer answer, long ttlSeconds, long nowMillis) {
        if (maxEntries == 0 || ttlSeconds <= 0 || answer.isTempfail()) {
            return;
        }
        Cached e = new Cached(answer, nowMillis + ttlSeconds * 1000);
        synchronized (this) {
            entries.put(key, e);
        }
    }

    synchronized int size() {
        return entries.size();
    }

    DnsCacheStats stats() {
        return new DnsCacheStats(hits.get(), misses.get(), size());
    }
}
