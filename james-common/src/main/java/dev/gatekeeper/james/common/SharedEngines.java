package dev.gatekeeper.james.common;

import dev.gatekeeper.callout.CalloutSettings;
import dev.gatekeeper.callout.CalloutVerifier;
import dev.gatekeeper.dns.DnsResolver;
import dev.gatekeeper.dns.DnsjavaResolver;
import dev.gatekeeper.dns.ResolverSettings;
import dev.gatekeeper.spf.SpfEvaluator;
import dev.gatekeeper.spf.SpfSettings;
import dev.gatekeeper.state.SharedState;
import dev.gatekeeper.state.StateSettings;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The engines of one James process. Every hook, mailet and matcher that names the same DNS, SPF
 * or callout settings gets the same instance, so they share one DNS cache, one callout cache and
 * one set of probe limits (a per-client probe budget means nothing if each mailet kept its own),
 * and the same {@link SharedState}: one set of rate counters, and one connection pool to Redis
 * with {@code store=redis}.
 *
 * <p>Settings are the {@code key=value} pairs of {@link ResolverSettings#parse},
 * {@link SpfSettings#parse}, {@link CalloutSettings#parse} and {@link StateSettings#parse}; an
 * invalid setting throws
 * {@link IllegalArgumentException} naming it, so James refuses to start. Instances live as long as
 * the extension class loader, that is as long as James.
 */
public final class SharedEngines {

    private static final Map<Map<String, String>, DnsResolver> RESOLVERS = new ConcurrentHashMap<>();
    private static final Map<List<Map<String, String>>, SpfEvaluator> SPF = new ConcurrentHashMap<>();
    private static final Map<List<Map<String, String>>, CalloutVerifier> CALLOUTS = new ConcurrentHashMap<>();
    private static final Map<Map<String, String>, SharedState> STATES = new ConcurrentHashMap<>();

    private SharedEngines() {
    }

    /** The resolver for these DNS settings (empty: the system's name servers, default timeouts). */
    public static DnsResolver resolver(Map<String, String> dns) {
        Map<String, String> key = key(dns);
        return shared(RESOLVERS, key, () -> {
            ResolverSettings settings = ResolverSettings.parse(key);
            return () -> new DnsjavaResolver(settings);
        });
    }

    /** The SPF evaluator for these settings, over {@link #resolver(Map)} of {@code dns}. */
    public static SpfEvaluator spf(Map<String, String> dns, Map<String, String> spf) {
        List<Map<String, String>> key = List.of(key(dns), key(spf));
        return shared(SPF, key, () -> {
            SpfSettings settings = SpfSettings.parse(key.get(1));
            DnsResolver resolver = resolver(dns);
            return () -> new SpfEvaluator(resolver, settings);
        });
    }

    /** The callout verifier for these settings, over {@link #resolver(Map)} of {@code dns}, with in-process state. */
    public static CalloutVerifier callouts(Map<String, String> dns, Map<String, String> callout) {
        return callouts(dns, callout, Map.of());
    }

    /**
     * The callout verifier for these settings, over {@link #resolver(Map)} of {@code dns}; its
     * answers are also kept in {@link #state(Map)} of {@code state}, so that with {@code store=redis}
     * an answer found by one James node serves the others.
     */
    public static CalloutVerifier callouts(Map<String, String> dns, Map<String, String> callout, Map<String, String> state) {
        List<Map<String, String>> key = List.of(key(dns), key(callout), key(state));
        return shared(CALLOUTS, key, () -> {
            CalloutSettings settings = CalloutSettings.parse(key.get(1));
            DnsResolver resolver = resolver(dns);
            // In-process state would only repeat the verifier's own cache.
            SharedState shared = StateSettings.parse(key.get(2)).store() == StateSettings.Store.REDIS ? state(state) : null;
            return () -> {
                CalloutVerifier.Builder b = CalloutVerifier.builder(settings, resolver);
                return (shared == null ? b : b.sharedState(shared)).build();
            };
        });
    }

    /**
     * The shared state for these settings (empty: in process). A Redis that does not answer is
     * handled by the state's fallback, never by an error here. It lives as long as James: its
     * connections and threads end with the process.
     */
    public static SharedState state(Map<String, String> state) {
        Map<String, String> key = key(state);
        return shared(STATES, key, () -> {
            StateSettings settings = StateSettings.parse(key);
            return () -> SharedState.open(settings, Clock.systemUTC());
        });
    }

    /**
     * The instance for {@code key}: an existing one, or one made by the factory that
     * {@code prepare} returns. Preparing (parsing the settings) happens outside computeIfAbsent,
     * so a bad setting throws to the caller and leaves nothing behind.
     */
    private static <K, V> V shared(Map<K, V> instances, K key, Supplier<Supplier<V>> prepare) {
        V existing = instances.get(key);
        if (existing != null) {
            return existing;
        }
        Supplier<V> factory = prepare.get();
        return instances.computeIfAbsent(key, k -> factory.get());
    }

    // Equal settings written in another order are the same key.
    private static Map<String, String> key(Map<String, String> settings) {
        Map<String, String> sorted = new TreeMap<>();
        settings.forEach((k, v) -> sorted.put(k, v == null ? "" : v.trim()));
        return Map.copyOf(sorted);
    }
}
