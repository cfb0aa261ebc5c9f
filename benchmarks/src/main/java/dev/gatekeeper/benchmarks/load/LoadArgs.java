package dev.gatekeeper.benchmarks.load;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The {@code name=value} arguments of a load driver, read once: a name the driver does not know,
 * a repeated name, an argument without {@code =} or a number that is not one is refused with a
 * message naming it, so that a typo ({@code session=50}) cannot quietly run the defaults.
 */
final class LoadArgs {
    private final Map<String, String> values;

    private LoadArgs(Map<String, String> values) {
        this.values = values;
    }

    /** Reads {@code args}, each {@code name=value} with a name out of {@code known}. */
    static LoadArgs parse(String[] args, Set<String> known) {
        Map<String, String> values = new LinkedHashMap<>();
        for (String a : args) {
            int eq = a.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("expected name=value, got: " + a);
            }
            String name = a.substring(0, eq);
            if (!known.contains(name)) {
                throw new IllegalArgumentException("unknown argument " + name + " (known: " + String.join(", ", new TreeSet<>(known)) + ")");
            }
            if (values.put(name, a.substring(eq + 1)) != null) {
                throw new IllegalArgumentException("argument " + name + " given twice");
            }
        }
        return new LoadArgs(values);
    }

    String string(String name, String fallback) {
        return values.getOrDefault(name, fallback);
    }

    /** A count: an integer of at least {@code min}. */
    int integer(String name, int fallback, int min) {
        String value = values.get(name);
        if (value == null) {
            return fallback;
        }
        int parsed;
        try {
            parsed = Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a whole number, got: " + value);
        }
        if (parsed < min) {
            throw new IllegalArgumentException(name + " must be at least " + min + ", got: " + value);
        }
        return parsed;
    }

    boolean bool(String name, boolean fallback) {
        String value = values.get(name);
        if (value == null) {
            return fallback;
        }
        if (!value.equals("true") && !value.equals("false")) {
            throw new IllegalArgumentException(name + " must be true or false, got: " + value);
        }
        return Boolean.parseBoolean(value);
    }

    /** One of {@code choices}. */
    String choice(String name, String fallback, Set<String> choices) {
        String value = values.getOrDefault(name, fallback);
        if (!choices.contains(value)) {
            throw new IllegalArgumentException(name + " must be one of " + choices + ", got: " + value);
        }
        return value;
    }
}
