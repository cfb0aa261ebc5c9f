package dev.gatekeeper.james.matchers;

import dev.gatekeeper.dns.Setting;
import dev.gatekeeper.james.common.EngineSettings;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A matcher condition as Gatekeeper's matchers write it: a first word (a list of values separated
 * by commas, or a file), then {@code name=value} options separated by spaces:
 * {@code SpfResultIs=fail,softfail dns.servers=127.0.0.1:5353}.
 */
final class MatcherCondition {

    final String first;
    final Map<String, String> options;

    private MatcherCondition(String first, Map<String, String> options) {
        this.first = first;
        this.options = Collections.unmodifiableMap(options);
    }

    /** @throws IllegalArgumentException for an empty condition, an option without '=' or given twice */
    static MatcherCondition parse(String matcher, String condition) {
        String text = condition == null ? "" : condition.strip();
        if (text.isEmpty()) {
            throw new IllegalArgumentException(matcher + ": a condition is required (" + matcher + "=...)");
        }
        String[] words = text.split("\\s+");
        Map<String, String> options = new LinkedHashMap<>();
        for (String w : Arrays.asList(words).subList(1, words.length)) {
            int eq = w.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException(matcher + ": option '" + w + "' is not name=value");
            }
            if (options.put(w.substring(0, eq), w.substring(eq + 1)) != null) {
                throw new IllegalArgumentException(matcher + ": option '" + w.substring(0, eq) + "' given twice");
            }
        }
        return new MatcherCondition(words[0], options);
    }

    /** The option {@code key} names, read by the key; its default when absent. */
    <T> T option(Setting<T> key) {
        return key.readOrDefault(key.name(), options.get(key.name()));
    }

    /** The first word split at commas, each trimmed, none empty. */
    List<String> list() {
        List<String> out = new ArrayList<>();
        for (String s : first.split(",")) {
            if (!s.isBlank()) {
                out.add(s.strip());
            }
        }
        return out;
    }

    /** The engine settings among the options; every other option must be in {@code allowed}. */
    EngineSettings engineSettings(String matcher, List<String> allowed) {
        Map<String, String> engine = new LinkedHashMap<>();
        options.forEach((k, v) -> {
            if (EngineSettings.isSetting(k)) {
                engine.put(k, v);
            } else if (!allowed.contains(k)) {
                throw new IllegalArgumentException(matcher + ": unknown option '" + k + "'"
                        + (allowed.isEmpty() ? " (only dns.*, spf.* and callout.* settings)" : " (known: " + String.join(", ", allowed) + ", dns.*, spf.*, callout.*)"));
            }
        });
        try {
            return EngineSettings.flat(engine);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(matcher + ": " + e.getMessage(), e);
        }
    }
}
