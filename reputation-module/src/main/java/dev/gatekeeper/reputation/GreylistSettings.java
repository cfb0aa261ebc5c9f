package dev.gatekeeper.reputation;

import dev.gatekeeper.dns.Setting;
import dev.gatekeeper.dns.SettingKeys;
import dev.gatekeeper.dns.SettingMap;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * How a {@link Greylist} decides: its {@link #KEYS}, each declared below with its default (those of
 * postgrey, whose model this is) and bounds, the table of {@code README-reputation.md} kept in step
 * by a test. Immutable; built with {@link #builder()} or parsed with {@link #parse(Map)}. The
 * retry window must be longer than the delay, and the expiry at least the retry window.
 */
public final class GreylistSettings {

    /** How long a new triplet is deferred (postgrey {@code --delay=300}). RFC 5321 §4.5.4.1: clients retry after at least 30 minutes, often sooner. */
    public static final Setting<Duration> DELAY = Setting.duration("delay", "5m").positive().atMost(Duration.ofDays(1));
    /** How long after the first attempt a retry still passes; later, the triplet starts over (postgrey {@code --retry-window=2}, days). RFC 5321 §4.5.4.1 gives up after 4-5 days. */
    public static final Setting<Duration> RETRY_WINDOW = Setting.duration("retryWindow", "2d").positive().atMost(Duration.ofDays(30));
    /** How long a triplet that passed, and an auto-allowlisted client, are remembered since last seen (postgrey {@code --max-age=35}, days). */
    public static final Setting<Duration> EXPIRY = Setting.duration("expiry", "35d").positive().atMost(Duration.ofDays(3650));
    /** Successful retries (at most one an hour) after which a client address is allowlisted; 0: never (postgrey {@code --auto-whitelist-clients=5}). */
    public static final Setting<Integer> AUTO_ALLOWLIST_AFTER = Setting.integer("autoAllowlistAfter", "5").within(0, 1000);
    /** The triplet's client network for IPv4 (postgrey {@code --ipv4cidr=24}): a sender's farm of MTAs retries from a neighbour. */
    public static final Setting<Integer> IPV4_PREFIX = Setting.integer("ipv4Prefix", "24").within(8, 32);
    /** The triplet's client network for IPv6 (postgrey {@code --ipv6cidr=64}). */
    public static final Setting<Integer> IPV6_PREFIX = Setting.integer("ipv6Prefix", "64").within(16, 128);
    /**
     * Recipient local parts never greylisted, comma-separated, matched without case and without a
     * {@code +extension} (postgrey's default {@code whitelist_recipients}: {@code postmaster@},
     * {@code abuse@}; RFC 5321 §4.5.1 and RFC 2142). Empty for none.
     */
    public static final Setting<Set<String>> EXEMPT_RECIPIENTS = Setting.<Set<String>>parsed("exemptRecipients",
            GreylistSettings::localParts, s -> String.join(", ", s), "postmaster, abuse").blankAllowed();
    /**
     * Whether the sender is normalized in the triplet as postgrey does, so that one message's
     * retries with a fresh VERP or BATV sender still match: a BATV {@code prvs=tag=} prefix removed,
     * a {@code +extension} removed, every run of digits between word boundaries made {@code #}.
     */
    public static final Setting<Boolean> NORMALIZE_SENDER = Setting.bool("normalizeSender", "true");

    /** Every key {@link #parse(Map)} knows, in the order of the README's table. */
    public static final SettingKeys KEYS = SettingKeys.of(DELAY, RETRY_WINDOW, EXPIRY, AUTO_ALLOWLIST_AFTER, IPV4_PREFIX,
            IPV6_PREFIX, EXEMPT_RECIPIENTS, NORMALIZE_SENDER);

    private static final GreylistSettings DEFAULTS = new GreylistSettings(KEYS.defaults());

    private final SettingMap values;

    private GreylistSettings(SettingMap values) {
        if (values.get(RETRY_WINDOW).compareTo(values.get(DELAY)) <= 0) {
            throw new IllegalArgumentException("retryWindow (" + RETRY_WINDOW.write(values.get(RETRY_WINDOW))
                    + ") must be longer than delay (" + DELAY.write(values.get(DELAY)) + ")");
        }
        if (values.get(EXPIRY).compareTo(values.get(RETRY_WINDOW)) < 0) {
            throw new IllegalArgumentException("expiry (" + EXPIRY.write(values.get(EXPIRY))
                    + ") must be at least retryWindow (" + RETRY_WINDOW.write(values.get(RETRY_WINDOW)) + ")");
        }
        this.values = values;
    }

    public static GreylistSettings defaults() {
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
     * @throws IllegalArgumentException for an unknown key, a bad value, or values that contradict each other
     */
    public static GreylistSettings parse(Map<String, String> properties) {
        return new GreylistSettings(KEYS.read(properties));
    }

    /** Parses settings written with a prefix ({@code greylist.delay}); messages name the prefixed key. */
    public static GreylistSettings parse(Map<String, String> properties, String prefix) {
        return new GreylistSettings(KEYS.read(properties, prefix));
    }

    private static Set<String> localParts(String text) {
        if (text.isBlank()) {
            return Set.of();
        }
        Set<String> out = Arrays.stream(text.split(",")).map(String::strip).map(s -> s.toLowerCase(Locale.ROOT))
                .collect(Collectors.toCollection(java.util.LinkedHashSet::new));
        for (String s : out) {
            if (s.isEmpty() || !s.chars().allMatch(c -> c > ' ' && c < 0x7f && c != '@' && c != '+')) {
                throw new IllegalArgumentException("'" + text + "' is not a list of local parts (postmaster, abuse)");
            }
        }
        return java.util.Collections.unmodifiableSet(out);
    }

    public Duration delay() {
        return values.get(DELAY);
    }

    public Duration retryWindow() {
        return values.get(RETRY_WINDOW);
    }

    public Duration expiry() {
        return values.get(EXPIRY);
    }

    /** 0 when clients are never allowlisted automatically. */
    public int autoAllowlistAfter() {
        return values.get(AUTO_ALLOWLIST_AFTER);
    }

    public int ipv4Prefix() {
        return values.get(IPV4_PREFIX);
    }

    public int ipv6Prefix() {
        return values.get(IPV6_PREFIX);
    }

    /** Lower case, without {@code +extension}. */
    public Set<String> exemptRecipients() {
        return values.get(EXEMPT_RECIPIENTS);
    }

    public boolean normalizeSender() {
        return values.get(NORMALIZE_SENDER);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GreylistSettings && values.equals(((GreylistSettings) o).values);
    }

    @Override
    public int hashCode() {
        return values.hashCode();
    }

    @Override
    public String toString() {
        return "GreylistSettings{" + values + "}";
    }

    /** Builds {@link GreylistSettings}; each method checks its value at once, {@link #build} the values together. */
    public static final class Builder {
        private SettingMap values;

        private Builder(SettingMap values) {
            this.values = values;
        }

        public Builder delay(Duration value) {
            values = values.with(DELAY, value);
            return this;
        }

        public Builder retryWindow(Duration value) {
            values = values.with(RETRY_WINDOW, value);
            return this;
        }

        public Builder expiry(Duration value) {
            values = values.with(EXPIRY, value);
            return this;
        }

        public Builder autoAllowlistAfter(int value) {
            values = values.with(AUTO_ALLOWLIST_AFTER, value);
            return this;
        }

        public Builder ipv4Prefix(int value) {
            values = values.with(IPV4_PREFIX, value);
            return this;
        }

        public Builder ipv6Prefix(int value) {
            values = values.with(IPV6_PREFIX, value);
            return this;
        }

        /** Comma-separated local parts, as the setting is written. */
        public Builder exemptRecipients(String value) {
            values = values.with(EXEMPT_RECIPIENTS, EXEMPT_RECIPIENTS.read(value));
            return this;
        }

        public Builder normalizeSender(boolean value) {
            values = values.with(NORMALIZE_SENDER, value);
            return this;
        }

        /** @throws IllegalArgumentException when the retry window is not longer than the delay, or the expiry shorter than the window */
        public GreylistSettings build() {
            return new GreylistSettings(values);
        }
    }
}
