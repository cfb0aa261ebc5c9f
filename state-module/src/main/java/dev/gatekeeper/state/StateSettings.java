package dev.gatekeeper.state;

import dev.gatekeeper.dns.SettingValues;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Where Gatekeeper keeps its shared state, parsed once from {@code key=value} pairs with
 * {@link #parse(Map)}; every default is in {@code README-state.md}. Immutable.
 */
public final class StateSettings {

    /** The keys {@link #parse(Map)} accepts, in the order of the README's table. */
    public static final List<String> KEYS = List.of(
            "store", "local.max-entries", "redis.uri", "redis.connect-timeout", "redis.command-timeout",
            "redis.key-prefix", "redis.fallback", "redis.retry-interval", "redis.connections");

    /** Where the state lives. */
    public enum Store {
        /** In this JVM only: each James node counts for itself. */
        LOCAL,
        /** In one Redis server shared by every node. */
        REDIS
    }

    /** What happens while Redis does not answer. */
    public enum Fallback {
        /** Count and cache in this JVM until Redis answers again. */
        LOCAL,
        /** Fail the operation: rate conditions then follow their {@code on-failure}, callout lookups miss. */
        FAIL
    }

    private final Store store;
    private final int localMaxEntries;
    private final URI redisUri;
    private final Duration connectTimeout;
    private final Duration commandTimeout;
    private final String keyPrefix;
    private final Fallback fallback;
    private final Duration retryInterval;
    private final int connections;

    private StateSettings(Store store, int localMaxEntries, URI redisUri, Duration connectTimeout, Duration commandTimeout,
            String keyPrefix, Fallback fallback, Duration retryInterval, int connections) {
        this.store = store;
        this.localMaxEntries = localMaxEntries;
        this.redisUri = redisUri;
        this.connectTimeout = connectTimeout;
        this.commandTimeout = commandTimeout;
        this.keyPrefix = keyPrefix;
        this.fallback = fallback;
        this.retryInterval = retryInterval;
        this.connections = connections;
    }

    /** In-process state with every default. */
    public static StateSettings defaults() {
        return parse(Map.of());
    }

    /**
     * Reads the settings; unknown keys and bad values are refused with the key and the value.
     *
     * @throws IllegalArgumentException naming the key at fault
     */
    public static StateSettings parse(Map<String, String> properties) {
        for (String k : properties.keySet()) {
            if (!KEYS.contains(k)) {
                throw new IllegalArgumentException("unknown state setting '" + k + "' (known: " + String.join(", ", KEYS) + ")");
            }
        }
        Store store = choice("store", properties.getOrDefault("store", "local"), Store.class);
        int maxEntries = SettingValues.integer("local.max-entries", properties.getOrDefault("local.max-entries", "100000"));
        if (maxEntries < 1) {
            throw new IllegalArgumentException("local.max-entries: must be at least 1, not " + maxEntries);
        }
        URI uri = null;
        String u = properties.get("redis.uri");
        if (u != null) {
            try {
                uri = new URI(u.strip());
            } catch (URISyntaxException e) {
                throw new IllegalArgumentException("redis.uri: '" + u + "' is not a URI", e);
            }
            if (!"redis".equals(uri.getScheme()) && !"rediss".equals(uri.getScheme()) || uri.getHost() == null) {
                throw new IllegalArgumentException("redis.uri: '" + u + "' is not redis://host[:port][/db] or rediss://...");
            }
        }
        if (store == Store.REDIS && uri == null) {
            throw new IllegalArgumentException("store=redis needs redis.uri (redis://host:6379)");
        }
        Duration connect = positive("redis.connect-timeout", properties.getOrDefault("redis.connect-timeout", "500ms"));
        Duration command = positive("redis.command-timeout", properties.getOrDefault("redis.command-timeout", "250ms"));
        String prefix = properties.getOrDefault("redis.key-prefix", "gatekeeper:");
        if (prefix.chars().anyMatch(c -> c <= ' ' || c > '~')) {
            throw new IllegalArgumentException("redis.key-prefix: '" + prefix + "' must be printable ASCII without spaces");
        }
        Fallback fallback = choice("redis.fallback", properties.getOrDefault("redis.fallback", "local"), Fallback.class);
        Duration retry = positive("redis.retry-interval", properties.getOrDefault("redis.retry-interval", "5s"));
        int connections = SettingValues.integer("redis.connections", properties.getOrDefault("redis.connections", "8"));
        if (connections < 1 || connections > 256) {
            throw new IllegalArgumentException("redis.connections: between 1 and 256, not " + connections);
        }
        return new StateSettings(store, maxEntries, uri, connect, command, prefix, fallback, retry, connections);
    }

    private static <E extends Enum<E>> E choice(String key, String value, Class<E> type) {
        try {
            return Enum.valueOf(type, value.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(key + ": '" + value + "' is not one of "
                    + java.util.Arrays.toString(type.getEnumConstants()).toLowerCase(Locale.ROOT));
        }
    }

    private static Duration positive(String key, String value) {
        Duration d = SettingValues.duration(key, value);
        if (d.toMillis() < 1) {
            throw new IllegalArgumentException(key + ": must be at least 1ms, not '" + value + "'");
        }
        return d;
    }

    public Store store() {
        return store;
    }

    /** The most counters, and the most entries, the in-process state keeps (least recently used go first). */
    public int localMaxEntries() {
        return localMaxEntries;
    }

    /** {@code redis://[user:password@]host[:port][/db]}; null with {@code store=local}. */
    public URI redisUri() {
        return redisUri;
    }

    public Duration connectTimeout() {
        return connectTimeout;
    }

    /** The longest a Redis command may take before the fallback applies. */
    public Duration commandTimeout() {
        return commandTimeout;
    }

    /** Put before every Redis key, so that several installations can share one Redis. */
    public String keyPrefix() {
        return keyPrefix;
    }

    public Fallback fallback() {
        return fallback;
    }

    /** While Redis is down, how often one operation tries it again (the others use the fallback at once). */
    public Duration retryInterval() {
        return retryInterval;
    }

    /** Connections to Redis, and threads that run commands on them. */
    public int connections() {
        return connections;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof StateSettings)) {
            return false;
        }
        StateSettings s = (StateSettings) o;
        return store == s.store && localMaxEntries == s.localMaxEntries && Objects.equals(redisUri, s.redisUri)
                && connectTimeout.equals(s.connectTimeout) && commandTimeout.equals(s.commandTimeout)
                && keyPrefix.equals(s.keyPrefix) && fallback == s.fallback && retryInterval.equals(s.retryInterval)
                && connections == s.connections;
    }

    @Override
    public int hashCode() {
        return Objects.hash(store, localMaxEntries, redisUri, connectTimeout, commandTimeout, keyPrefix, fallback,
                retryInterval, connections);
    }

    @Override
    public String toString() {
        // The URI may carry a password: show only where it points.
        return store == Store.LOCAL ? "store=local" : "store=redis " + redisUri.getHost() + ":" + redisUri.getPort()
                + " fallback=" + fallback.name().toLowerCase(Locale.ROOT);
    }
}
