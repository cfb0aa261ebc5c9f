package dev.gatekeeper.spf;

import dev.gatekeeper.dns.SettingValues;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The evaluator's limits and texts, immutable. Defaults follow RFC 7208; build changed settings
 * with {@link #builder()}, or parse them from {@code key=value} pairs with {@link #parse(Map)};
 * both refuse an invalid value at once, naming the setting.
 */
public final class SpfSettings {

    /** The keys {@link #parse(Map)} accepts. */
    public static final List<String> KEYS = List.of(
            "maxDnsTerms", "maxMxNames", "maxPtrNames", "maxVoidLookups", "timeBudget",
            "explanationTimeout", "defaultExplanation", "receiver");

    /** RFC 7208 §4.6.4: at most 10 mechanisms and modifiers that query the DNS. */
    public static final int DEFAULT_MAX_DNS_TERMS = 10;
    /** RFC 7208 §4.6.4: an mx mechanism with more than 10 MX names is a permerror. */
    public static final int DEFAULT_MAX_MX_NAMES = 10;
    /** RFC 7208 §4.6.4: at most 10 names of a PTR answer are validated, the rest ignored. */
    public static final int DEFAULT_MAX_PTR_NAMES = 10;
    /** RFC 7208 §4.6.4: more than 2 lookups answering NXDOMAIN or no records is a permerror. */
    public static final int DEFAULT_MAX_VOID_LOOKUPS = 2;
    /** RFC 7208 §4.6.4: "at least 20 seconds" for the whole check before temperror. */
    public static final Duration DEFAULT_TIME_BUDGET = Duration.ofSeconds(20);
    /**
     * The longest wait for the {@code exp=} explanation once a fail is decided, within what is left
     * of the time budget. RFC 7208 §6.2: the explanation never changes the result; when its lookup
     * fails or is not answered in time, the fail stands with the default explanation. A healthy
     * answer takes well under a second; the explanation is only the reply's text, not worth the
     * resolver's retry of a lost packet (5 s), and 2 s keeps such a fail well inside the James
     * handler's {@code spfWait} (10 s).
     */
    public static final Duration DEFAULT_EXPLANATION_TIMEOUT = Duration.ofSeconds(2);
    /** The explanation of a fail without a usable {@code exp=} (RFC 7208 §6.2); a macro-string. */
    public static final String DEFAULT_EXPLANATION = "%{o} does not designate %{c} as permitted sender";
    /** The value of %{r} (RFC 7208 §7.3) when the receiving host is not configured. */
    public static final String DEFAULT_RECEIVER = "unknown";

    private static final SpfSettings DEFAULTS = new Builder().build();

    private final int maxDnsTerms;
    private final int maxMxNames;
    private final int maxPtrNames;
    private final int maxVoidLookups;
    private final Duration timeBudget;
    private final Duration explanationTimeout;
    private final String defaultExplanation;
    private final MacroString parsedExplanation;
    private final String receiver;
    private final Clock clock;

    private SpfSettings(Builder b, MacroString parsedExplanation) {
        this.maxDnsTerms = b.maxDnsTerms;
        this.maxMxNames = b.maxMxNames;
        this.maxPtrNames = b.maxPtrNames;
        this.maxVoidLookups = b.maxVoidLookups;
        this.timeBudget = b.timeBudget;
        this.explanationTimeout = b.explanationTimeout;
        this.defaultExplanation = b.defaultExplanation;
        this.parsedExplanation = parsedExplanation;
        this.receiver = b.receiver;
        this.clock = b.clock;
    }

    /** The RFC 7208 defaults with the system clock. */
    public static SpfSettings defaults() {
        return DEFAULTS;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Parses {@code key=value} pairs, keys from {@link #KEYS}: whole numbers, a duration for
     * {@code timeBudget} ({@code 20s}) and {@code explanationTimeout}, a macro-string for
     * {@code defaultExplanation}.
     *
     * @throws IllegalArgumentException for an unknown key or a bad value, naming both
     */
    public static SpfSettings parse(Map<String, String> properties) {
        Builder b = builder();
        for (Map.Entry<String, String> e : properties.entrySet()) {
            String key = e.getKey();
            String v = Objects.requireNonNull(e.getValue(), key).trim();
            switch (key) {
                case "maxDnsTerms": b.maxDnsTerms(SettingValues.integer(key, v)); break;
                case "maxMxNames": b.maxMxNames(SettingValues.integer(key, v)); break;
                case "maxPtrNames": b.maxPtrNames(SettingValues.integer(key, v)); break;
                case "maxVoidLookups": b.maxVoidLookups(SettingValues.integer(key, v)); break;
                case "timeBudget": b.timeBudget(SettingValues.duration(key, v)); break;
                case "explanationTimeout": b.explanationTimeout(SettingValues.duration(key, v)); break;
                case "defaultExplanation": b.defaultExplanation(v); break;
                case "receiver": b.receiver(v); break;
                default:
                    throw new IllegalArgumentException(
                            "unknown SPF setting '" + key + "' (known: " + String.join(", ", KEYS) + ")");
            }
        }
        return b.build();
    }

    /** A builder starting from these settings. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.maxDnsTerms = maxDnsTerms;
        b.maxMxNames = maxMxNames;
        b.maxPtrNames = maxPtrNames;
        b.maxVoidLookups = maxVoidLookups;
        b.timeBudget = timeBudget;
        b.explanationTimeout = explanationTimeout;
        b.defaultExplanation = defaultExplanation;
        b.receiver = receiver;
        b.clock = clock;
        return b;
    }

    public int maxDnsTerms() {
        return maxDnsTerms;
    }

    public int maxMxNames() {
        return maxMxNames;
    }

    public int maxPtrNames() {
        return maxPtrNames;
    }

    public int maxVoidLookups() {
        return maxVoidLookups;
    }

    public Duration timeBudget() {
        return timeBudget;
    }

    /** The longest wait for the {@code exp=} explanation of a decided fail, within the time budget. */
    public Duration explanationTimeout() {
        return explanationTimeout;
    }

    /** The default explanation as configured (a macro-string, expanded per check). */
    public String defaultExplanation() {
        return defaultExplanation;
    }

    MacroString parsedDefaultExplanation() {
        return parsedExplanation;
    }

    /** The receiving host's name, for %{r} and {@code receiver=}. */
    public String receiver() {
        return receiver;
    }

    public Clock clock() {
        return clock;
    }

    @Override
    public String toString() {
        return "SpfSettings{maxDnsTerms=" + maxDnsTerms + ", maxMxNames=" + maxMxNames + ", maxPtrNames=" + maxPtrNames
                + ", maxVoidLookups=" + maxVoidLookups + ", timeBudget=" + timeBudget + ", explanationTimeout=" + explanationTimeout + ", defaultExplanation='"
                + defaultExplanation + "', receiver='" + receiver + "', clock=" + clock + '}';
    }

    /** Collects settings; each setter refuses an invalid value with {@link IllegalArgumentException}. */
    public static final class Builder {
        private int maxDnsTerms = DEFAULT_MAX_DNS_TERMS;
        private int maxMxNames = DEFAULT_MAX_MX_NAMES;
        private int maxPtrNames = DEFAULT_MAX_PTR_NAMES;
        private int maxVoidLookups = DEFAULT_MAX_VOID_LOOKUPS;
        private Duration timeBudget = DEFAULT_TIME_BUDGET;
        private Duration explanationTimeout = DEFAULT_EXPLANATION_TIMEOUT;
        private String defaultExplanation = DEFAULT_EXPLANATION;
        private String receiver = DEFAULT_RECEIVER;
        private Clock clock = Clock.systemUTC();

        private Builder() {
        }

        public Builder maxDnsTerms(int value) {
            this.maxDnsTerms = atLeast("maxDnsTerms", value, 1);
            return this;
        }

        public Builder maxMxNames(int value) {
            this.maxMxNames = atLeast("maxMxNames", value, 1);
            return this;
        }

        public Builder maxPtrNames(int value) {
            this.maxPtrNames = atLeast("maxPtrNames", value, 1);
            return this;
        }

        public Builder maxVoidLookups(int value) {
            this.maxVoidLookups = atLeast("maxVoidLookups", value, 0);
            return this;
        }

        public Builder timeBudget(Duration value) {
            Objects.requireNonNull(value, "timeBudget");
            if (value.isNegative() || value.isZero()) {
                throw new IllegalArgumentException("timeBudget must be positive, was " + value);
            }
            this.timeBudget = value;
            return this;
        }

        /** At most what is left of the time budget is waited, however long this is. */
        public Builder explanationTimeout(Duration value) {
            Objects.requireNonNull(value, "explanationTimeout");
            if (value.isNegative() || value.isZero()) {
                throw new IllegalArgumentException("explanationTimeout must be positive, was " + value);
            }
            this.explanationTimeout = value;
            return this;
        }

        /** A macro-string as in an explanation record (§6.2), without %{p}. */
        public Builder defaultExplanation(String value) {
            Objects.requireNonNull(value, "defaultExplanation");
            parseExplanation(value);
            this.defaultExplanation = value;
            return this;
        }

        public Builder receiver(String value) {
            Objects.requireNonNull(value, "receiver");
            for (int i = 0; i < value.length(); i++) {
                char c = value.charAt(i);
                if (c <= 0x20 || c >= 0x7f) {
                    throw new IllegalArgumentException("receiver must be a host name without spaces or control characters, was '"
                            + value + "'");
                }
            }
            if (value.isEmpty()) {
                throw new IllegalArgumentException("receiver must not be empty");
            }
            this.receiver = value;
            return this;
        }

        public Builder clock(Clock value) {
            this.clock = Objects.requireNonNull(value, "clock");
            return this;
        }

        public SpfSettings build() {
            return new SpfSettings(this, parseExplanation(defaultExplanation));
        }

        private static MacroString parseExplanation(String value) {
            try {
                MacroString ms = MacroString.parseExplanation(value);
                if (ms.usesP()) {
                    throw new IllegalArgumentException("defaultExplanation must not use %{p}, was '" + value + "'");
                }
                return ms;
            } catch (SpfSyntaxException e) {
                throw new IllegalArgumentException("defaultExplanation is not a valid explanation string ("
                        + e.getMessage() + "): '" + value + "'", e);
            }
        }

        private static int atLeast(String name, int value, int min) {
            if (value < min) {
                throw new IllegalArgumentException(name + " must be at least " + min + ", was " + value);
            }
            return value;
        }
    }
}
