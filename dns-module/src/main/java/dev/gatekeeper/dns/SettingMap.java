package dev.gatekeeper.dns;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * The typed values of one {@link SettingKeys}: what was given, every other key at its default.
 * Immutable; two maps are equal when every key has an equal value, given or by default, so that
 * equal settings share one engine.
 */
public final class SettingMap {

    private final SettingKeys keys;
    private final Map<Setting<?>, Object> given;

    SettingMap(SettingKeys keys, Map<Setting<?>, Object> given) {
        this.keys = keys;
        this.given = Map.copyOf(given);
    }

    /** The value given, else the key's default (null for a key without one). */
    public <T> T get(Setting<T> key) {
        known(key);
        @SuppressWarnings("unchecked")
        T value = (T) given.get(key);
        return value != null ? value : key.defaultValue();
    }

    /** Whether the key was given, rather than left at its default. */
    public boolean isGiven(Setting<?> key) {
        known(key);
        return given.containsKey(key);
    }

    /**
     * These settings with {@code key} set to {@code value}, checked against its bounds.
     *
     * @throws IllegalArgumentException naming the key and the value
     */
    public <T> SettingMap with(Setting<T> key, T value) {
        known(key);
        Map<Setting<?>, Object> next = new LinkedHashMap<>(given);
        next.put(key, key.check(value));
        return new SettingMap(keys, next);
    }

    private void known(Setting<?> key) {
        if (!keys.contains(key)) {
            throw new IllegalArgumentException("'" + key.name() + "' is not one of " + keys);
        }
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof SettingMap)) {
            return false;
        }
        SettingMap other = (SettingMap) o;
        if (other.keys != keys) {
            return false;
        }
        for (Setting<?> k : keys.keys()) {
            if (!Objects.equals(get(k), other.get(k))) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        return keys.keys().stream().map(this::get).collect(Collectors.toList()).hashCode();
    }

    /** Every key as {@code name=value}, written as it is read. */
    @Override
    public String toString() {
        return keys.keys().stream().map(k -> k.name() + "=" + write(k)).collect(Collectors.joining(", "));
    }

    private <T> String write(Setting<T> key) {
        return key.write(get(key));
    }
}
