package dev.gatekeeper.state;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.params.SetParams;
import redis.clients.jedis.util.JedisURIHelper;

/**
 * State in one Redis server shared by every node. Counters are updated by one Lua script, which
 * Redis runs atomically: the read of both buckets, the decision and the INCRBY happen with no
 * other client in between, so two nodes never both admit the last event under a limit. Commands
 * run on a few threads of our own (Jedis blocks), each bounded by the command timeout.
 */
final class RedisState implements SharedState {

    /**
     * KEYS: current bucket, previous bucket. ARGV: amount, limit, weight of the previous bucket,
     * strict (1/0), update (1/0), bucket lifetime in ms. Returns previous, current, added, exceeded.
     * Both keys carry the same {hash tag}, so Redis Cluster keeps them in one slot.
     */
    static final String COUNT_SCRIPT = String.join("\n",
            "local cur = tonumber(redis.call('GET', KEYS[1]) or '0')",
            "local prev = tonumber(redis.call('GET', KEYS[2]) or '0')",
            "local amount = tonumber(ARGV[1])",
            "local exceeded = prev * tonumber(ARGV[3]) + cur + amount > tonumber(ARGV[2])",
            "local added = 0",
            "if ARGV[5] == '1' and ((not exceeded) or ARGV[4] == '1') then",
            "  cur = redis.call('INCRBY', KEYS[1], amount)",
            "  if redis.call('PTTL', KEYS[1]) < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[6]) end",
            "  added = 1",
            "end",
            "return {prev, cur, added, exceeded and 1 or 0}");

    /**
     * KEYS: the tally's hash. ARGV: field, amount, lifetime in ms, most fields. Returns 1 when
     * added, 0 when the hash is full and the field new. One script, so the check of the size and
     * the increment are atomic.
     */
    static final String TALLY_SCRIPT = String.join("\n",
            "if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 0 and redis.call('HLEN', KEYS[1]) >= tonumber(ARGV[4]) then",
            "  return 0",
            "end",
            "redis.call('HINCRBY', KEYS[1], ARGV[1], ARGV[2])",
            "redis.call('PEXPIRE', KEYS[1], ARGV[3])",
            "return 1");

    private final StateSettings settings;
    private final JedisPooled redis;
    private final ThreadPoolExecutor executor;
    private final String where;

    RedisState(StateSettings settings) {
        this.settings = settings;
        HostAndPort hp = JedisURIHelper.getHostAndPort(settings.redisUri());
        this.where = hp.getHost() + ":" + hp.getPort();
        JedisClientConfig config = DefaultJedisClientConfig.builder()
                .connectionTimeoutMillis(millis(settings.connectTimeout()))
                .socketTimeoutMillis(millis(settings.commandTimeout()))
                .user(JedisURIHelper.getUser(settings.redisUri()))
                .password(JedisURIHelper.getPassword(settings.redisUri()))
                .database(JedisURIHelper.getDBIndex(settings.redisUri()))
                .ssl(JedisURIHelper.isRedisSSLScheme(settings.redisUri()))
                .clientName("gatekeeper")
                .build();
        // Jedis's pool holds 8 connections by default; never more threads than connections, so no thread waits for one.
        this.redis = new JedisPooled(hp, config);
        int threads = Math.min(settings.connections(), 8);
        AtomicInteger n = new AtomicInteger();
        this.executor = new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS, new ArrayBlockingQueue<>(1024), r -> {
            Thread t = new Thread(r, "gatekeeper-redis-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.executor.allowCoreThreadTimeOut(true);
    }

    @Override
    public CompletionStage<WindowCount> count(String counter, WindowRequest request) {
        // The hash tag {counter} keeps both buckets of one counter in one Redis Cluster slot.
        String base = settings.keyPrefix() + "rate:{" + counter + "}:";
        List<String> keys = List.of(base + request.bucket(), base + (request.bucket() - 1));
        List<String> args = List.of(Long.toString(request.amount()), Long.toString(request.limit()),
                Double.toString(request.previousWeight()), request.isStrict() ? "1" : "0", request.updates() ? "1" : "0",
                Long.toString(request.bucketLifetime().toMillis()));
        return run("count " + counter, () -> {
            List<?> r = (List<?>) redis.eval(COUNT_SCRIPT, keys, args);
            return new WindowCount(request, (Long) r.get(0), (Long) r.get(1), (Long) r.get(2) == 1L, (Long) r.get(3) == 1L);
        });
    }

    @Override
    public CompletionStage<Optional<String>> get(String key) {
        return run("get", () -> Optional.ofNullable(redis.get(settings.keyPrefix() + key)));
    }

    @Override
    public CompletionStage<Void> put(String key, String value, Duration lifetime) {
        if (lifetime.toMillis() < 1) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("lifetime must be positive: " + lifetime));
        }
        return run("put", () -> {
            redis.set(settings.keyPrefix() + key, value, SetParams.setParams().px(lifetime.toMillis()));
            return null;
        });
    }

    @Override
    public CompletionStage<Boolean> tally(String key, String field, long amount, Duration lifetime, int maxFields) {
        if (lifetime.toMillis() < 1) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("lifetime must be positive: " + lifetime));
        }
        List<String> keys = List.of(settings.keyPrefix() + "tally:" + key);
        List<String> args = List.of(field, Long.toString(amount), Long.toString(lifetime.toMillis()), Integer.toString(maxFields));
        return run("tally", () -> (Long) redis.eval(TALLY_SCRIPT, keys, args) == 1L);
    }

    @Override
    public CompletionStage<Map<String, Long>> tallies(String key) {
        return run("tallies", () -> {
            Map<String, Long> out = new HashMap<>();
            redis.hgetAll(settings.keyPrefix() + "tally:" + key).forEach((f, v) -> out.put(f, Long.parseLong(v)));
            return out;
        });
    }

    private <T> CompletionStage<T> run(String what, Supplier<T> command) {
        CompletableFuture<T> f = new CompletableFuture<>();
        try {
            executor.execute(() -> {
                try {
                    f.complete(command.get());
                } catch (RuntimeException e) {
                    f.completeExceptionally(new StateUnavailableException("redis " + where + ": " + what + ": " + e, e));
                }
            });
        } catch (RejectedExecutionException e) {
            f.completeExceptionally(new StateUnavailableException("redis " + where + ": " + what
                    + ": too many commands waiting", e));
        }
        // Connect and socket timeouts bound each command already; this bounds the wait in the queue too.
        long bound = settings.connectTimeout().plus(settings.commandTimeout()).toMillis();
        return f.orTimeout(bound, TimeUnit.MILLISECONDS).exceptionally(e -> {
            Throwable cause = e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e;
            if (cause instanceof StateUnavailableException) {
                throw (StateUnavailableException) cause;
            }
            throw new StateUnavailableException("redis " + where + ": " + what + ": no answer within " + bound + " ms", cause);
        });
    }

    @Override
    public String describe() {
        return "redis " + where;
    }

    @Override
    public void close() {
        executor.shutdownNow();
        redis.close();
    }

    private static int millis(Duration d) {
        return (int) Math.min(Integer.MAX_VALUE, d.toMillis());
    }
}
