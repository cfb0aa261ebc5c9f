package dev.gatekeeper.dns;

/** A snapshot of a resolver cache's counters. */
public final class DnsCacheStats {

    private final long hits;
    private final long misses;
    private final int size;

    DnsCacheStats(long hits, long misses, int size) {
        this.hits = hits;
        this.misses = misses;
        this.size = size;
    }

    /** Lookups answered from the cache. */
    public long hits() {
        return hits;
    }

    /** Lookups the cache could not answer (they joined a query in flight or sent one). */
    public long misses() {
        return misses;
    }

    /** Answers held now (expired ones leave when next asked for or when evicted). */
    public int size() {
        return size;
    }

    @Override
    public String toString() {
        return "DnsCacheStats{hits=" + hits + ", misses=" + misses + ", size=" + size + "}";
    }
}
