package dev.gatekeeper.james.mailets;

import dev.gatekeeper.dns.Setting;
import dev.gatekeeper.james.common.EngineSettings;
import dev.gatekeeper.james.common.JamesGeneration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.mailet.base.GenericMailet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What Gatekeeper's mailets share: parameters read once in {@link #init()}, an unknown parameter
 * or a bad value refused there with a message naming it (so James does not start with a mailet
 * that would do something else than written), engine settings as prefixed parameters
 * ({@code dns.servers}, {@code spf.timeBudget}, {@code callout.port} ...), and decisions logged
 * at debug level. Mailets name no mail API type (javax or jakarta mail) themselves, so that a jar
 * in the wrong James stops it with {@link JamesGeneration}'s message; {@link MailHeaders} and
 * {@link DeliveryStatusReport} touch the message.
 */
abstract class GatekeeperMailet extends GenericMailet {

    /** Parameters James's mailet container itself reads from every mailet element. */
    private static final Set<String> CONTAINER_PARAMETERS = Set.of("onMailetException", "onMatchException");

    final Logger log = LoggerFactory.getLogger(getClass());
    /** Read in {@link #init()}. */
    EngineSettings engines;

    @Override
    public final void init() {
        JamesGeneration.require(getMailetName());
        Map<String, String> settings = new LinkedHashMap<>();
        List<String> unknown = new ArrayList<>();
        for (Iterator<String> it = getInitParameterNames(); it.hasNext(); ) {
            String name = it.next();
            if (EngineSettings.isSetting(name)) {
                settings.put(name, getInitParameter(name));
            } else if (!parameters().contains(name) && !CONTAINER_PARAMETERS.contains(name)) {
                unknown.add(name);
            }
        }
        try {
            if (!unknown.isEmpty()) {
                throw new IllegalArgumentException("unknown parameter" + (unknown.size() > 1 ? "s " : " ") + String.join(", ", unknown)
                        + " (known: " + String.join(", ", new TreeSet<>(parameters())) + ", dns.*, spf.*, callout.*)");
            }
            engines = EngineSettings.flat(settings);
            configure();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(getMailetName() + ": " + e.getMessage(), e);
        }
    }

    /** The mailet's own parameter names. */
    abstract Set<String> parameters();

    /** Reads the parameters; throws IllegalArgumentException naming a bad one. */
    abstract void configure();

    /** A parameter's value, trimmed, or the default when absent or blank. */
    String parameter(String name, String defaultValue) {
        String v = getInitParameter(name);
        return v == null || v.isBlank() ? defaultValue : v.strip();
    }

    /** A parameter read by its key; the key's default when absent or blank. */
    <T> T parameter(Setting<T> key) {
        String v = getInitParameter(key.name());
        return v == null || v.isBlank() ? key.defaultValue() : key.read(v);
    }

    /** A comma or space separated list parameter, each word checked against {@code allowed}. */
    List<String> words(String name, String defaultValue, List<String> allowed) {
        List<String> out = new ArrayList<>();
        for (String w : parameter(name, defaultValue).split("[,\\s]+")) {
            if (w.isEmpty()) {
                continue;
            }
            String word = w.toLowerCase(java.util.Locale.ROOT);
            if (!allowed.contains(word)) {
                throw new IllegalArgumentException(name + ": unknown value '" + w + "' (" + String.join(", ", allowed) + ")");
            }
            if (!out.contains(word)) {
                out.add(word);
            }
        }
        return out;
    }
}
