package dev.gatekeeper.spf;

import dev.gatekeeper.dns.Setting;
import dev.gatekeeper.dns.SettingKeys;
import dev.gatekeeper.dns.SettingMap;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The evaluator's limits and texts, immutable: its {@link #KEYS}, each declared below with its
 * default (RFC 7208's) and bounds. Build changed settings with {@link #builder()}, or parse them
 * from {@code key=value} pairs with {@link #parse(Map)}; both refuse an invalid value at once,
 * naming the setting and the value.
 */
public final class SpfSettings {

    /** RFC 7208 §4.6.4: at most 10 mechanisms and modifiers that query the DNS. */
    public static final Setting<Integer> MAX_DNS_TERMS = Setting.integer("maxDnsTerms", "10").atLeast(1);
    /** RFC 7208 §4.6.4: an mx mechanism with more than 10 MX names is a permerror. */
    public static final Setting<Integer> MAX_MX_NAMES = Setting.integer("maxMxNames", "10").atLeast(1);
    /** RFC 7208 §4.6.4: at most 10 names of a PTR answer are validated, the rest ignored. */
    public static final Setting<Integer> MAX_PTR_NAMES = Setting.integer("maxPtrNames", "10").atLeast(1);
    /** RFC 7208 §4.6.4: more than 2 lookups answering NXDOMAIN or no records is a permerror. */
    public static final Setting<Integer> MAX_VOID_LOOKUPS = Setting.integer("maxVoidLookups", "2").notNegative();
    /** RFC 7208 §4.6.4: "at least 20 seconds" for the whole check before temperror. */
    public static final Setting<Duration> TIME_BUDGET = Setting.duration("timeBudget", "20s").positive();
    /**
     * The longest wait for the {@code exp=} explanation once a fail is decided, within what is left
     * of the time budget. RFC 7208 §6.2: the explanation never changes the result; when its lookup
     * fails or is not answered in time, the fail stands with the default explanation. A healthy
     * answer takes well under a second; the explanation is only the reply's text, not worth the
     * resolver's retry of a lost packet (5 s), and 2 s keeps such a fail well inside the James
     * handler's {@code spfWait} (10 s). At most what is left of the time budget is waited.
     */
    public static final Setting<Duration> EXPLANATION_TIMEOUT = Setting.duration("explanationTimeout", "2s").positive();
    /** The explanation of a fail without a usable {@code exp=} (RFC 7208 §6.2): a macro-string, without %{p}. */
    public static final Setting<String> DEFAULT_EXPLANATION = Setting.text("defaultExplanation",
            "%{o} does not designate %{c} as permitted sender").blankAllowed().validate(SpfSettings::explanationProblem);
    /** The value of %{r} (RFC 7208 §7.3) and of the header's {@code receiver=}: this host's name. */
    public static final Setting<String> RECEIVER = Setting.text("receiver", "unknown").require(
            v -> !v.isEmpty() && v.chars().allMatch(c -> c > 0x20 && c < 0x7f), "is not a host name (empty, or with spaces or control characters)");

    /** Every key {@link #parse(Map)} knows, in the order of the README's table. */
    public static final SettingKeys KEYS = SettingKeys.of(MAX_DNS_TERMS, MAX_MX_NAMES, MAX_PTR_NAMES, MAX_VOID_LOOKUPS,
            TIME_BUDGET, EXPLANATION_TIMEOUT, DEFAULT_EXPLANATION, RECEIVER);

    private static final SpfSettings DEFAULTS = new Builder().build();

    private final SettingMap values;
    private final MacroString parsedExplanation;
    private final Clock clock;

    private SpfSettings(SettingMap values, Clock clock) {
        this.values = values;
        this.parsedExplanation = parseExplanation(values.get(DEFAULT_EXPLANATION));
        this.clock = clock;
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
        return new SpfSettings(KEYS.read(properties), Clock.systemUTC());
    }

    /**
     * Parses settings written with a prefix, as flat parameters are ({@code dns.timeout}); every
     * message names a setting with its prefix.
     */
    public static SpfSettings parse(Map<String, String> properties, String prefix) {
        return new SpfSettings(KEYS.read(properties, prefix), Clock.systemUTC());
    }

    /** A builder starting from these settings. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.values = values;
        b.clock = clock;
        return b;
    }

    public int maxDnsTerms() {
        return values.get(MAX_DNS_TERMS);
    }

    public int maxMxNames() {
        return values.get(MAX_MX_NAMES);
    }

    public int maxPtrNames() {
        return values.get(MAX_PTR_NAMES);
    }

    public int maxVoidLookups() {
        return values.get(MAX_VOID_LOOKUPS);
    }

    public Duration timeBudget() {
        return values.get(TIME_BUDGET);
    }

    /** The longest wait for the {@code exp=} explanation of a decided fail, within the time budget. */
    public Duration explanationTimeout() {
        return values.get(EXPLANATION_TIMEOUT);
    }

    /** The default explanation as configured (a macro-string, expanded per check). */
    public String defaultExplanation() {
        return values.get(DEFAULT_EXPLANATION);
    }

    MacroString parsedDefaultExplanation() {
        return parsedExplanation;
    }

    /** The receiving host's name, for %{r} and {@code receiver=}. */
    public String receiver() {
        return values.get(RECEIVER);
    }

    /** The receiver when it was set, empty when it is the default; a James adapter then names the server itself. */
    public Optional<String> configuredReceiver() {
        return values.isGiven(RECEIVER) ? Optional.of(receiver()) : Optional.empty();
    }

    public Clock clock() {
        return clock;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SpfSettings && values.equals(((SpfSettings) o).values) && clock.equals(((SpfSettings) o).clock);
    }

    @Override
    public int hashCode() {
        return Objects.hash(values, clock);
    }

    @Override
    public String toString() {
        return "SpfSettings{" + values + ", clock=" + clock + '}';
    }

    private static String explanationProblem(String value) {
        try {
            return MacroString.parseExplanation(value).usesP() ? "uses %{p}, which an explanation must not" : null;
        } catch (SpfSyntaxException e) {
            return "is not a valid explanation string (" + e.getMessage() + ")";
        }
    }

    private static MacroString parseExplanation(String value) {
        try {
            return MacroString.parseExplanation(value);
        } catch (SpfSyntaxException e) {
            throw new IllegalStateException("checked by its key: " + value, e);
        }
    }

    /** Collects settings; each setter refuses an invalid value with {@link IllegalArgumentException}. */
    public static final class Builder {
        private SettingMap values = KEYS.defaults();
        private Clock clock = Clock.systemUTC();

        private Builder() {
        }

        public Builder maxDnsTerms(int value) {
            values = values.with(MAX_DNS_TERMS, value);
            return this;
        }

        public Builder maxMxNames(int value) {
            values = values.with(MAX_MX_NAMES, value);
            return this;
        }

        public Builder maxPtrNames(int value) {
            values = values.with(MAX_PTR_NAMES, value);
            return this;
        }

        public Builder maxVoidLookups(int value) {
            values = values.with(MAX_VOID_LOOKUPS, value);
            return this;
        }

        public Builder timeBudget(Duration value) {
            values = values.with(TIME_BUDGET, value);
            return this;
        }

        /** At most what is left of the time budget is waited, however long this is. */
        public Builder explanationTimeout(Duration value) {
            values = values.with(EXPLANATION_TIMEOUT, value);
            return this;
        }

        /** A macro-string as in an explanation record (§6.2), without %{p}. */
        public Builder defaultExplanation(String value) {
            values = values.with(DEFAULT_EXPLANATION, value);
            return this;
        }

        public Builder receiver(String value) {
            values = values.with(RECEIVER, value);
            return this;
        }

        public Builder clock(Clock value) {
            this.clock = Objects.requireNonNull(value, "clock");
            return this;
        }

        public SpfSettings build() {
            return new SpfSettings(values, clock);
        }
    }
}
