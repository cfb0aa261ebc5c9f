package dev.gatekeeper.callout;

import dev.gatekeeper.dns.Setting;
import dev.gatekeeper.dns.SettingKeys;
import dev.gatekeeper.dns.SettingMap;
import dev.gatekeeper.dns.SettingValues;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * Everything that tunes a {@link CalloutVerifier}: its {@link #KEYS}, each declared below with its
 * default and bounds. Immutable; built with {@link #builder()}, or parsed from {@code key=value}
 * pairs with {@link #parse(Map)}. A bad value is refused at once, naming the key and the value.
 *
 * <p>The defaults are chosen against Exim's callout options and Postfix's address verification
 * parameters; the README's settings table gives the comparison, and a test keeps the two in step.
 */
public final class CalloutSettings {

    public static final Setting<Integer> PORT = Setting.integer("port", "25").within(1, 65_535);
    /** Many peers refuse {@code localhost}: set the server's public name. */
    public static final Setting<String> HELO_NAME = Setting.text("heloName", "localhost").validate(CalloutSettings::heloNameProblem);
    /** Empty (written {@code <>}) for the null reverse-path. */
    public static final Setting<String> MAIL_FROM = Setting.parsed("mailFrom", CalloutSettings::mailFrom,
            a -> "<" + a + ">", "<>").blankAllowed();
    public static final Setting<Duration> CONNECT_TIMEOUT = Setting.duration("connectTimeout", "10s").positive();
    public static final Setting<Duration> COMMAND_TIMEOUT = Setting.duration("commandTimeout", "15s").positive();
    public static final Setting<Duration> OVERALL_TIMEOUT = Setting.duration("overallTimeout", "30s").positive();
    public static final Setting<Integer> MAX_HOSTS_TRIED = Setting.integer("maxHostsTried", "3").within(1, 20);
    public static final Setting<Boolean> START_TLS = Setting.bool("startTls", "true");
    public static final Setting<Boolean> CHECK_RANDOM = Setting.bool("checkRandom", "false");
    public static final Setting<Boolean> CHECK_POSTMASTER = Setting.bool("checkPostmaster", "false");
    public static final Setting<Boolean> ALLOW_PRIVATE_TARGETS = Setting.bool("allowPrivateTargets", "false");
    public static final Setting<Boolean> KEEP_TRANSCRIPT = Setting.bool("keepTranscript", "false");
    /** Exim's {@code callout_positive_expire}. */
    public static final Setting<Duration> POSITIVE_LIFETIME = Setting.duration("positiveLifetime", "24h").notNegative();
    /** A new mailbox recovers the same day. */
    public static final Setting<Duration> NEGATIVE_LIFETIME = Setting.duration("negativeLifetime", "2h").notNegative();
    /** A catch-all is a stable fact of a domain. */
    public static final Setting<Duration> DOMAIN_POSITIVE_LIFETIME = Setting.duration("domainPositiveLifetime", "7d").notNegative();
    public static final Setting<Duration> DOMAIN_NEGATIVE_LIFETIME = Setting.duration("domainNegativeLifetime", "3h").notNegative();
    /** A greylisting retry must probe again: not cached. */
    public static final Setting<Duration> TEMPFAIL_LIFETIME = Setting.duration("tempfailLifetime", "0s").notNegative();
    public static final Setting<Long> CACHE_MAX_ENTRIES = Setting.<Long>of("cacheMaxEntries",
            (n, t) -> (long) SettingValues.integer(n, t), String::valueOf, "100000").notNegative();
    public static final Setting<Integer> MAX_CONCURRENT_PROBES_PER_DOMAIN =
            Setting.integer("maxConcurrentProbesPerDomain", "4").within(1, 10_000);
    public static final Setting<Integer> MAX_PROBES_PER_MINUTE = Setting.integer("maxProbesPerMinute", "300").within(1, 1_000_000);
    /** One SMTP client cannot steer us at a third party. */
    public static final Setting<Integer> MAX_PROBES_PER_MINUTE_PER_CLIENT =
            Setting.integer("maxProbesPerMinutePerClient", "30").within(1, 1_000_000);
    public static final Setting<Integer> PROBE_THREADS = Setting.integer("probeThreads", "16").within(1, 1024);
    public static final Setting<Integer> PROBE_QUEUE = Setting.integer("probeQueue", "256").within(1, 1_000_000);

    /** Every key {@link #parse(Map)} knows, in the order of the README's table. */
    public static final SettingKeys KEYS = SettingKeys.of(PORT, HELO_NAME, MAIL_FROM, CONNECT_TIMEOUT, COMMAND_TIMEOUT,
            OVERALL_TIMEOUT, MAX_HOSTS_TRIED, START_TLS, CHECK_RANDOM, CHECK_POSTMASTER, ALLOW_PRIVATE_TARGETS, KEEP_TRANSCRIPT,
            POSITIVE_LIFETIME, NEGATIVE_LIFETIME, DOMAIN_POSITIVE_LIFETIME, DOMAIN_NEGATIVE_LIFETIME, TEMPFAIL_LIFETIME,
            CACHE_MAX_ENTRIES, MAX_CONCURRENT_PROBES_PER_DOMAIN, MAX_PROBES_PER_MINUTE, MAX_PROBES_PER_MINUTE_PER_CLIENT,
            PROBE_THREADS, PROBE_QUEUE);

    private static final CalloutSettings DEFAULTS = new CalloutSettings(KEYS.defaults());

    private final SettingMap values;

    private CalloutSettings(SettingMap values) {
        this.values = values;
    }

    /** Every setting at its default. */
    public static CalloutSettings defaults() {
        return DEFAULTS;
    }

    public static Builder builder() {
        return new Builder(KEYS.defaults());
    }

    /** A builder holding this object's values. */
    public Builder toBuilder() {
        return new Builder(values);
    }

    /**
     * Parses {@code key=value} pairs, keys from {@link #KEYS}; durations as {@code 500ms}, {@code 30s},
     * {@code 10m}, {@code 2h}, {@code 7d}; booleans as {@code true}/{@code false} only.
     *
     * @throws IllegalArgumentException for an unknown key or a bad value, naming both
     */
    public static CalloutSettings parse(Map<String, String> properties) {
        return new CalloutSettings(KEYS.read(properties));
    }

    /**
     * Parses settings written with a prefix, as flat parameters are ({@code dns.timeout}); every
     * message names a setting with its prefix.
     */
    public static CalloutSettings parse(Map<String, String> properties, String prefix) {
        return new CalloutSettings(KEYS.read(properties, prefix));
    }

    private static String heloNameProblem(String value) {
        try {
            ProbeAddress.checkDomain(value);
            return null;
        } catch (ProbeAddress.InvalidAddressException e) {
            return value.equals("localhost") ? null : e.getMessage();
        }
    }

    /** The address of a {@code mailFrom} text, {@code ""} for the null reverse-path. */
    private static String mailFrom(String value) {
        if (value.isEmpty() || value.equals("<>")) {
            return "";
        }
        try {
            return ProbeAddress.parse(value).address();
        } catch (ProbeAddress.InvalidAddressException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /** TCP port of the peers' SMTP service. */
    public int port() {
        return values.get(PORT);
    }

    /** The name given in EHLO/HELO. */
    public String heloName() {
        return values.get(HELO_NAME);
    }

    /** The reverse-path of the probe; empty sends {@code MAIL FROM:<>}. */
    public String mailFrom() {
        return values.get(MAIL_FROM);
    }

    /** Bound on one TCP connect. */
    public Duration connectTimeout() {
        return values.get(CONNECT_TIMEOUT);
    }

    /** Bound on each reply, greeting included. */
    public Duration commandTimeout() {
        return values.get(COMMAND_TIMEOUT);
    }

    /** Bound on a whole verification (DNS, every host, every command). */
    public Duration overallTimeout() {
        return values.get(OVERALL_TIMEOUT);
    }

    /** How many mail host addresses one verification may connect to. */
    public int maxHostsTried() {
        return values.get(MAX_HOSTS_TRIED);
    }

    /** Whether STARTTLS is used when offered (certificates are not checked). */
    public boolean startTls() {
        return values.get(START_TLS);
    }

    /** Whether a random local part is also tried in the session, to detect catch-all domains. */
    public boolean checkRandom() {
        return values.get(CHECK_RANDOM);
    }

    /** Whether {@code postmaster@domain} must also be accepted (RFC 5321 §4.5.1). */
    public boolean checkPostmaster() {
        return values.get(CHECK_POSTMASTER);
    }

    /** Whether hosts on loopback, private, link-local, multicast or unspecified addresses may be probed. */
    public boolean allowPrivateTargets() {
        return values.get(ALLOW_PRIVATE_TARGETS);
    }

    /** Whether outcomes carry the SMTP transcript. */
    public boolean keepTranscript() {
        return values.get(KEEP_TRANSCRIPT);
    }

    /** Cache lifetime of {@code accepted}. */
    public Duration positiveLifetime() {
        return values.get(POSITIVE_LIFETIME);
    }

    /** Cache lifetime of {@code rejected}. */
    public Duration negativeLifetime() {
        return values.get(NEGATIVE_LIFETIME);
    }

    /** Cache lifetime of the domain-level {@code catch-all}. */
    public Duration domainPositiveLifetime() {
        return values.get(DOMAIN_POSITIVE_LIFETIME);
    }

    /** Cache lifetime of the domain-level {@code null-mx}, {@code no-mail-host} and {@code probe-refused}. */
    public Duration domainNegativeLifetime() {
        return values.get(DOMAIN_NEGATIVE_LIFETIME);
    }

    /** Cache lifetime of a {@code tempfail} answered by a peer; zero does not cache it. */
    public Duration tempfailLifetime() {
        return values.get(TEMPFAIL_LIFETIME);
    }

    /** Bound on the entries of each cache (addresses, domains). */
    public long cacheMaxEntries() {
        return values.get(CACHE_MAX_ENTRIES);
    }

    /** Probes in flight at once to one domain. */
    public int maxConcurrentProbesPerDomain() {
        return values.get(MAX_CONCURRENT_PROBES_PER_DOMAIN);
    }

    /** Probes started per minute, all domains and clients together. */
    public int maxProbesPerMinute() {
        return values.get(MAX_PROBES_PER_MINUTE);
    }

    /** Probes started per minute on behalf of one SMTP client address. */
    public int maxProbesPerMinutePerClient() {
        return values.get(MAX_PROBES_PER_MINUTE_PER_CLIENT);
    }

    /** Threads that run probes (blocking socket I/O). */
    public int probeThreads() {
        return values.get(PROBE_THREADS);
    }

    /** Probes that may wait for a thread; beyond that a verification answers tempfail. */
    public int probeQueue() {
        return values.get(PROBE_QUEUE);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CalloutSettings && values.equals(((CalloutSettings) o).values);
    }

    @Override
    public int hashCode() {
        return values.hashCode();
    }

    @Override
    public String toString() {
        return "CalloutSettings{" + values + "}";
    }

    /** Builds {@link CalloutSettings}; every method checks its value at once. */
    public static final class Builder {
        private SettingMap values;

        private Builder(SettingMap values) {
            this.values = values;
        }

        public Builder port(int value) {
            values = values.with(PORT, value);
            return this;
        }

        public Builder heloName(String value) {
            values = values.with(HELO_NAME, value);
            return this;
        }

        /** Empty or {@code <>} for the null reverse-path {@code <>}. */
        public Builder mailFrom(String value) {
            values = values.with(MAIL_FROM, MAIL_FROM.read(Objects.requireNonNull(value, "mailFrom")));
            return this;
        }

        public Builder connectTimeout(Duration value) {
            values = values.with(CONNECT_TIMEOUT, value);
            return this;
        }

        public Builder commandTimeout(Duration value) {
            values = values.with(COMMAND_TIMEOUT, value);
            return this;
        }

        public Builder overallTimeout(Duration value) {
            values = values.with(OVERALL_TIMEOUT, value);
            return this;
        }

        public Builder maxHostsTried(int value) {
            values = values.with(MAX_HOSTS_TRIED, value);
            return this;
        }

        public Builder startTls(boolean value) {
            values = values.with(START_TLS, value);
            return this;
        }

        public Builder checkRandom(boolean value) {
            values = values.with(CHECK_RANDOM, value);
            return this;
        }

        public Builder checkPostmaster(boolean value) {
            values = values.with(CHECK_POSTMASTER, value);
            return this;
        }

        public Builder allowPrivateTargets(boolean value) {
            values = values.with(ALLOW_PRIVATE_TARGETS, value);
            return this;
        }

        public Builder keepTranscript(boolean value) {
            values = values.with(KEEP_TRANSCRIPT, value);
            return this;
        }

        public Builder positiveLifetime(Duration value) {
            values = values.with(POSITIVE_LIFETIME, value);
            return this;
        }

        public Builder negativeLifetime(Duration value) {
            values = values.with(NEGATIVE_LIFETIME, value);
            return this;
        }

        public Builder domainPositiveLifetime(Duration value) {
            values = values.with(DOMAIN_POSITIVE_LIFETIME, value);
            return this;
        }

        public Builder domainNegativeLifetime(Duration value) {
            values = values.with(DOMAIN_NEGATIVE_LIFETIME, value);
            return this;
        }

        public Builder tempfailLifetime(Duration value) {
            values = values.with(TEMPFAIL_LIFETIME, value);
            return this;
        }

        public Builder cacheMaxEntries(long value) {
            values = values.with(CACHE_MAX_ENTRIES, value);
            return this;
        }

        public Builder maxConcurrentProbesPerDomain(int value) {
            values = values.with(MAX_CONCURRENT_PROBES_PER_DOMAIN, value);
            return this;
        }

        public Builder maxProbesPerMinute(int value) {
            values = values.with(MAX_PROBES_PER_MINUTE, value);
            return this;
        }

        public Builder maxProbesPerMinutePerClient(int value) {
            values = values.with(MAX_PROBES_PER_MINUTE_PER_CLIENT, value);
            return this;
        }

        public Builder probeThreads(int value) {
            values = values.with(PROBE_THREADS, value);
            return this;
        }

        public Builder probeQueue(int value) {
            values = values.with(PROBE_QUEUE, value);
            return this;
        }

        public CalloutSettings build() {
            return new CalloutSettings(values);
        }
    }
}
