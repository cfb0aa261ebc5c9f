package dev.gatekeeper.dns;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The settings of one engine or adapter, in the order of their documentation table, and the one
 * reader of their text: {@link #read(Map)} takes {@code name=value} pairs as a configuration
 * gives them and returns the typed {@link SettingMap}, or refuses the first problem with a
 * message naming the setting and the value. Immutable.
 */
public final class SettingKeys {

    private final List<Setting<?>> keys;
    private final Map<String, Setting<?>> byName;

    private SettingKeys(List<Setting<?>> keys) {
        this.keys = List.copyOf(keys);
        Map<String, Setting<?>> names = new LinkedHashMap<>();
        for (Setting<?> k : keys) {
            if (names.put(k.name(), k) != null) {
                throw new IllegalArgumentException("setting '" + k.name() + "' declared twice");
            }
        }
        this.byName = names;
    }

    public static SettingKeys of(Setting<?>... keys) {
        return new SettingKeys(List.of(keys));
    }

    public List<Setting<?>> keys() {
        return keys;
    }

    /** The names, in order. */
    public List<String> names() {
        return keys.stream().map(Setting::name).collect(Collectors.toUnmodifiableList());
    }

    public boolean contains(Setting<?> key) {
        return byName.get(key.name()) == key;
    }

    /** Every key at its default. */
    public SettingMap defaults() {
        return new SettingMap(this, Map.of());
    }

    /** Reads settings named as the keys are. */
    public SettingMap read(Map<String, String> text) {
        return read(text, "");
    }

    /**
     * Reads settings written with a prefix ({@code dns.timeout} for {@code timeout}), as flat
     * parameters are; every message names a setting with its prefix. Unknown names are refused
     * first, then each value in the order of the keys; a key without text keeps its default.
     *
     * @throws IllegalArgumentException {@code unknown setting 'x' (known: ...)}, {@code name: no
     *     value}, or the key's own message naming the value
     */
    public SettingMap read(Map<String, String> text, String prefix) {
        SortedSet<String> unknown = new TreeSet<>();
        for (String name : text.keySet()) {
            if (!name.startsWith(prefix) || !byName.containsKey(name.substring(prefix.length()))) {
                unknown.add(name);
            }
        }
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("unknown setting '" + unknown.first() + "' (known: "
                    + keys.stream().map(k -> prefix + k.name()).collect(Collectors.joining(", ")) + ")");
        }
        Map<Setting<?>, Object> given = new LinkedHashMap<>();
        for (Setting<?> k : keys) {
            String name = prefix + k.name();
            if (text.containsKey(name)) {
                given.put(k, k.read(name, text.get(name)));
            }
        }
        return new SettingMap(this, given);
    }

    @Override
    public String toString() {
        return names().toString();
    }
}
