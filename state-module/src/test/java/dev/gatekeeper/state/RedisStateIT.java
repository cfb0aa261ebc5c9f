package dev.gatekeeper.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Against a real redis-server: two states stand for two James nodes. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RedisStateIT {

    private static RedisServer redis;

    @BeforeAll
    static void start() throws Exception {
        redis = RedisServer.start();
    }

    @AfterAll
    static void stop() throws Exception {
        if (redis != null) {
            redis.close();
        }
    }

    private static SharedState node(String fallback, String prefix) {
        return SharedState.open(StateSettings.parse(Map.of("store", "redis", "redis.uri", redis.uri(),
                "redis.fallback", fallback, "redis.retry-interval", "200ms", "redis.key-prefix", prefix,
                "redis.command-timeout", "300ms")), Clock.systemUTC());
    }

    @Test
    void twoNodesShareOneCounterWithoutLosingARace() throws Exception {
        try (SharedState a = node("local", "race:"); SharedState b = node("local", "race:")) {
            Instant now = Instant.now();
            WindowRequest r = WindowRequest.of(1, 50, Duration.ofHours(1), now);
            ExecutorService pool = Executors.newFixedThreadPool(8);
            try {
                List<Future<WindowCount>> results = new ArrayList<>();
                for (int i = 0; i < 200; i++) {
                    SharedState node = i % 2 == 0 ? a : b;
                    results.add(pool.submit(() -> node.count("rcpt:alice", r).toCompletableFuture().get(10, TimeUnit.SECONDS)));
                }
                int admitted = 0;
                for (Future<WindowCount> f : results) {
                    if (!f.get(20, TimeUnit.SECONDS).exceeded()) {
                        admitted++;
                    }
                }
                assertThat(admitted).isEqualTo(50);
            } finally {
                pool.shutdownNow();
            }
            WindowCount after = b.count("rcpt:alice", r.readOnly()).toCompletableFuture().get(5, TimeUnit.SECONDS);
            assertThat(after.current()).isEqualTo(50);
            assertThat(after.exceeded()).isTrue();
        }
    }

    @Test
    void entriesWrittenByOneNodeAreReadByTheOtherForTheirLifetime() throws Exception {
        try (SharedState a = node("local", "entries:"); SharedState b = node("local", "entries:")) {
            a.put("callout:alice@example.com", "accepted", Duration.ofMillis(700)).toCompletableFuture().get(5, TimeUnit.SECONDS);
            assertThat(b.get("callout:alice@example.com").toCompletableFuture().get(5, TimeUnit.SECONDS)).contains("accepted");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            boolean gone = false;
            while (!gone && System.nanoTime() < deadline) {
                Thread.sleep(100);
                gone = b.get("callout:alice@example.com").toCompletableFuture().get(5, TimeUnit.SECONDS).isEmpty();
            }
            assertThat(gone).as("Redis expired the entry after its lifetime").isTrue();
        }
    }

    @Test
    void redisKilledMidRunFallsBackThenRecovers() throws Exception {
        try (SharedState local = node("local", "outage:"); SharedState failing = node("fail", "outage:")) {
            local.put("k", "before", Duration.ofMinutes(5)).toCompletableFuture().get(5, TimeUnit.SECONDS);
            assertThat(failing.get("k").toCompletableFuture().get(5, TimeUnit.SECONDS)).contains("before");

            redis.kill();
            long t0 = System.nanoTime();
            // fallback=local: answered from this process, promptly, without Redis.
            assertThat(local.get("k").toCompletableFuture().get(5, TimeUnit.SECONDS)).isEmpty();
            local.put("k", "during", Duration.ofMinutes(5)).toCompletableFuture().get(5, TimeUnit.SECONDS);
            assertThat(local.get("k").toCompletableFuture().get(5, TimeUnit.SECONDS)).contains("during");
            // fallback=fail: the operation fails, bounded by the timeouts.
            CompletableFuture<?> f = failing.get("k").toCompletableFuture();
            assertThat(f).failsWithin(Duration.ofSeconds(5))
                    .withThrowableOfType(java.util.concurrent.ExecutionException.class)
                    .withCauseInstanceOf(StateUnavailableException.class);
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(10));

            redis.restart(); // empty: no persistence
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            boolean back = false;
            while (!back && System.nanoTime() < deadline) {
                Thread.sleep(250);
                try {
                    failing.put("k", "after", Duration.ofMinutes(5)).toCompletableFuture().get(5, TimeUnit.SECONDS);
                    back = true;
                } catch (java.util.concurrent.ExecutionException e) {
                    assertThat(e).hasCauseInstanceOf(StateUnavailableException.class);
                }
            }
            assertThat(back).as("the fail-fallback node writes to Redis again").isTrue();
            deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            String seen = "";
            while (!"after".equals(seen) && System.nanoTime() < deadline) {
                Thread.sleep(250);
                seen = local.get("k").toCompletableFuture().get(5, TimeUnit.SECONDS).orElse("");
            }
            assertThat(seen).as("the local-fallback node reads Redis again").isEqualTo("after");
        }
    }

    @Test
    void twoNodesAddToOneTallyWithinItsMostFieldsAndRedisExpiresIt() throws Exception {
        try (SharedState a = node("fail", "tally:"); SharedState b = node("fail", "tally:")) {
            ExecutorService pool = Executors.newFixedThreadPool(8);
            try {
                List<Future<Boolean>> results = new ArrayList<>();
                for (int i = 0; i < 100; i++) {
                    SharedState node = i % 2 == 0 ? a : b;
                    String field = "row" + (i % 4);
                    results.add(pool.submit(() -> node.tally("dmarc", field, 1, Duration.ofMinutes(5), 3)
                            .toCompletableFuture().get(10, TimeUnit.SECONDS)));
                }
                for (Future<Boolean> f : results) {
                    f.get(20, TimeUnit.SECONDS);
                }
            } finally {
                pool.shutdownNow();
            }
            Map<String, Long> all = b.tallies("dmarc").toCompletableFuture().get(5, TimeUnit.SECONDS);
            assertThat(all).hasSize(3);
            assertThat(all.values()).allMatch(n -> n == 25L);

            a.tally("short", "x", 2, Duration.ofMillis(500), 10).toCompletableFuture().get(5, TimeUnit.SECONDS);
            assertThat(b.tallies("short").toCompletableFuture().get(5, TimeUnit.SECONDS)).isEqualTo(Map.of("x", 2L));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            boolean gone = false;
            while (!gone && System.nanoTime() < deadline) {
                Thread.sleep(100);
                gone = b.tallies("short").toCompletableFuture().get(5, TimeUnit.SECONDS).isEmpty();
            }
            assertThat(gone).as("Redis expired the tally after its lifetime").isTrue();
        }
    }
}
