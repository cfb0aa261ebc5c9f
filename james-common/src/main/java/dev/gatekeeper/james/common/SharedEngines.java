package dev.gatekeeper.james.common;

import dev.gatekeeper.dkim.DkimSettings;
import dev.gatekeeper.dkim.DkimVerifier;
import dev.gatekeeper.dmarc.DmarcReportStore;
import dev.gatekeeper.dmarc.DmarcSettings;
import dev.gatekeeper.dmarc.MessageAuthenticator;
import dev.gatekeeper.callout.CalloutVerifier;
import dev.gatekeeper.dns.DnsResolver;
import dev.gatekeeper.dns.DnsjavaResolver;
import dev.gatekeeper.dns.ResolverSettings;
import dev.gatekeeper.reputation.DnsList;
import dev.gatekeeper.reputation.DnsListChecker;
import dev.gatekeeper.reputation.DnsListSettings;
import dev.gatekeeper.reputation.Greylist;
import dev.gatekeeper.reputation.GreylistSettings;
import dev.gatekeeper.spf.SpfEvaluator;
import dev.gatekeeper.state.SharedState;
import dev.gatekeeper.state.StateSettings;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.LoggerFactory;

/**
 * The engines of one James process. Every hook, mailet and matcher whose {@link EngineSettings}
 * are equal for an engine gets the same instance, so they share one DNS cache, one callout cache
 * and one set of probe limits (a per-client probe budget means nothing if each mailet kept its
 * own), and the same {@link SharedState}: one set of rate counters, and one connection pool to
 * Redis with {@code store=redis}.
 *
 * <p>The settings were read and checked when the component started; nothing is parsed here.
 * Instances live as long as the extension class loader, that is as long as James.
 */
public final class SharedEngines {

    private static final Map<ResolverSettings, DnsResolver> RESOLVERS = new ConcurrentHashMap<>();
    private static final Map<List<Object>, SpfEvaluator> SPF = new ConcurrentHashMap<>();
    private static final Map<List<Object>, CalloutVerifier> CALLOUTS = new ConcurrentHashMap<>();
    private static final Map<StateSettings, SharedState> STATES = new ConcurrentHashMap<>();
    private static final Map<List<Object>, MessageAuthenticator> MESSAGES = new ConcurrentHashMap<>();
    private static final Map<List<Object>, DnsListChecker> DNS_LISTS = new ConcurrentHashMap<>();
    private static final Map<List<Object>, Greylist> GREYLISTS = new ConcurrentHashMap<>();
    private static final Map<StateSettings, Optional<DmarcReportStore>> DMARC_REPORTS = new ConcurrentHashMap<>();

    private SharedEngines() {
    }

    /** The resolver of these settings' {@code dns}. */
    public static DnsResolver resolver(EngineSettings settings) {
        return RESOLVERS.computeIfAbsent(settings.dns(), DnsjavaResolver::new);
    }

    /** The SPF evaluator of these settings' {@code spf}, over {@link #resolver}. */
    public static SpfEvaluator spf(EngineSettings settings) {
        DnsResolver resolver = resolver(settings);
        return SPF.computeIfAbsent(List.of(settings.dns(), settings.spf()), k -> new SpfEvaluator(resolver, settings.spf()));
    }

    /**
     * The callout verifier of these settings' {@code callout}, over {@link #resolver}; with
     * {@code store=redis} its answers are also kept in {@link #state}, so that an answer found by
     * one James node serves the others.
     */
    public static CalloutVerifier callouts(EngineSettings settings) {
        DnsResolver resolver = resolver(settings);
        // In-process state would only repeat the verifier's own cache.
        SharedState shared = settings.state().store() == StateSettings.Store.REDIS ? state(settings) : null;
        return CALLOUTS.computeIfAbsent(List.of(settings.dns(), settings.callout(), settings.state()), k -> {
            CalloutVerifier.Builder b = CalloutVerifier.builder(settings.callout(), resolver);
            return (shared == null ? b : b.sharedState(shared)).build();
        });
    }

    /** DKIM and DMARC over {@link #resolver}, one per equal DNS, DKIM and DMARC settings. */
    public static MessageAuthenticator messages(EngineSettings settings, DkimSettings dkim, DmarcSettings dmarc) {
        DnsResolver resolver = resolver(settings);
        return MESSAGES.computeIfAbsent(List.of(settings.dns(), dkim, dmarc),
                k -> new MessageAuthenticator(new DkimVerifier(resolver, dkim), dmarc.evaluator(resolver)));
    }

    /**
     * The DNS list checker of these lists (a policy's {@code <dnsbl>} declarations) and settings,
     * over {@link #resolver}: one per equal lists and settings, so that every connection shares
     * the resolver's cache and in-flight lookups, and a failing list is logged once per interval.
     */
    public static DnsListChecker dnsLists(EngineSettings settings, DnsListSettings lists, List<DnsList> declared) {
        DnsResolver resolver = resolver(settings);
        return DNS_LISTS.computeIfAbsent(List.of(settings.dns(), lists, List.copyOf(declared)),
                k -> DnsListChecker.builder(lists, declared, resolver).build());
    }

    /**
     * Greylisting with these settings over {@link #state}: with {@code store=redis} a triplet
     * retried on another James node passes there.
     */
    public static Greylist greylist(EngineSettings settings, GreylistSettings greylist) {
        SharedState shared = state(settings);
        return GREYLISTS.computeIfAbsent(List.of(settings.state(), greylist), k -> Greylist.create(greylist, shared, Clock.systemUTC()));
    }

    /**
     * The shared state of these settings' {@code state}. A Redis that does not answer is handled
     * by the state's fallback, never by an error here. It lives as long as James: its connections
     * and threads end with the process.
     */
    public static SharedState state(EngineSettings settings) {
        return STATES.computeIfAbsent(settings.state(), s -> SharedState.open(s, Clock.systemUTC()));
    }

    /**
     * Where DMARC aggregate report rows are counted: {@link #state} with {@code store=redis}.
     * Empty with the in-process store, whose counts no {@code dmarc-report} command could read
     * (it is another process): nothing is counted, and that is said once in the log.
     */
    public static Optional<DmarcReportStore> dmarcReports(EngineSettings settings) {
        return DMARC_REPORTS.computeIfAbsent(settings.state(), s -> {
            if (s.store() == StateSettings.Store.LOCAL) {
                LoggerFactory.getLogger(SharedEngines.class).warn("DMARC aggregate reports: <dmarc><reports> is on but the state is "
                        + "in-process, which the dmarc-report command cannot read: nothing is counted; "
                        + "use <state><store>redis</store> (README-dmarc.md, Aggregate reports)");
                return Optional.empty();
            }
            return Optional.of(new DmarcReportStore(state(settings), Clock.systemUTC()));
        });
    }
}
