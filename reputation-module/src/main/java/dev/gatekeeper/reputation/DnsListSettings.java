package dev.gatekeeper.reputation;

import dev.gatekeeper.dns.Setting;
import dev.gatekeeper.dns.SettingKeys;
import dev.gatekeeper.dns.SettingMap;
import java.time.Duration;
import java.util.Map;

/**
 * How a {@link DnsListChecker} asks its lists: its {@link #KEYS}, each declared below with its
 * default and bounds (the table of {@code README-reputation.md}, kept in step by a test).
 * Immutable; built with {@link #builder()} or parsed from {@code key=value} pairs with
 * {@link #parse(Map)}. The lists themselves are values of their own ({@link DnsList}).
 */
public final class DnsListSettings {

    /**
     * The bound on one connection's lookups, from their start: a list not answered by then counts
     * as not listed (a {@link ListProblem.Kind#TIMEOUT}). Postfix's {@code postscreen_dnsbl_timeout}
     * is 10s; the resolver's own timeout and retries run inside it.
     */
    public static final Setting<Duration> TIMEOUT = Setting.duration("timeout", "10s").positive().atMost(Duration.ofMinutes(1));
    /**
     * Whether a hit also asks for the TXT record at the same name (RFC 5782 §2.1: the list's reason,
     * often with a URL), within the same bound; one query more per hit, none for a miss.
     */
    public static final Setting<Boolean> FETCH_TXT = Setting.bool("fetchTxt", "true");
    /** A list that times out or fails is logged at most once per this interval (the others at debug). */
    public static final Setting<Duration> PROBLEM_LOG_INTERVAL = Setting.duration("problemLogInterval", "1m").notNegative();

    /** Every key {@link #parse(Map)} knows, in the order of the README's table. */
    public static final SettingKeys KEYS = SettingKeys.of(TIMEOUT, FETCH_TXT, PROBLEM_LOG_INTERVAL);

    private static final DnsListSettings DEFAULTS = new DnsListSettings(KEYS.defaults());

    private final SettingMap values;

    private DnsListSettings(SettingMap values) {
        this.values = values;
    }

    public static DnsListSettings defaults() {
        return DEFAULTS;
    }

    public static Builder builder() {
        return new Builder(KEYS.defaults());
    }

    public Builder toBuilder() {
        return new Builder(values);
    }

    /**
     * Parses {@code key=value} pairs, keys from {@link #KEYS}.
     *
     * @throws IllegalArgumentException for an unknown key or a bad value, naming both
     */
    public static DnsListSettings parse(Map<String, String> properties) {
        return new DnsListSettings(KEYS.read(properties));
    }

    /** Parses settings written with a prefix ({@code dnsbl.timeout}); messages name the prefixed key. */
    public static DnsListSettings parse(Map<String, String> properties, String prefix) {
        return new DnsListSettings(KEYS.read(properties, prefix));
    }

    public Duration timeout() {
        return values.get(TIMEOUT);
    }

    public boolean fetchTxt() {
        return values.get(FETCH_TXT);
    }

    public Duration problemLogInterval() {
        return values.get(PROBLEM_LOG_INTERVAL);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DnsListSettings && values.equals(((DnsListSettings) o).values);
    }

    @Override
    public int hashCode() {
        return values.hashCode();
    }

    @Override
    public String toString() {
        return "DnsListSettings{" + values + "}";
    }

    /** Builds {@link DnsListSettings}; every method checks its value at once. */
    public static final class Builder {
        private SettingMap values;

        private Builder(SettingMap values) {
            this.values = values;
        }

        public Builder timeout(Duration value) {
            values = values.with(TIMEOUT, value);
            return this;
        }

        public Builder fetchTxt(boolean value) {
            values = values.with(FETCH_TXT, value);
            return this;
        }

        public Builder problemLogInterval(Duration value) {
            values = values.with(PROBLEM_LOG_INTERVAL, value);
            return this;
        }

        public DnsListSettings build() {
            return new DnsListSettings(values);
        }
    }
}
