package dev.gatekeeper.state;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

/**
 * State in this JVM: two bounded Caffeine caches whose entries expire by the injected clock.
 * Counting takes one lock for the read, the decision and the update together: a few map
 * operations, far below anything an SMTP session waits for.
 */
final class LocalState implements SharedState {

    private final Cache<String, Timed<long[]>> counters;
    private final Cache<String, Timed<String>> entries;
    private final Cache<String, Timed<Map<String, Long>>> tallies;
    private final Object countLock = new Object();

    LocalState(Clock clock, int maxEntries) {
        Objects.requireNonNull(clock, "clock");
        // Caffeine reads nanoseconds; the injected clock keeps tests in control of every expiry.
        this.counters = Caffeine.newBuilder().ticker(() -> clock.millis() * 1_000_000L).executor(Runnable::run)
                .maximumSize(maxEntries).expireAfter(new ByLifetime<long[]>()).build();
        this.entries = Caffeine.newBuilder().ticker(() -> clock.millis() * 1_000_000L).executor(Runnable::run)
                .maximumSize(maxEntries).expireAfter(new ByLifetime<String>()).build();
        this.tallies = Caffeine.newBuilder().ticker(() -> clock.millis() * 1_000_000L).executor(Runnable::run)
                .maximumSize(maxEntries).expireAfter(new ByLifetime<Map<String, Long>>()).build();
    }

    @Override
    public CompletionStage<WindowCount> count(String counter, WindowRequest request) {
        String current = counter + ":" + request.bucket();
        String previous = counter + ":" + (request.bucket() - 1);
        synchronized (countLock) {
            Timed<long[]> p = counters.getIfPresent(previous);
            Timed<long[]> c = counters.getIfPresent(current);
            long prev = p == null ? 0 : p.value[0];
            long cur = c == null ? 0 : c.value[0];
            boolean exceeded = request.wouldExceed(prev, cur);
            boolean add = request.updates() && (!exceeded || request.isStrict());
            if (add) {
                cur += request.amount();
                if (c == null) {
                    counters.put(current, new Timed<>(new long[] {cur}, request.bucketLifetime()));
                } else {
                    c.value[0] = cur; // the entry keeps the lifetime it got when the bucket opened
                }
            }
            return CompletableFuture.completedFuture(new WindowCount(request, prev, cur, add, exceeded));
        }
    }

    @Override
    public CompletionStage<Optional<String>> get(String key) {
        Timed<String> t = entries.getIfPresent(key);
        return CompletableFuture.completedFuture(t == null ? Optional.empty() : Optional.of(t.value));
    }

    @Override
    public CompletionStage<Void> put(String key, String value, Duration lifetime) {
        if (lifetime.isNegative() || lifetime.isZero()) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("lifetime must be positive: " + lifetime));
        }
        entries.put(key, new Timed<>(value, lifetime));
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletionStage<Boolean> tally(String key, String field, long amount, Duration lifetime, int maxFields) {
        if (lifetime.isNegative() || lifetime.isZero()) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("lifetime must be positive: " + lifetime));
        }
        boolean[] added = new boolean[1];
        // compute() is an update: the tally gets its lifetime again, as PEXPIRE gives it in Redis.
        tallies.asMap().compute(key, (k, old) -> {
            Map<String, Long> fields = old == null ? new ConcurrentHashMap<>() : old.value;
            if (fields.containsKey(field) || fields.size() < maxFields) {
                fields.merge(field, amount, Long::sum);
                added[0] = true;
            }
            return new Timed<>(fields, lifetime);
        });
        return CompletableFuture.completedFuture(added[0]);
    }

    @Override
    public CompletionStage<Map<String, Long>> tallies(String key) {
        Timed<Map<String, Long>> t = tallies.getIfPresent(key);
        return CompletableFuture.completedFuture(t == null ? Map.of() : Map.copyOf(t.value));
    }

    @Override
    public String describe() {
        return "in-process";
    }

    @Override
    public void close() {
        counters.invalidateAll();
        entries.invalidateAll();
        tallies.invalidateAll();
    }

    private static final class Timed<T> {
        final T value;
        final long lifetimeNanos;

        Timed(T value, Duration lifetime) {
            this.value = value;
            long n;
            try {
                n = lifetime.toNanos();
            } catch (ArithmeticException e) {
                n = Long.MAX_VALUE; // beyond 292 years: as good as forever
            }
            this.lifetimeNanos = n;
        }
    }

    private static final class ByLifetime<T> implements Expiry<String, Timed<T>> {
        @Override
        public long expireAfterCreate(String key, Timed<T> value, long currentTime) {
            return value.lifetimeNanos;
        }

        @Override
        public long expireAfterUpdate(String key, Timed<T> value, long currentTime, long currentDuration) {
            return value.lifetimeNanos;
        }

        @Override
        public long expireAfterRead(String key, Timed<T> value, long currentTime, long currentDuration) {
            return currentDuration;
        }
    }
}
