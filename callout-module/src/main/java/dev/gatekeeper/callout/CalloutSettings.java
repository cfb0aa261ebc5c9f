package dev.gatekeeper.callout;

import dev.gatekeeper.dns.SettingValues;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Everything that tunes a {@link CalloutVerifier}. Immutable; built with {@link #builder()}, or
 * parsed from {@code key=value} pairs with {@link #parse(Map)}. Each builder method refuses a bad
 * value at once, naming the key.
 *
 * <p>The defaults are chosen against Exim's callout options and Postfix's address verification
 * parameters; the README's settings table gives the comparison, and {@code CalloutSettingsTest}
 * pins every default.
 */
public final class CalloutSettings {

    /** The keys {@link #parse(Map)} accepts, in the order of the README's table. */
    public static final List<String> KEYS = List.of(
            "port", "heloName", "mailFrom", "connectTimeout", "commandTimeout", "overallTimeout", "maxHostsTried",
            "startTls", "checkRandom", "checkPostmaster", "allowPrivateTargets", "keepTranscript",
            "positiveLifetime", "negativeLifetime", "domainPositiveLifetime", "domainNegativeLifetime",
            "tempfailLifetime", "cacheMaxEntries", "maxConcurrentProbesPerDomain", "maxProbesPerMinute",
            "maxProbesPerMinutePerClient", "probeThreads", "probeQueue");

    private static final CalloutSettings DEFAULTS = new Builder().build();

    private final int port;
    private final String heloName;
    private final String mailFrom;
    private final Duration connectTimeout;
    private final Duration commandTimeout;
    private final Duration overallTimeout;
    private final int maxHostsTried;
    private final boolean startTls;
    private final boolean checkRandom;
    private final boolean checkPostmaster;
    private final boolean allowPrivateTargets;
    private final boolean keepTranscript;
    private final Duration positiveLifetime;
    private final Duration negativeLifetime;
    private final Duration domainPositiveLifetime;
    private final Duration domainNegativeLifetime;
    private final Duration tempfailLifetime;
    private final long cacheMaxEntries;
    private final int maxConcurrentProbesPerDomain;
    private final int maxProbesPerMinute;
    private final int maxProbesPerMinutePerClient;
    private final int probeThreads;
    private final int probeQueue;

    private CalloutSettings(Builder b) {
        port = b.port;
        heloName = b.heloName;
        mailFrom = b.mailFrom;
        connectTimeout = b.connectTimeout;
        commandTimeout = b.commandTimeout;
        overallTimeout = b.overallTimeout;
        maxHostsTried = b.maxHostsTried;
        startTls = b.startTls;
        checkRandom = b.checkRandom;
        checkPostmaster = b.checkPostmaster;
        allowPrivateTargets = b.allowPrivateTargets;
        keepTranscript = b.keepTranscript;
        positiveLifetime = b.positiveLifetime;
        negativeLifetime = b.negativeLifetime;
        domainPositiveLifetime = b.domainPositiveLifetime;
        domainNegativeLifetime = b.domainNegativeLifetime;
        tempfailLifetime = b.tempfailLifetime;
        cacheMaxEntries = b.cacheMaxEntries;
        maxConcurrentProbesPerDomain = b.maxConcurrentProbesPerDomain;
        maxProbesPerMinute = b.maxProbesPerMinute;
        maxProbesPerMinutePerClient = b.maxProbesPerMinutePerClient;
        probeThreads = b.probeThreads;
        probeQueue = b.probeQueue;
    }

    /** Every setting at its default. */
    public static CalloutSettings defaults() {
        return DEFAULTS;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this object's values. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.port = port;
        b.heloName = heloName;
        b.mailFrom = mailFrom;
        b.connectTimeout = connectTimeout;
        b.commandTimeout = commandTimeout;
        b.overallTimeout = overallTimeout;
        b.maxHostsTried = maxHostsTried;
        b.startTls = startTls;
        b.checkRandom = checkRandom;
        b.checkPostmaster = checkPostmaster;
        b.allowPrivateTargets = allowPrivateTargets;
        b.keepTranscript = keepTranscript;
        b.positiveLifetime = positiveLifetime;
        b.negativeLifetime = negativeLifetime;
        b.domainPositiveLifetime = domainPositiveLifetime;
        b.domainNegativeLifetime = domainNegativeLifetime;
        b.tempfailLifetime = tempfailLifetime;
        b.cacheMaxEntries = cacheMaxEntries;
        b.maxConcurrentProbesPerDomain = maxConcurrentProbesPerDomain;
        b.maxProbesPerMinute = maxProbesPerMinute;
        b.maxProbesPerMinutePerClient = maxProbesPerMinutePerClient;
        b.probeThreads = probeThreads;
        b.probeQueue = probeQueue;
        return b;
    }

    /**
     * Parses {@code key=value} pairs, keys from {@link #KEYS}; durations as {@code 500ms}, {@code 30s},
     * {@code 10m}, {@code 2h}, {@code 7d}; booleans as {@code true}/{@code false} only.
     *
     * @throws IllegalArgumentException for an unknown key or a bad value, naming both
     */
    public static CalloutSettings parse(Map<String, String> properties) {
        Builder b = builder();
        for (Map.Entry<String, String> e : new LinkedHashMap<>(properties).entrySet()) {
            String key = e.getKey();
            String v = Objects.requireNonNull(e.getValue(), key).trim();
            switch (key) {
                case "port": b.port(integer(key, v)); break;
                case "heloName": b.heloName(v); break;
                case "mailFrom": b.mailFrom(v); break;
                case "connectTimeout": b.connectTimeout(duration(key, v)); break;
                case "commandTimeout": b.commandTimeout(duration(key, v)); break;
                case "overallTimeout": b.overallTimeout(duration(key, v)); break;
                case "maxHostsTried": b.maxHostsTried(integer(key, v)); break;
                case "startTls": b.startTls(bool(key, v)); break;
                case "checkRandom": b.checkRandom(bool(key, v)); break;
                case "checkPostmaster": b.checkPostmaster(bool(key, v)); break;
                case "allowPrivateTargets": b.allowPrivateTargets(bool(key, v)); break;
                case "keepTranscript": b.keepTranscript(bool(key, v)); break;
                case "positiveLifetime": b.positiveLifetime(duration(key, v)); break;
                case "negativeLifetime": b.negativeLifetime(duration(key, v)); break;
                case "domainPositiveLifetime": b.domainPositiveLifetime(duration(key, v)); break;
                case "domainNegativeLifetime": b.domainNegativeLifetime(duration(key, v)); break;
                case "tempfailLifetime": b.tempfailLifetime(duration(key, v)); break;
                case "cacheMaxEntries": b.cacheMaxEntries(integer(key, v)); break;
                case "maxConcurrentProbesPerDomain": b.maxConcurrentProbesPerDomain(integer(key, v)); break;
                case "maxProbesPerMinute": b.maxProbesPerMinute(integer(key, v)); break;
                case "maxProbesPerMinutePerClient": b.maxProbesPerMinutePerClient(integer(key, v)); break;
                case "probeThreads": b.probeThreads(integer(key, v)); break;
                case "probeQueue": b.probeQueue(integer(key, v)); break;
                default: throw new IllegalArgumentException("unknown callout setting '" + key + "'");
            }
        }
        return b.build();
    }

    static Duration duration(String key, String v) {
        return SettingValues.duration(key, v);
    }

    private static int integer(String key, String v) {
        return SettingValues.integer(key, v);
    }

    private static boolean bool(String key, String v) {
        return SettingValues.bool(key, v);
    }

    /** TCP port of the peers' SMTP service. Default 25. */
    public int port() {
        return port;
    }

    /** The name given in EHLO/HELO. Default {@code localhost}: set the server's public name, many peers refuse this one. */
    public String heloName() {
        return heloName;
    }

    /** The reverse-path of the probe; empty (the default) sends {@code MAIL FROM:<>}. */
    public String mailFrom() {
        return mailFrom;
    }

    /** Bound on one TCP connect. Default 10 s. */
    public Duration connectTimeout() {
        return connectTimeout;
    }

    /** Bound on each reply, greeting included. Default 15 s. */
    public Duration commandTimeout() {
        return commandTimeout;
    }

    /** Bound on a whole verification (DNS, every host, every command). Default 30 s. */
    public Duration overallTimeout() {
        return overallTimeout;
    }

    /** How many mail host addresses one verification may connect to. Default 3. */
    public int maxHostsTried() {
        return maxHostsTried;
    }

    /** Whether STARTTLS is used when offered (certificates are not checked). Default true. */
    public boolean startTls() {
        return startTls;
    }

    /** Whether a random local part is also tried in the session, to detect catch-all domains. Default false. */
    public boolean checkRandom() {
        return checkRandom;
    }

    /** Whether {@code postmaster@domain} must also be accepted (RFC 5321 §4.5.1). Default false. */
    public boolean checkPostmaster() {
        return checkPostmaster;
    }

    /** Whether hosts on loopback, private, link-local, multicast or unspecified addresses may be probed. Default false. */
    public boolean allowPrivateTargets() {
        return allowPrivateTargets;
    }

    /** Whether outcomes carry the SMTP transcript. Default false. */
    public boolean keepTranscript() {
        return keepTranscript;
    }

    /** Cache lifetime of {@code accepted}. Default 24 h. */
    public Duration positiveLifetime() {
        return positiveLifetime;
    }

    /** Cache lifetime of {@code rejected}. Default 2 h. */
    public Duration negativeLifetime() {
        return negativeLifetime;
    }

    /** Cache lifetime of the domain-level {@code catch-all}. Default 7 d. */
    public Duration domainPositiveLifetime() {
        return domainPositiveLifetime;
    }

    /** Cache lifetime of the domain-level {@code null-mx}, {@code no-mail-host} and {@code probe-refused}. Default 3 h. */
    public Duration domainNegativeLifetime() {
        return domainNegativeLifetime;
    }

    /** Cache lifetime of a {@code tempfail} answered by a peer; zero (the default) does not cache it. */
    public Duration tempfailLifetime() {
        return tempfailLifetime;
    }

    /** Bound on the entries of each cache (addresses, domains). Default 100 000. */
    public long cacheMaxEntries() {
        return cacheMaxEntries;
    }

    /** Probes in flight at once to one domain. Default 4. */
    public int maxConcurrentProbesPerDomain() {
        return maxConcurrentProbesPerDomain;
    }

    /** Probes started per minute, all domains and clients together. Default 300. */
    public int maxProbesPerMinute() {
        return maxProbesPerMinute;
    }

    /** Probes started per minute on behalf of one SMTP client address. Default 30. */
    public int maxProbesPerMinutePerClient() {
        return maxProbesPerMinutePerClient;
    }

    /** Threads that run probes (blocking socket I/O). Default 16. */
    public int probeThreads() {
        return probeThreads;
    }

    /** Probes that may wait for a thread; beyond that a verification answers tempfail. Default 256. */
    public int probeQueue() {
        return probeQueue;
    }

    /** Builds {@link CalloutSettings}; every method checks its value at once. */
    public static final class Builder {
        private int port = 25;
        private String heloName = "localhost";
        private String mailFrom = "";
        private Duration connectTimeout = Duration.ofSeconds(10);
        private Duration commandTimeout = Duration.ofSeconds(15);
        private Duration overallTimeout = Duration.ofSeconds(30);
        private int maxHostsTried = 3;
        private boolean startTls = true;
        private boolean checkRandom;
        private boolean checkPostmaster;
        private boolean allowPrivateTargets;
        private boolean keepTranscript;
        private Duration positiveLifetime = Duration.ofHours(24);
        private Duration negativeLifetime = Duration.ofHours(2);
        private Duration domainPositiveLifetime = Duration.ofDays(7);
        private Duration domainNegativeLifetime = Duration.ofHours(3);
        private Duration tempfailLifetime = Duration.ZERO;
        private long cacheMaxEntries = 100_000;
        private int maxConcurrentProbesPerDomain = 4;
        private int maxProbesPerMinute = 300;
        private int maxProbesPerMinutePerClient = 30;
        private int probeThreads = 16;
        private int probeQueue = 256;

        private Builder() {
        }

        public Builder port(int value) {
            port = range("port", value, 1, 65535);
            return this;
        }

        public Builder heloName(String value) {
            try {
                Mailbox.checkDomain(Objects.requireNonNull(value, "heloName"));
            } catch (Mailbox.InvalidAddressException e) {
                if (!value.equals("localhost")) {
                    throw new IllegalArgumentException("heloName: '" + clean(value) + "' " + e.getMessage(), e);
                }
            }
            heloName = value;
            return this;
        }

        /** Empty for the null reverse-path {@code <>}. */
        public Builder mailFrom(String value) {
            Objects.requireNonNull(value, "mailFrom");
            if (!value.isEmpty() && !value.equals("<>")) {
                try {
                    value = Mailbox.parse(value).address();
                } catch (Mailbox.InvalidAddressException e) {
                    throw new IllegalArgumentException("mailFrom: " + e.getMessage(), e);
                }
            } else {
                value = "";
            }
            mailFrom = value;
            return this;
        }

        public Builder connectTimeout(Duration value) {
            connectTimeout = positive("connectTimeout", value);
            return this;
        }

        public Builder commandTimeout(Duration value) {
            commandTimeout = positive("commandTimeout", value);
            return this;
        }

        public Builder overallTimeout(Duration value) {
            overallTimeout = positive("overallTimeout", value);
            return this;
        }

        public Builder maxHostsTried(int value) {
            maxHostsTried = range("maxHostsTried", value, 1, 20);
            return this;
        }

        public Builder startTls(boolean value) {
            startTls = value;
            return this;
        }

        public Builder checkRandom(boolean value) {
            checkRandom = value;
            return this;
        }

        public Builder checkPostmaster(boolean value) {
            checkPostmaster = value;
            return this;
        }

        public Builder allowPrivateTargets(boolean value) {
            allowPrivateTargets = value;
            return this;
        }

        public Builder keepTranscript(boolean value) {
            keepTranscript = value;
            return this;
        }

        public Builder positiveLifetime(Duration value) {
            positiveLifetime = notNegative("positiveLifetime", value);
            return this;
        }

        public Builder negativeLifetime(Duration value) {
            negativeLifetime = notNegative("negativeLifetime", value);
            return this;
        }

        public Builder domainPositiveLifetime(Duration value) {
            domainPositiveLifetime = notNegative("domainPositiveLifetime", value);
            return this;
        }

        public Builder domainNegativeLifetime(Duration value) {
            domainNegativeLifetime = notNegative("domainNegativeLifetime", value);
            return this;
        }

        public Builder tempfailLifetime(Duration value) {
            tempfailLifetime = notNegative("tempfailLifetime", value);
            return this;
        }

        public Builder cacheMaxEntries(long value) {
            if (value < 0) {
                throw new IllegalArgumentException("cacheMaxEntries: " + value + " is negative");
            }
            cacheMaxEntries = value;
            return this;
        }

        public Builder maxConcurrentProbesPerDomain(int value) {
            maxConcurrentProbesPerDomain = range("maxConcurrentProbesPerDomain", value, 1, 10_000);
            return this;
        }

        public Builder maxProbesPerMinute(int value) {
            maxProbesPerMinute = range("maxProbesPerMinute", value, 1, 1_000_000);
            return this;
        }

        public Builder maxProbesPerMinutePerClient(int value) {
            maxProbesPerMinutePerClient = range("maxProbesPerMinutePerClient", value, 1, 1_000_000);
            return this;
        }

        public Builder probeThreads(int value) {
            probeThreads = range("probeThreads", value, 1, 1024);
            return this;
        }

        public Builder probeQueue(int value) {
            probeQueue = range("probeQueue", value, 1, 1_000_000);
            return this;
        }

        public CalloutSettings build() {
            return new CalloutSettings(this);
        }

        private static int range(String key, int value, int min, int max) {
            if (value < min || value > max) {
                throw new IllegalArgumentException(key + ": " + value + " is outside " + min + ".." + max);
            }
            return value;
        }

        private static Duration positive(String key, Duration value) {
            Objects.requireNonNull(value, key);
            if (value.isZero() || value.isNegative()) {
                throw new IllegalArgumentException(key + ": " + value + " is not positive");
            }
            return value;
        }

        private static Duration notNegative(String key, Duration value) {
            Objects.requireNonNull(value, key);
            if (value.isNegative()) {
                throw new IllegalArgumentException(key + ": " + value + " is negative");
            }
            return value;
        }

        private static String clean(String s) {
            return s.replaceAll("[\\x00-\\x1f\\x7f]", "?");
        }
    }
}
