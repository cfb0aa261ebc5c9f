package dev.gatekeeper.james.common;

import dev.gatekeeper.callout.CalloutSettings;
import dev.gatekeeper.dns.ResolverSettings;
import dev.gatekeeper.spf.SpfSettings;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Engine settings written flat, as James's mailet parameters and matcher conditions are: each key
 * of {@link ResolverSettings#KEYS}, {@link SpfSettings#KEYS} and {@link CalloutSettings#KEYS}
 * with its engine's prefix, {@code dns.servers}, {@code dns.timeout}, {@code spf.timeBudget},
 * {@code callout.port} ... Mailets and matchers that give the same settings get the same engines
 * through {@code SharedEngines}. Immutable.
 */
public final class EngineSettings {

    public static final String DNS = "dns.";
    public static final String SPF = "spf.";
    public static final String CALLOUT = "callout.";

    private static final EngineSettings NONE = new EngineSettings(Map.of(), Map.of(), Map.of());

    private final Map<String, String> dns;
    private final Map<String, String> spf;
    private final Map<String, String> callout;

    private EngineSettings(Map<String, String> dns, Map<String, String> spf, Map<String, String> callout) {
        this.dns = Map.copyOf(dns);
        this.spf = Map.copyOf(spf);
        this.callout = Map.copyOf(callout);
    }

    /** No setting: the system's name servers and every engine default. */
    public static EngineSettings none() {
        return NONE;
    }

    /** Whether a name is an engine setting, that is starts with one of the three prefixes. */
    public static boolean isSetting(String name) {
        return name.startsWith(DNS) || name.startsWith(SPF) || name.startsWith(CALLOUT);
    }

    /**
     * Sorts prefixed settings into the three engines' maps.
     *
     * @throws IllegalArgumentException for a name without a known prefix or with a key its engine
     *     does not know, naming the name and the known keys
     */
    public static EngineSettings of(Map<String, String> settings) {
        Map<String, String> dns = new TreeMap<>();
        Map<String, String> spf = new TreeMap<>();
        Map<String, String> callout = new TreeMap<>();
        settings.forEach((name, value) -> {
            Objects.requireNonNull(value, name);
            if (name.startsWith(DNS)) {
                put(dns, name, DNS, ResolverSettings.KEYS.names(), value);
            } else if (name.startsWith(SPF)) {
                put(spf, name, SPF, SpfSettings.KEYS.names(), value);
            } else if (name.startsWith(CALLOUT)) {
                put(callout, name, CALLOUT, CalloutSettings.KEYS.names(), value);
            } else {
                throw new IllegalArgumentException("unknown setting '" + name + "' (engine settings start with dns., spf. or callout.)");
            }
        });
        EngineSettings s = new EngineSettings(dns, spf, callout);
        // Values are checked now, so that James refuses to start rather than fail at the first mail.
        ResolverSettings.parse(s.dns);
        SpfSettings.parse(s.spf);
        CalloutSettings.parse(s.callout);
        return s;
    }

    private static void put(Map<String, String> into, String name, String prefix, List<String> keys, String value) {
        String key = name.substring(prefix.length());
        if (!keys.contains(key)) {
            throw new IllegalArgumentException("unknown setting '" + name + "' (known: " + prefix
                    + String.join(", " + prefix, keys) + ")");
        }
        into.put(key, value.trim());
    }

    /** The {@code dns.} settings without their prefix, as {@code SharedEngines.resolver} takes them. */
    public Map<String, String> dns() {
        return dns;
    }

    public Map<String, String> spf() {
        return spf;
    }

    public Map<String, String> callout() {
        return callout;
    }

    @Override
    public String toString() {
        return "dns" + dns + " spf" + spf + " callout" + callout;
    }
}
