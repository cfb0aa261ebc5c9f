package dev.gatekeeper.dns;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads setting values the way administrators write them, for every {@link Setting} and the
 * command line: durations as a whole number with a unit ({@code 500ms}, {@code 5s}, {@code 15m},
 * {@code 1h}, {@code 1d}) or ISO-8601 ({@code PT5S}), whole numbers, and booleans as
 * {@code true}/{@code false} only. Each error names the setting and the value.
 */
public final class SettingValues {

    private static final Pattern WITH_UNIT = Pattern.compile("(\\d{1,9})(ms|s|m|h|d)");

    private SettingValues() {
    }

    /**
     * Parses {@code value}; {@code key} names the setting in the error message.
     *
     * @throws IllegalArgumentException naming the key and the value when it is not a duration
     */
    public static Duration duration(String key, String value) {
        String v = value.trim();
        Matcher m = WITH_UNIT.matcher(v);
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            switch (m.group(2)) {
                case "ms":
                    return Duration.ofMillis(n);
                case "s":
                    return Duration.ofSeconds(n);
                case "m":
                    return Duration.ofMinutes(n);
                case "h":
                    return Duration.ofHours(n);
                default:
                    return Duration.ofDays(n);
            }
        }
        try {
            return Duration.parse(v);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(
                    key + ": '" + value + "' is not a duration (500ms, 5s, 15m, 1h, 1d, PT5S)");
        }
    }

    /**
     * Writes a duration as {@link #duration} reads it, in the largest unit that keeps it whole
     * ({@code 2m}, {@code 1500ms}, {@code 0s}); below a millisecond, ISO-8601.
     */
    public static String format(Duration value) {
        if (value.isNegative()) {
            return "-" + format(value.negated());
        }
        long ms = value.toMillis();
        if (!Duration.ofMillis(ms).equals(value)) {
            return value.toString();
        }
        if (ms == 0) {
            return "0s";
        }
        long[] sizes = {86_400_000L, 3_600_000L, 60_000L, 1_000L};
        String[] units = {"d", "h", "m", "s"};
        for (int i = 0; i < sizes.length; i++) {
            if (ms % sizes[i] == 0) {
                return ms / sizes[i] + units[i];
            }
        }
        return ms + "ms";
    }

    /** Parses a decimal whole number; {@code key} names the setting in the error message. */
    public static int integer(String key, String value) {
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + ": '" + value + "' is not a whole number", e);
        }
    }

    /** Parses {@code true} or {@code false}, nothing else; {@code key} names the setting in the error message. */
    public static boolean bool(String key, String value) {
        switch (value.trim()) {
            case "true":
                return true;
            case "false":
                return false;
            default:
                throw new IllegalArgumentException(key + ": '" + value + "' is neither true nor false");
        }
    }
}
