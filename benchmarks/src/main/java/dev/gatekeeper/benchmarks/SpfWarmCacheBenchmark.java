package dev.gatekeeper.benchmarks;

import dev.gatekeeper.dns.DnsjavaResolver;
import dev.gatekeeper.dns.LoopbackDnsServer;
import dev.gatekeeper.dns.ResolverSettings;
import dev.gatekeeper.dns.ZoneFile;
import dev.gatekeeper.spf.SpfEvaluator;
import dev.gatekeeper.spf.SpfResult;
import java.net.InetAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.james.jspf.impl.DNSServiceXBillImpl;
import org.apache.james.jspf.impl.SPF;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.xbill.DNS.SimpleResolver;

/**
 * SPF evaluations per second on one core once the DNS answers are cached, the state a busy
 * server is in: a sender domain with a typical record (own ranges, an include of a provider that
 * has its own include, the MX) checked for a client the last mechanism matches. Both engines
 * query the same DNS server on loopback over the real wire protocol and keep their resolver's
 * cache (Gatekeeper: {@link DnsjavaResolver}; jSPF 1.0.3: {@code DNSServiceXBillImpl}, dnsjava's
 * lookup cache), so after the warm-up neither sends a query.
 *
 * <pre>
 * java -jar benchmarks/target/gatekeeper-benchmarks.jar SpfWarmCacheBenchmark -f 1 -wi 3 -i 5 -w 2s -r 2s
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(1)
public class SpfWarmCacheBenchmark {

    static final String ZONE = String.join("\n",
            "$ORIGIN bench.test.",
            "$TTL 86400",
            "@        IN MX  10 mx1",
            "@        IN MX  20 mx2",
            "@        IN TXT \"v=spf1 ip4:192.0.2.0/28 ip6:2001:db8:1::/48 include:_spf.provider.test mx -all\"",
            "mx1      IN A   192.0.2.100",
            "mx2      IN A   198.51.100.7",
            "$ORIGIN provider.test.",
            "_spf     IN TXT \"v=spf1 ip4:203.0.113.0/26 include:_netblocks.provider.test ~all\"",
            "_netblocks IN TXT \"v=spf1 ip4:203.0.113.128/25 ip6:2001:db8:2::/48 ?all\"",
            "");

    /** Matched by the last mechanism ({@code mx}), after the include chain: the most work a pass takes. */
    static final String CLIENT = "198.51.100.7";

    private LoopbackDnsServer dns;
    private SpfEvaluator gatekeeper;
    private SPF jspf;
    private InetAddress client;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        dns = LoopbackDnsServer.start(ZoneFile.parse(ZONE, "bench"));
        client = InetAddress.getByName(CLIENT);
        gatekeeper = new SpfEvaluator(new DnsjavaResolver(ResolverSettings.builder()
                .server(dns.hostPort()).timeout(Duration.ofSeconds(2)).build()));
        SimpleResolver resolver = new SimpleResolver(dns.address());
        resolver.setPort(dns.port());
        jspf = JspfZoneDnsService.checker(new DNSServiceXBillImpl(resolver));
        String ours = gatekeeper();
        String theirs = jspf();
        if (!ours.equals(SpfResult.PASS.keyword()) || !theirs.equals("pass")) {
            throw new IllegalStateException("both engines must pass the client: gatekeeper " + ours + ", jSPF " + theirs);
        }
        // Say what "warm" means for each engine: the queries 100 checks still send.
        dns.resetCounters();
        for (int i = 0; i < 100; i++) {
            gatekeeper();
        }
        int ourQueries = dns.queries();
        dns.resetCounters();
        for (int i = 0; i < 100; i++) {
            jspf();
        }
        System.out.printf("%nDNS queries sent by 100 warm checks: Gatekeeper %d, jSPF %d%n", ourQueries, dns.queries());
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        dns.close();
    }

    @Benchmark
    public String gatekeeper() {
        return gatekeeper.checkMailFromBlocking(client, "mx2.bench.test", "alice@bench.test").result().keyword();
    }

    @Benchmark
    public String jspf() {
        return jspf.checkSPF(CLIENT, "alice@bench.test", "mx2.bench.test").getResult();
    }
}
