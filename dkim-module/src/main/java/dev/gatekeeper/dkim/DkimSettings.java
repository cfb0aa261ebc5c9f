package dev.gatekeeper.dkim;

import dev.gatekeeper.dns.Setting;
import dev.gatekeeper.dns.SettingKeys;
import dev.gatekeeper.dns.SettingMap;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * The verifier's limits, immutable: its {@link #KEYS}, each with its default and bounds, and the
 * clock that x= and t= are judged by. Built with {@link #builder()} or parsed from
 * {@code key=value} pairs with {@link #parse(Map)}; both refuse an invalid value at once.
 */
public final class DkimSettings {

    /**
     * RFC 6376 §6.1: "Verifiers MAY limit the number of signatures they verify"; §8.4 names a
     * message with many signatures as a way to make a verifier do many key lookups and RSA
     * operations. Signatures past the limit are reported as {@link DkimReason#NOT_CHECKED}.
     */
    public static final Setting<Integer> MAX_SIGNATURES = Setting.integer("maxSignatures", "5").within(1, 50);
    /**
     * The overall wait for the key lookups of one message, counted from when the header section
     * arrives. A lookup not answered by then is a temperror (RFC 6376 §6.1.2: a key that cannot
     * be retrieved for a temporary reason is TEMPFAIL), never a fail.
     */
    public static final Setting<Duration> TIME_BUDGET = Setting.duration("timeBudget", "10s").positive();

    /** Every key {@link #parse(Map)} knows. */
    public static final SettingKeys KEYS = SettingKeys.of(MAX_SIGNATURES, TIME_BUDGET);

    private static final DkimSettings DEFAULTS = new Builder().build();

    private final SettingMap values;
    private final Clock clock;

    private DkimSettings(SettingMap values, Clock clock) {
        this.values = values;
        this.clock = clock;
    }

    /** The defaults with the system clock. */
    public static DkimSettings defaults() {
        return DEFAULTS;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Parses {@code key=value} pairs, keys from {@link #KEYS}.
     *
     * @throws IllegalArgumentException for an unknown key or a bad value, naming both
     */
    public static DkimSettings parse(Map<String, String> properties) {
        return new DkimSettings(KEYS.read(properties), Clock.systemUTC());
    }

    /** Parses settings written with a prefix ({@code dkim.maxSignatures}). */
    public static DkimSettings parse(Map<String, String> properties, String prefix) {
        return new DkimSettings(KEYS.read(properties, prefix), Clock.systemUTC());
    }

    public int maxSignatures() {
        return values.get(MAX_SIGNATURES);
    }

    public Duration timeBudget() {
        return values.get(TIME_BUDGET);
    }

    /** The clock for x= and t= (the key lookups' budget runs on real time). */
    public Clock clock() {
        return clock;
    }

    /** A builder starting from these settings. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.values = values;
        b.clock = clock;
        return b;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DkimSettings && values.equals(((DkimSettings) o).values) && clock.equals(((DkimSettings) o).clock);
    }

    @Override
    public int hashCode() {
        return Objects.hash(values, clock);
    }

    @Override
    public String toString() {
        return "DkimSettings{" + values + ", clock=" + clock + '}';
    }

    /** Collects settings; each setter refuses an invalid value with {@link IllegalArgumentException}. */
    public static final class Builder {
        private SettingMap values = KEYS.defaults();
        private Clock clock = Clock.systemUTC();

        private Builder() {
        }

        public Builder maxSignatures(int value) {
            values = values.with(MAX_SIGNATURES, value);
            return this;
        }

        public Builder timeBudget(Duration value) {
            values = values.with(TIME_BUDGET, value);
            return this;
        }

        public Builder clock(Clock value) {
            clock = Objects.requireNonNull(value, "clock");
            return this;
        }

        public DkimSettings build() {
            return new DkimSettings(values, clock);
        }
    }
}
