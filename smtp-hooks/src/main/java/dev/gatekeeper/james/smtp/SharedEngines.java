package dev.gatekeeper.james.smtp;

import dev.gatekeeper.callout.CalloutSettings;
import dev.gatekeeper.callout.CalloutVerifier;
import dev.gatekeeper.dns.DnsResolver;
import dev.gatekeeper.dns.DnsjavaResolver;
import dev.gatekeeper.dns.ResolverSettings;
import dev.gatekeeper.spf.SpfEvaluator;
import dev.gatekeeper.spf.SpfSettings;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The engines of one James process. Every hook, mailet and matcher that names the same DNS, SPF
 * or callout settings gets the same instance, so they share one DNS cache, one callout cache and
 * one set of probe limits (a per-client probe budget means nothing if each mailet kept its own).
 *
 * <p>Settings are the {@code key=value} pairs of {@link ResolverSettings#parse},
 * {@link SpfSettings#parse} and {@link CalloutSettings#parse}; an invalid setting throws
 * {@link IllegalArgumentException} naming it, so James refuses to start. Instances live as long as
 * the extension class loader, that is as long as James.
 */
public final class SharedEngines {

    private static final Map<Map<String, String>, DnsResolver> RESOLVERS = new ConcurrentHashMap<>();
    private static final Map<List<Map<String, String>>, SpfEvaluator> SPF = new ConcurrentHashMap<>();
    private static final Map<List<Map<String, String>>, CalloutVerifier> CALLOUTS = new ConcurrentHashMap<>();

    private SharedEngines() {
    }

    /** The resolver for these DNS settings (empty: the system's name servers, default timeouts). */
    public static DnsResolver resolver(Map<String, String> dns) {
        Map<String, String> key = key(dns);
        DnsResolver existing = RESOLVERS.get(key);
        if (existing != null) {
            return existing;
        }
        ResolverSettings settings = ResolverSettings.parse(key);
        return RESOLVERS.computeIfAbsent(key, k -> new DnsjavaResolver(settings));
    }

    /** The SPF evaluator for these settings, over {@link #resolver(Map)} of {@code dns}. */
    public static SpfEvaluator spf(Map<String, String> dns, Map<String, String> spf) {
        List<Map<String, String>> key = List.of(key(dns), key(spf));
        SpfEvaluator existing = SPF.get(key);
        if (existing != null) {
            return existing;
        }
        SpfSettings settings = SpfSettings.parse(key.get(1));
        DnsResolver resolver = resolver(dns);
        return SPF.computeIfAbsent(key, k -> new SpfEvaluator(resolver, settings));
    }

    /** The callout verifier for these settings, over {@link #resolver(Map)} of {@code dns}. */
    public static CalloutVerifier callouts(Map<String, String> dns, Map<String, String> callout) {
        List<Map<String, String>> key = List.of(key(dns), key(callout));
        CalloutVerifier existing = CALLOUTS.get(key);
        if (existing != null) {
            return existing;
        }
        CalloutSettings settings = CalloutSettings.parse(key.get(1));
        DnsResolver resolver = resolver(dns);
        return CALLOUTS.computeIfAbsent(key, k -> CalloutVerifier.create(settings, resolver));
    }

    // Parsing happens before computeIfAbsent so a bad setting throws to the caller and leaves
    // nothing behind; equal settings written in another order are the same key.
    private static Map<String, String> key(Map<String, String> settings) {
        Map<String, String> sorted = new TreeMap<>();
        settings.forEach((k, v) -> sorted.put(k, v == null ? "" : v.trim()));
        return Map.copyOf(sorted);
    }
}
