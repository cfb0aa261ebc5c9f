package dev.gatekeeper.benchmarks;

import dev.gatekeeper.benchmarks.load.LoadComparison;
import dev.gatekeeper.callout.CalloutSettings;
import dev.gatekeeper.callout.CalloutVerifier;
import dev.gatekeeper.callout.ScriptedPeer;
import dev.gatekeeper.dns.DnsjavaResolver;
import dev.gatekeeper.dns.LoopbackDnsServer;
import dev.gatekeeper.dns.ResolverSettings;
import dev.gatekeeper.dns.ZoneFile;
import dev.gatekeeper.dns.ZoneResolver;
import dev.gatekeeper.policy.ClientFacts;
import dev.gatekeeper.policy.EngineChecks;
import dev.gatekeeper.policy.PolicyConfig;
import dev.gatekeeper.policy.PolicyEngine;
import dev.gatekeeper.reputation.DnsListChecker;
import dev.gatekeeper.reputation.DnsListSettings;
import dev.gatekeeper.spf.SpfEvaluator;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The policy benchmarks' fixture: {@code conf/gatekeeper-policy.xml} over the real engines, a DNS
 * server on loopback serving the load zone and a peer MTA for the sender callout, and the
 * policy's DNS lists asked of an empty in-memory zone (the load's client is on none) through
 * {@link ListedChecks}, as the hook's checker would answer them from its cache.
 */
final class LoadPolicy implements AutoCloseable {

    /** The load's client, with its verified name, not trusted. */
    final ClientFacts client;
    final PolicyEngine engine;
    private final LoopbackDnsServer dns;
    private final ScriptedPeer peer;
    private final CalloutVerifier callouts;

    private LoadPolicy(LoopbackDnsServer dns, ScriptedPeer peer, CalloutVerifier callouts, PolicyEngine engine,
            ClientFacts client) {
        this.dns = dns;
        this.peer = peer;
        this.callouts = callouts;
        this.engine = engine;
        this.client = client;
    }

    static LoadPolicy start() throws IOException {
        LoopbackDnsServer dns = LoopbackDnsServer.start(ZoneFile.parse(LoadComparison.ZONE, "load.test"));
        ScriptedPeer peer = ScriptedPeer.on(LoadComparison.PEER).start();
        DnsjavaResolver resolver = new DnsjavaResolver(ResolverSettings.builder()
                .server(dns.hostPort()).timeout(Duration.ofSeconds(2)).build());
        CalloutVerifier callouts = CalloutVerifier.create(CalloutSettings.builder().port(peer.port()).allowPrivateTargets(true)
                .heloName("mx.gatekeeper.test").build(), resolver);
        PolicyConfig config = PolicyConfig.load(Path.of("conf/gatekeeper-policy.xml"));
        PolicyEngine engine = PolicyEngine.create(config, new ListedChecks(EngineChecks.of(new SpfEvaluator(resolver), callouts),
                DnsListChecker.builder(DnsListSettings.defaults(), config.dnsLists(), ZoneResolver.builder().build()).build()),
                resolver);
        return new LoadPolicy(dns, peer, callouts, engine,
                ClientFacts.of(InetAddress.getByName(LoadComparison.CLIENT), "client.load.test", false));
    }

    /** How many connections the callout peer has had: one, after the first transaction, if the cache works. */
    int calloutConnections() {
        return peer.connections();
    }

    @Override
    public void close() {
        callouts.close();
        peer.close();
        dns.close();
    }
}
