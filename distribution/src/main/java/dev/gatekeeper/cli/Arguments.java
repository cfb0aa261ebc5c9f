package dev.gatekeeper.cli;

import dev.gatekeeper.dns.SettingValues;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Parsed {@code --option value} arguments. Each command declares which options take a value,
 * which are flags and which may repeat; anything else is a usage error naming the option.
 */
final class Arguments {

    private final Map<String, List<String>> values;
    private final List<String> positional;

    private Arguments(Map<String, List<String>> values, List<String> positional) {
        this.values = values;
        this.positional = positional;
    }

    /**
     * Parses {@code args}.
     *
     * @param withValue options that take a value ({@code --name value} or {@code --name=value})
     * @param flags options without a value
     * @param repeatable options (among {@code withValue}) that may be given more than once
     */
    static Arguments parse(List<String> args, Set<String> withValue, Set<String> flags, Set<String> repeatable)
            throws UsageException {
        Map<String, List<String>> values = new LinkedHashMap<>();
        List<String> positional = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (!arg.startsWith("-") || arg.equals("-")) {
                positional.add(arg);
                continue;
            }
            String name = arg;
            String inline = null;
            int eq = arg.indexOf('=');
            if (arg.startsWith("--") && eq > 0) {
                name = arg.substring(0, eq);
                inline = arg.substring(eq + 1);
            }
            if (flags.contains(name)) {
                if (inline != null) {
                    throw new UsageException(name + " takes no value");
                }
                values.computeIfAbsent(name, k -> new ArrayList<>()).add("true");
            } else if (withValue.contains(name)) {
                String value = inline;
                if (value == null) {
                    if (i + 1 >= args.size()) {
                        throw new UsageException(name + " needs a value");
                    }
                    value = args.get(++i);
                }
                List<String> list = values.computeIfAbsent(name, k -> new ArrayList<>());
                if (!list.isEmpty() && !repeatable.contains(name)) {
                    throw new UsageException(name + " given more than once");
                }
                list.add(value);
            } else {
                throw new UsageException("unknown option " + name);
            }
        }
        return new Arguments(values, List.copyOf(positional));
    }

    Optional<String> value(String name) {
        List<String> list = values.get(name);
        return list == null ? Optional.empty() : Optional.of(list.get(0));
    }

    String required(String name) throws UsageException {
        return value(name).orElseThrow(() -> new UsageException("missing " + name));
    }

    /** A duration option ({@code 500ms}, {@code 20s}, {@code PT1M}), or {@code fallback} when absent. */
    Duration duration(String name, String fallback) throws UsageException {
        try {
            return SettingValues.duration(name, value(name).orElse(fallback));
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }

    List<String> all(String name) {
        return values.getOrDefault(name, List.of());
    }

    boolean flag(String name) {
        return values.containsKey(name);
    }

    List<String> positional() {
        return positional;
    }

}
