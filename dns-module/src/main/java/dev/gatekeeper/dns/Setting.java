package dev.gatekeeper.dns;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * One setting of an engine or adapter: its name, its type (how its text is read, and how a value
 * is written back in messages), its default written as an administrator writes it, its bounds and
 * its unit. A key is immutable; the refining methods return a new one. The engines declare their
 * keys as constants next to their getters, and read them all at once with {@link SettingKeys}:
 *
 * <pre>{@code
 * static final Setting<Duration> TIMEOUT = Setting.duration("timeout", "5s").positive().atMost(Duration.ofMinutes(1));
 * static final Setting<Integer> RETRIES = Setting.integer("retries", "1").within(0, 10);
 * }</pre>
 *
 * <p>Every error names the setting and the value: {@code timeout: 'soon' is not a duration (...)}
 * for text that does not read, {@code retries: '11' is outside 0..10} for text out of bounds (the
 * text quoted as written), {@code retries: 11 is outside 0..10} for a value given in code.
 *
 * @param <T> the value's type
 */
public final class Setting<T> {

    /**
     * Reads a setting's text into a value.
     *
     * @param <T> the value's type
     */
    @FunctionalInterface
    public interface Reader<T> {
        /**
         * @param name the setting as the administrator named it ({@code timeout}, {@code dns.timeout})
         * @param text the value, trimmed and not blank (unless the key allows it)
         * @throws IllegalArgumentException naming {@code name} and the text
         */
        T read(String name, String text);
    }

    private final String name;
    private final Reader<T> reader;
    private final Function<? super T, String> writer;
    private final String defaultText;
    private final T defaultValue;
    private final String absence;
    private final String unit;
    private final boolean blankAllowed;
    private final List<Function<? super T, String>> bounds;

    private Setting(String name, Reader<T> reader, Function<? super T, String> writer, String defaultText, T defaultValue,
            String absence, String unit, boolean blankAllowed, List<Function<? super T, String>> bounds) {
        this.name = name;
        this.reader = reader;
        this.writer = writer;
        this.defaultText = defaultText;
        this.defaultValue = defaultValue;
        this.absence = absence;
        this.unit = unit;
        this.blankAllowed = blankAllowed;
        this.bounds = List.copyOf(bounds);
    }

    /**
     * A key of any type.
     *
     * @param reader reads the text; its {@link IllegalArgumentException} names the setting itself
     * @param writer writes a value the way it would be read back, for messages
     * @param defaultText the default as an administrator writes it, read by {@code reader} now;
     *     null for none (see {@link #absentMeans})
     */
    public static <T> Setting<T> of(String name, Reader<T> reader, Function<? super T, String> writer, String defaultText) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(reader, name);
        T value = defaultText == null ? null : reader.read(name, defaultText);
        return new Setting<>(name, reader, writer, defaultText, value, "none", null, false, List.of());
    }

    /**
     * A key whose reader only says what is wrong with the text ({@code "'x' is not a URI"}); the
     * message is then prefixed with the setting's name.
     */
    public static <T> Setting<T> parsed(String name, Function<String, T> parser, Function<? super T, String> writer,
            String defaultText) {
        return of(name, named(parser), writer, defaultText);
    }

    /** {@code 500ms}, {@code 5s}, {@code 15m}, {@code 1h}, {@code 1d} or ISO-8601 ({@code PT5S}). */
    public static Setting<Duration> duration(String name, String defaultText) {
        return of(name, SettingValues::duration, SettingValues::format, defaultText);
    }

    /** A decimal whole number. */
    public static Setting<Integer> integer(String name, String defaultText) {
        return of(name, SettingValues::integer, String::valueOf, defaultText);
    }

    /** {@code true} or {@code false}, nothing else. */
    public static Setting<Boolean> bool(String name, String defaultText) {
        return of(name, SettingValues::bool, String::valueOf, defaultText);
    }

    /** Text taken as it is (trimmed), written quoted; refine it with {@link #require}. */
    public static Setting<String> text(String name, String defaultText) {
        return of(name, (n, t) -> t, Setting::quoted, defaultText);
    }

    /**
     * Text as a message shows it: quoted, its control characters as {@code ?}, so that a value
     * with a line break cannot forge a log line.
     */
    static String quoted(String text) {
        return "'" + text.replaceAll("[\\x00-\\x1f\\x7f]", "?") + "'";
    }

    /** One of an enum's constants, written in lower case, read in any case. */
    public static <E extends Enum<E>> Setting<E> choice(String name, Class<E> type, String defaultText) {
        String known = Arrays.toString(type.getEnumConstants()).toLowerCase(Locale.ROOT);
        return parsed(name, t -> {
            for (E e : type.getEnumConstants()) {
                if (e.name().equalsIgnoreCase(t)) {
                    return e;
                }
            }
            throw new IllegalArgumentException("'" + t + "' is not one of " + known);
        }, e -> e.name().toLowerCase(Locale.ROOT), defaultText);
    }

    /** A reader from a parser whose messages do not name the setting. */
    private static <T> Reader<T> named(Function<String, T> parser) {
        return (n, t) -> {
            try {
                return parser.apply(t);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(n + ": " + e.getMessage(), e);
            }
        };
    }

    /** The same key without a default: absent, it has no value, and {@code absence} says what that means. */
    public Setting<T> absentMeans(String absence) {
        return new Setting<>(name, reader, writer, null, null, Objects.requireNonNull(absence, "absence"), unit, blankAllowed,
                bounds);
    }

    /** The same key, documented with a unit after its default ({@code 10000 entries}). */
    public Setting<T> unit(String noun) {
        return new Setting<>(name, reader, writer, defaultText, defaultValue, absence, noun, blankAllowed, bounds);
    }

    /** The same key, taking an empty text as a value of its own (by default an empty text is refused). */
    public Setting<T> blankAllowed() {
        return new Setting<>(name, reader, writer, defaultText, defaultValue, absence, unit, true, bounds);
    }

    /** Refuses a value that fails {@code ok}: {@code name: value problem}. */
    public Setting<T> require(Predicate<? super T> ok, String problem) {
        return validate(v -> ok.test(v) ? null : problem);
    }

    /**
     * Refuses a value for which {@code problem} says what is wrong ({@code "is not a host name"}),
     * null when nothing is: {@code name: value problem}.
     */
    public Setting<T> validate(Function<? super T, String> problem) {
        List<Function<? super T, String>> more = new ArrayList<>(bounds);
        more.add(problem);
        Setting<T> s = new Setting<>(name, reader, writer, defaultText, defaultValue, absence, unit, blankAllowed, more);
        if (defaultValue != null) {
            s.check(defaultValue);
        }
        return s;
    }

    /** Above zero (a duration or a number). */
    public Setting<T> positive() {
        return require(v -> signum(v) > 0, "is not positive");
    }

    /** Zero or more (a duration or a number). */
    public Setting<T> notNegative() {
        return require(v -> signum(v) >= 0, "is negative");
    }

    public Setting<T> atLeast(T min) {
        return require(v -> compare(v, min) >= 0, "is less than " + writer.apply(min));
    }

    public Setting<T> atMost(T max) {
        return require(v -> compare(v, max) <= 0, "is more than " + writer.apply(max));
    }

    /** Between {@code min} and {@code max}, both included. */
    public Setting<T> within(T min, T max) {
        return require(v -> compare(v, min) >= 0 && compare(v, max) <= 0,
                "is outside " + writer.apply(min) + ".." + writer.apply(max));
    }

    public String name() {
        return name;
    }

    /** The default, or null without one. */
    public T defaultValue() {
        return defaultValue;
    }

    /**
     * The default as the documentation writes it: its text (and unit), or what absence means:
     * {@code 5s}, {@code 10000 entries}, {@code the system's resolvers}.
     */
    public String documentedDefault() {
        if (defaultText == null) {
            return absence;
        }
        return unit == null ? defaultText : defaultText + " " + unit;
    }

    /** Reads the text of this setting, named as the key is. */
    public T read(String text) {
        return read(name, text);
    }

    /**
     * Reads the text of this setting, named {@code shownName} in errors ({@code dns.timeout},
     * {@code <spfWait>}): trimmed, blank refused (unless allowed), read, bounds checked.
     *
     * @throws IllegalArgumentException naming the setting and the text
     */
    public T read(String shownName, String text) {
        String t = text == null ? "" : text.strip();
        if (t.isEmpty() && !blankAllowed) {
            throw new IllegalArgumentException(shownName + ": no value");
        }
        T value = reader.read(shownName, t);
        check(shownName, value, quoted(t));
        return value;
    }

    /** The text read, or the default when the text is absent (null). */
    public T readOrDefault(String shownName, String text) {
        return text == null ? defaultValue : read(shownName, text);
    }

    /**
     * Checks a value given in code against the bounds.
     *
     * @throws IllegalArgumentException naming the setting and the value
     */
    public T check(T value) {
        Objects.requireNonNull(value, name);
        check(name, value, writer.apply(value));
        return value;
    }

    /** The value written as it would be read. */
    public String write(T value) {
        return value == null ? "none" : writer.apply(value);
    }

    private void check(String shownName, T value, String shown) {
        for (Function<? super T, String> bound : bounds) {
            String problem = bound.apply(value);
            if (problem != null) {
                throw new IllegalArgumentException(shownName + ": " + shown + " " + problem);
            }
        }
    }

    @Override
    public String toString() {
        return name;
    }

    private static int signum(Object v) {
        if (v instanceof Duration) {
            Duration d = (Duration) v;
            return d.isNegative() ? -1 : d.isZero() ? 0 : 1;
        }
        return Long.signum(((Number) v).longValue());
    }

    @SuppressWarnings("unchecked")
    private static <T> int compare(T a, T b) {
        return ((Comparable<T>) a).compareTo(b);
    }
}
