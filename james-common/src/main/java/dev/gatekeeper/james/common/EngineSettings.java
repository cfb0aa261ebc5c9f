package dev.gatekeeper.james.common;

import dev.gatekeeper.callout.CalloutSettings;
import dev.gatekeeper.dns.ResolverSettings;
import dev.gatekeeper.spf.SpfSettings;
import dev.gatekeeper.state.StateSettings;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The engine settings of one James component (the SMTP handler, a mailet, a matcher), read once
 * from James's configuration and checked there: one immutable settings value per engine. Equal
 * settings are equal values, and {@link SharedEngines} gives every component with equal settings
 * the same engines.
 *
 * <p>The handler gives them as child elements ({@code <dns><timeout>2s</timeout></dns>}, read by
 * each engine's own {@code parse}); mailets and matchers give them flat, each key of
 * {@link ResolverSettings#KEYS}, {@link SpfSettings#KEYS} and {@link CalloutSettings#KEYS} with
 * its engine's prefix: {@code dns.servers}, {@code spf.timeBudget}, {@code callout.port}
 * ({@link #flat}). Their shared state is in process.
 */
public final class EngineSettings {

    public static final String DNS = "dns.";
    public static final String SPF = "spf.";
    public static final String CALLOUT = "callout.";

    private final ResolverSettings dns;
    private final SpfSettings spf;
    private final CalloutSettings callout;
    private final StateSettings state;

    private EngineSettings(ResolverSettings dns, SpfSettings spf, CalloutSettings callout, StateSettings state) {
        this.dns = Objects.requireNonNull(dns, "dns");
        this.spf = Objects.requireNonNull(spf, "spf");
        this.callout = Objects.requireNonNull(callout, "callout");
        this.state = Objects.requireNonNull(state, "state");
    }

    public static EngineSettings of(ResolverSettings dns, SpfSettings spf, CalloutSettings callout, StateSettings state) {
        return new EngineSettings(dns, spf, callout, state);
    }

    /** Whether a name is an engine setting, that is starts with one of the three prefixes. */
    public static boolean isSetting(String name) {
        return name.startsWith(DNS) || name.startsWith(SPF) || name.startsWith(CALLOUT);
    }

    /**
     * Reads prefixed settings (mailet parameters, matcher options), each by its engine's keys.
     *
     * @throws IllegalArgumentException naming the setting with its prefix and the value:
     *     {@code unknown setting 'dns.server' (known: dns.servers, ...)}, {@code spf.timeBudget: 'soon' is not a duration ...}
     */
    public static EngineSettings flat(Map<String, String> settings) {
        Map<String, String> dns = new LinkedHashMap<>();
        Map<String, String> spf = new LinkedHashMap<>();
        Map<String, String> callout = new LinkedHashMap<>();
        settings.forEach((name, value) -> {
            if (name.startsWith(DNS)) {
                dns.put(name, value);
            } else if (name.startsWith(SPF)) {
                spf.put(name, value);
            } else if (name.startsWith(CALLOUT)) {
                callout.put(name, value);
            } else {
                throw new IllegalArgumentException("unknown setting '" + name + "' (engine settings start with dns., spf. or callout.)");
            }
        });
        return new EngineSettings(ResolverSettings.parse(dns, DNS), SpfSettings.parse(spf, SPF),
                CalloutSettings.parse(callout, CALLOUT), StateSettings.defaults());
    }

    /**
     * These settings for a server named {@code serverName}: SPF's {@code receiver} becomes that
     * name unless the configuration set one.
     */
    public EngineSettings namedFor(String serverName) {
        if (spf.configuredReceiver().isPresent()) {
            return this;
        }
        return new EngineSettings(dns, spf.toBuilder().receiver(serverName).build(), callout, state);
    }

    public ResolverSettings dns() {
        return dns;
    }

    public SpfSettings spf() {
        return spf;
    }

    public CalloutSettings callout() {
        return callout;
    }

    public StateSettings state() {
        return state;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof EngineSettings)) {
            return false;
        }
        EngineSettings e = (EngineSettings) o;
        return dns.equals(e.dns) && spf.equals(e.spf) && callout.equals(e.callout) && state.equals(e.state);
    }

    @Override
    public int hashCode() {
        return Objects.hash(dns, spf, callout, state);
    }

    @Override
    public String toString() {
        return dns + " " + spf + " " + callout + " " + state;
    }
}
