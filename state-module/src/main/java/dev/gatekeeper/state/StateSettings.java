package dev.gatekeeper.state;

import dev.gatekeeper.dns.Setting;
import dev.gatekeeper.dns.SettingKeys;
import dev.gatekeeper.dns.SettingMap;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/**
 * Where Gatekeeper keeps its shared state: its {@link #KEYS}, each declared below with its default
 * (the table of {@code README-state.md}, kept in step by a test), parsed once from
 * {@code key=value} pairs with {@link #parse(Map)}. Immutable.
 */
public final class StateSettings {

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

    public static final Setting<Store> STORE = Setting.choice("store", Store.class, "local");
    public static final Setting<Integer> LOCAL_MAX_ENTRIES = Setting.integer("local.max-entries", "100000").atLeast(1);
    /** Required with {@code store=redis}. */
    public static final Setting<URI> REDIS_URI = Setting.parsed("redis.uri", StateSettings::redisUri,
            u -> u.getScheme() + "://" + u.getHost() + ":" + u.getPort(), null).absentMeans("—");
    public static final Setting<Duration> REDIS_CONNECT_TIMEOUT = Setting.duration("redis.connect-timeout", "500ms")
            .atLeast(Duration.ofMillis(1));
    public static final Setting<Duration> REDIS_COMMAND_TIMEOUT = Setting.duration("redis.command-timeout", "250ms")
            .atLeast(Duration.ofMillis(1));
    /** Empty is allowed: one installation per Redis. */
    public static final Setting<String> REDIS_KEY_PREFIX = Setting.text("redis.key-prefix", "gatekeeper:").blankAllowed()
            .require(p -> p.chars().allMatch(c -> c > ' ' && c <= '~'), "must be printable ASCII without spaces");
    public static final Setting<Fallback> REDIS_FALLBACK = Setting.choice("redis.fallback", Fallback.class, "local");
    public static final Setting<Duration> REDIS_RETRY_INTERVAL = Setting.duration("redis.retry-interval", "5s")
            .atLeast(Duration.ofMillis(1));
    public static final Setting<Integer> REDIS_CONNECTIONS = Setting.integer("redis.connections", "8").within(1, 256);

    /** Every key {@link #parse(Map)} knows, in the order of the README's table. */
    public static final SettingKeys KEYS = SettingKeys.of(STORE, LOCAL_MAX_ENTRIES, REDIS_URI, REDIS_CONNECT_TIMEOUT,
            REDIS_COMMAND_TIMEOUT, REDIS_KEY_PREFIX, REDIS_FALLBACK, REDIS_RETRY_INTERVAL, REDIS_CONNECTIONS);

    private final SettingMap values;

    private StateSettings(SettingMap values) {
        this.values = values;
    }

    /** In-process state with every default. */
    public static StateSettings defaults() {
        return new StateSettings(KEYS.defaults());
    }

    /**
     * Reads the settings; unknown keys and bad values are refused with the key and the value.
     *
     * @throws IllegalArgumentException naming the key at fault
     */
    public static StateSettings parse(Map<String, String> properties) {
        SettingMap values = KEYS.read(properties);
        if (values.get(STORE) == Store.REDIS && values.get(REDIS_URI) == null) {
            throw new IllegalArgumentException("store=redis needs redis.uri (redis://host:6379)");
        }
        return new StateSettings(values);
    }

    private static URI redisUri(String text) {
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("'" + text + "' is not a URI", e);
        }
        if (!"redis".equals(uri.getScheme()) && !"rediss".equals(uri.getScheme()) || uri.getHost() == null) {
            throw new IllegalArgumentException("'" + text + "' is not redis://host[:port][/db] or rediss://...");
        }
        return uri;
    }

    public Store store() {
        return values.get(STORE);
    }

    /** The most counters, and the most entries, the in-process state keeps (least recently used go first). */
    public int localMaxEntries() {
        return values.get(LOCAL_MAX_ENTRIES);
    }

    /** {@code redis://[user:password@]host[:port][/db]}; null with {@code store=local}. */
    public URI redisUri() {
        return values.get(REDIS_URI);
    }

    public Duration connectTimeout() {
        return values.get(REDIS_CONNECT_TIMEOUT);
    }

    /** The longest a Redis command may take before the fallback applies. */
    public Duration commandTimeout() {
        return values.get(REDIS_COMMAND_TIMEOUT);
    }

    /** Put before every Redis key, so that several installations can share one Redis. */
    public String keyPrefix() {
        return values.get(REDIS_KEY_PREFIX);
    }

    public Fallback fallback() {
        return values.get(REDIS_FALLBACK);
    }

    /** While Redis is down, how often one operation tries it again (the others use the fallback at once). */
    public Duration retryInterval() {
        return values.get(REDIS_RETRY_INTERVAL);
    }

    /** Connections to Redis, and threads that run commands on them. */
    public int connections() {
        return values.get(REDIS_CONNECTIONS);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof StateSettings && values.equals(((StateSettings) o).values);
    }

    @Override
    public int hashCode() {
        return values.hashCode();
    }

    @Override
    public String toString() {
        // The URI may carry a password: show only where it points.
        return store() == Store.LOCAL ? "store=local" : "store=redis " + redisUri().getHost() + ":" + redisUri().getPort()
                + " fallback=" + fallback().name().toLowerCase(Locale.ROOT);
    }
}
