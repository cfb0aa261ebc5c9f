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
import dev.gatekeeper.policy.PolicySession;
import dev.gatekeeper.policy.Verdict;
import dev.gatekeeper.reputation.DnsListChecker;
import dev.gatekeeper.reputation.DnsListSettings;
import dev.gatekeeper.spf.SpfEvaluator;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * What Gatekeeper's policy costs one whole connection that delivers one message, the shape most
 * mail reaching an MX has: a new session, connect, HELO, MAIL (SPF), RCPT (relay rules, sender
 * callout), the end of DATA, with {@code conf/gatekeeper-policy.xml} over the real engines and
 * every DNS and callout answer cached (a DNS server and a peer MTA on loopback answered them once,
 * in the set-up). The policy's DNS lists are asked of an empty in-memory zone (the client is on
 * none), as the hook's checker would be answered from its cache. Nobody reads the verdicts'
 * traces, as in a James whose log is at INFO.
 *
 * <pre>
 * java -jar benchmarks/target/gatekeeper-benchmarks.jar PolicyConnectionBenchmark -f 1 -wi 5 -i 5 -w 2s -r 1s -prof gc
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class PolicyConnectionBenchmark {

    private LoopbackDnsServer dns;
    private ScriptedPeer peer;
    private CalloutVerifier callouts;
    private PolicyEngine engine;
    private ClientFacts client;

    @Setup
    public void setUp() throws Exception {
        dns = LoopbackDnsServer.start(ZoneFile.parse(LoadComparison.ZONE, "load.test"));
        peer = ScriptedPeer.on(LoadComparison.PEER).start();
        DnsjavaResolver resolver = new DnsjavaResolver(ResolverSettings.builder()
                .server(dns.hostPort()).timeout(Duration.ofSeconds(2)).build());
        callouts = CalloutVerifier.create(CalloutSettings.builder().port(peer.port()).allowPrivateTargets(true)
                .heloName("mx.gatekeeper.test").build(), resolver);
        PolicyConfig config = PolicyConfig.load(Path.of("conf/gatekeeper-policy.xml"));
        engine = PolicyEngine.create(config, new ListedChecks(EngineChecks.of(new SpfEvaluator(resolver), callouts),
                DnsListChecker.builder(DnsListSettings.defaults(), config.dnsLists(), ZoneResolver.builder().build()).build()),
                resolver);
        client = ClientFacts.of(InetAddress.getByName(LoadComparison.CLIENT), "client.load.test", false);
        Verdict first = connection();
        if (first.refuses() || peer.connections() != 1) {
            throw new IllegalStateException("the connection's message must be accepted after one callout: " + first
                    + ", peer connections " + peer.connections());
        }
    }

    @TearDown
    public void tearDown() {
        callouts.close();
        peer.close();
        dns.close();
    }

    /** Connect, HELO, MAIL, one RCPT, the end of DATA; each verdict awaited, as a hook does. */
    @Benchmark
    public Verdict connection() {
        PolicySession session = engine.openSession(client);
        session.connect().toCompletableFuture().join();
        session.helo("client.load.test").toCompletableFuture().join();
        session.mail("<" + LoadComparison.SENDER + ">", 2048).toCompletableFuture().join();
        Verdict rcpt = session.rcpt("<user1@gatekeeper.test>").toCompletableFuture().join();
        if (rcpt.refuses()) {
            throw new IllegalStateException("refused: " + rcpt + " " + rcpt.trace());
        }
        return session.data(2048).toCompletableFuture().join();
    }
}
