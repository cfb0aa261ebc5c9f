package dev.gatekeeper.dns;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class DnsjavaResolverTest {

    private static final Duration TIMEOUT = Duration.ofMillis(400);
    private static final Duration WAIT = Duration.ofSeconds(10);

    private final MutableClock clock = new MutableClock();
    private LoopbackDnsServer server;
    private DnsjavaResolver resolver;

    static ZoneFile exampleZone() throws Exception {
        return ZoneFile.load(resource("example.test.zone"));
    }

    static Path resource(String name) throws URISyntaxException {
        return Path.of(DnsjavaResolverTest.class.getResource("/" + name).toURI());
    }

    @BeforeEach
    void start() throws Exception {
        server = LoopbackDnsServer.start(exampleZone());
        resolver = resolver(ResolverSettings.builder().server(server.hostPort()).timeout(TIMEOUT).retries(1));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private DnsjavaResolver resolver(ResolverSettings.Builder settings) {
        return new DnsjavaResolver(settings.build(), clock, ForkJoinPool.commonPool());
    }

    private DnsAnswer lookup(String name, RecordType type) {
        return resolver.lookupBlocking(name, type, WAIT);
    }

    @Test
    void answersEachRecordType() throws Exception {
        assertThat(lookup("example.test", RecordType.A).records())
                .containsExactly(AddressRecord.of(InetAddress.getByName("192.0.2.1")));
        assertThat(lookup("EXAMPLE.test.", RecordType.AAAA).records())
                .containsExactly(AddressRecord.of(InetAddress.getByName("2001:db8::1")));
        assertThat(lookup("example.test", RecordType.MX).records())
                .containsExactlyInAnyOrder(MxRecord.of(10, "mx1.example.test"), MxRecord.of(20, "mx2.example.test"));
        assertThat(lookup("nullmx.example.test", RecordType.MX).records()).containsExactly(MxRecord.of(0, ""));
        assertThat(lookup("example.test", RecordType.TXT).records(TxtRecord.class))
                .singleElement()
                .satisfies(t -> assertThat(t.strings()).containsExactly("v=spf1 ", "ip4:192.0.2.0/24 -all"))
                .satisfies(t -> assertThat(t.text()).isEqualTo("v=spf1 ip4:192.0.2.0/24 -all"));
        assertThat(lookup("latin1.example.test", RecordType.TXT).records(TxtRecord.class).get(0).text())
                .isEqualTo("caf\u00e9");
        assertThat(lookup(DnsNames.reverseName(InetAddress.getByName("192.0.2.1")), RecordType.PTR).records())
                .containsExactly(PtrRecord.of("example.test"));
    }

    @Test
    void answersNodataAndNxdomain() {
        assertThat(lookup("mx1.example.test", RecordType.MX).status()).isEqualTo(DnsAnswer.Status.NODATA);
        assertThat(lookup("b.deep.example.test", RecordType.A).status()).isEqualTo(DnsAnswer.Status.NODATA);
        assertThat(lookup("spfonly.example.test", RecordType.TXT).status()).isEqualTo(DnsAnswer.Status.NODATA);
        assertThat(lookup("nowhere.example.test", RecordType.A).status()).isEqualTo(DnsAnswer.Status.NXDOMAIN);
        assertThat(lookup("gone.example.test", RecordType.A).status()).isEqualTo(DnsAnswer.Status.NXDOMAIN);
    }

    @Test
    void followsCnameChainsInTheAnswer() throws Exception {
        assertThat(lookup("www.example.test", RecordType.A).records())
                .containsExactly(AddressRecord.of(InetAddress.getByName("192.0.2.1")));
        assertThat(server.queries()).isEqualTo(1);
    }

    @Test
    void asksForTheTargetWhenTheAnswerStopsAtACname() throws Exception {
        server.chaseCnames(false);

        assertThat(lookup("www.example.test", RecordType.A).records())
                .containsExactly(AddressRecord.of(InetAddress.getByName("192.0.2.1")));
        assertThat(lookup("elsewhere.example.test", RecordType.A).records())
                .containsExactly(AddressRecord.of(InetAddress.getByName("192.0.2.40")));

        assertThat(server.queries("www.example.test", "A")).isEqualTo(1);
        assertThat(server.queries("web.example.test", "A")).isEqualTo(1);
        assertThat(server.queries("example.test", "A")).isEqualTo(1);
        assertThat(server.queries("target.other.test", "A")).isEqualTo(1);
    }

    @Test
    void cnameLoopsAndOverlongChainsFailTemporarily() {
        for (boolean chase : new boolean[] {true, false}) {
            server.chaseCnames(chase);
            // A fresh resolver: nothing cached from the other round.
            resolver = resolver(ResolverSettings.builder().server(server.hostPort()).timeout(TIMEOUT).retries(1));
            DnsAnswer loop = lookup("loop1.example.test", RecordType.A);
            assertThat(loop.status()).as("chase=%s", chase).isEqualTo(DnsAnswer.Status.TEMPFAIL);
            assertThat(loop.problem()).startsWith("CNAME loop at loop1.example.test");
            assertThat(lookup("self.example.test", RecordType.A).problem()).startsWith("CNAME loop");
            assertThat(lookup("c0.example.test", RecordType.A).problem())
                    .isEqualTo("CNAME chain longer than 8 at c0.example.test");
        }
    }

    @Test
    void servfailIsATemporaryFailureAndIsNotCached() {
        server.servfail(true);

        DnsAnswer answer = lookup("example.test", RecordType.A);

        assertThat(answer.status()).isEqualTo(DnsAnswer.Status.TEMPFAIL);
        assertThat(answer.problem()).isEqualTo(
                "SERVFAIL querying " + server.hostPort() + " for example.test. A (2 attempts)");
        assertThat(resolver.cacheStats().size()).isZero();

        server.servfail(false);
        assertThat(lookup("example.test", RecordType.A).status()).isEqualTo(DnsAnswer.Status.RECORDS);
    }

    @Test
    void timeoutIsATemporaryFailureWithinTimeoutTimesAttempts() {
        server.drop(true);

        long start = System.nanoTime();
        DnsAnswer answer = lookup("example.test", RecordType.A);
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertThat(answer.status()).isEqualTo(DnsAnswer.Status.TEMPFAIL);
        assertThat(answer.problem()).isEqualTo("timed out after 400 ms querying " + server.hostPort()
                + " for example.test. A (2 attempts)");
        assertThat(took).isGreaterThanOrEqualTo(TIMEOUT.multipliedBy(2)).isLessThan(TIMEOUT.multipliedBy(2).plusMillis(1500));
        assertThat(server.udpQueries()).isEqualTo(2);
        assertThat(resolver.cacheStats().size()).isZero();
    }

    @Test
    void slowAnswerWithinTheTimeoutIsUsed() {
        server.delay(Duration.ofMillis(100));

        assertThat(lookup("example.test", RecordType.A).status()).isEqualTo(DnsAnswer.Status.RECORDS);
    }

    @Test
    void retriesGoToTheNextServer() throws Exception {
        try (LoopbackDnsServer dead = LoopbackDnsServer.start(exampleZone()).drop(true)) {
            resolver = resolver(ResolverSettings.builder().server(dead.hostPort()).server(server.hostPort())
                    .timeout(TIMEOUT).retries(1));

            assertThat(lookup("example.test", RecordType.A).status()).isEqualTo(DnsAnswer.Status.RECORDS);
            assertThat(dead.queries()).isEqualTo(1);
            assertThat(server.queries()).isEqualTo(1);
        }
    }

    @Test
    void queriesCarryEdns0WithThePayloadSize() {
        lookup("example.test", RecordType.A);
        assertThat(server.lastEdnsPayloadSize()).isEqualTo(1232);

        resolver = resolver(ResolverSettings.builder().server(server.hostPort()).ednsPayloadSize(4096));
        lookup("mx1.example.test", RecordType.A);
        assertThat(server.lastEdnsPayloadSize()).isEqualTo(4096);
    }

    @Test
    void faultOnOneNameLeavesTheOthersAlone() {
        server.drop(true).onlyFor("mx1.example.test");
        assertThat(lookup("mx1.example.test", RecordType.A).status()).isEqualTo(DnsAnswer.Status.TEMPFAIL);
        assertThat(lookup("example.test", RecordType.A).status()).isEqualTo(DnsAnswer.Status.RECORDS);
    }

    @Test
    void truncatedUdpAnswerIsAskedAgainOverTcp() throws Exception {
        server.truncateUdp(true);

        assertThat(lookup("example.test", RecordType.MX).records()).hasSize(2);
        assertThat(server.udpQueries()).isEqualTo(1);
        assertThat(server.tcpQueries()).isEqualTo(1);
    }

    @Test
    void hugeRecordSetArrivesWholeOverTcp() {
        server.hugeAnswers(300);

        assertThat(lookup("example.test", RecordType.A).records()).hasSize(300);
        assertThat(lookup("example.test", RecordType.TXT).records()).hasSize(300);
        assertThat(server.udpQueries()).isEqualTo(2);
        assertThat(server.tcpQueries()).isEqualTo(2);
    }

    @Test
    void cachesForTheSmallestTtlOfTheAnswer() {
        // short (CNAME, TTL 60) -> mx2 (two A records, TTL 120)
        assertThat(lookup("short.example.test", RecordType.A).records()).hasSize(2);
        clock.advance(Duration.ofSeconds(59));
        assertThat(lookup("short.example.test", RecordType.A).records()).hasSize(2);
        assertThat(server.queries()).isEqualTo(1);
        assertThat(resolver.cacheStats().hits()).isEqualTo(1);

        clock.advance(Duration.ofSeconds(2));
        assertThat(lookup("short.example.test", RecordType.A).records()).hasSize(2);
        assertThat(server.queries()).isEqualTo(2);
        assertThat(resolver.cacheStats()).satisfies(s -> {
            assertThat(s.hits()).isEqualTo(1);
            assertThat(s.misses()).isEqualTo(2);
            assertThat(s.size()).isEqualTo(1);
        });
    }

    @Test
    void cachesNegativeAnswersForTheSoaMinimum() {
        // SOA TTL 300, MINIMUM 60: RFC 2308 §5 takes the smaller.
        assertThat(lookup("nowhere.example.test", RecordType.A).status()).isEqualTo(DnsAnswer.Status.NXDOMAIN);
        assertThat(lookup("mx1.example.test", RecordType.MX).status()).isEqualTo(DnsAnswer.Status.NODATA);
        clock.advance(Duration.ofSeconds(59));
        assertThat(lookup("nowhere.example.test", RecordType.A).status()).isEqualTo(DnsAnswer.Status.NXDOMAIN);
        assertThat(lookup("mx1.example.test", RecordType.MX).status()).isEqualTo(DnsAnswer.Status.NODATA);
        assertThat(server.queries()).isEqualTo(2);

        clock.advance(Duration.ofSeconds(2));
        assertThat(lookup("nowhere.example.test", RecordType.A).status()).isEqualTo(DnsAnswer.Status.NXDOMAIN);
        assertThat(server.queries()).isEqualTo(3);
    }

    @Test
    void negativeAnswerWithoutSoaIsNotCached() {
        // other.test has no SOA in the data, so its negative answers carry none.
        assertThat(lookup("none.other.test", RecordType.A).status()).isEqualTo(DnsAnswer.Status.NXDOMAIN);
        assertThat(lookup("none.other.test", RecordType.A).status()).isEqualTo(DnsAnswer.Status.NXDOMAIN);
        assertThat(server.queries()).isEqualTo(2);
    }

    @Test
    void maxNegativeTtlCapsNegativeCaching() {
        resolver = resolver(ResolverSettings.builder().server(server.hostPort()).timeout(TIMEOUT)
                .maxNegativeTtl(Duration.ofSeconds(10)));
        lookup("nowhere.example.test", RecordType.A);
        clock.advance(Duration.ofSeconds(11));
        lookup("nowhere.example.test", RecordType.A);
        assertThat(server.queries()).isEqualTo(2);
    }

    @Test
    void temporaryFailureIsNotCached() {
        server.servfail(true);
        lookup("example.test", RecordType.A);
        server.servfail(false);
        server.resetCounters();

        assertThat(lookup("example.test", RecordType.A).status()).isEqualTo(DnsAnswer.Status.RECORDS);
        assertThat(server.queries()).isEqualTo(1);
    }

    @Test
    void hundredConcurrentIdenticalLookupsShareOneQuery() throws Exception {
        server.delay(Duration.ofMillis(200));
        ExecutorService callers = Executors.newFixedThreadPool(8);
        try {
            List<CompletableFuture<DnsAnswer>> answers = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                answers.add(CompletableFuture.supplyAsync(() -> resolver.lookup("example.test", RecordType.A), callers)
                        .thenCompose(stage -> stage));
            }
            CompletableFuture.allOf(answers.toArray(new CompletableFuture<?>[0])).get(10, TimeUnit.SECONDS);

            assertThat(answers).allSatisfy(a -> assertThat(a.join().status()).isEqualTo(DnsAnswer.Status.RECORDS));
            assertThat(server.queries("example.test", "A")).isEqualTo(1);
            assertThat(server.queries()).isEqualTo(1);
        } finally {
            callers.shutdownNow();
        }
    }

    @Test
    void aCallerCompletingItsStageDoesNotAnswerForTheOthers() {
        server.delay(Duration.ofMillis(200));
        CompletableFuture<DnsAnswer> first = resolver.lookup("example.test", RecordType.A).toCompletableFuture();
        CompletableFuture<DnsAnswer> second = resolver.lookup("example.test", RecordType.A).toCompletableFuture();

        first.complete(DnsAnswer.nxdomain());

        assertThat(second.join().status()).isEqualTo(DnsAnswer.Status.RECORDS);
    }

    @Test
    void cacheHoldsAtMostItsSize() {
        resolver = resolver(ResolverSettings.builder().server(server.hostPort()).timeout(TIMEOUT).cacheSize(2));
        lookup("example.test", RecordType.A);
        lookup("mx1.example.test", RecordType.A);
        lookup("www.example.test", RecordType.A);
        assertThat(resolver.cacheStats().size()).isEqualTo(2);
        // What it still holds is answered without a query: at least one of the three, at most two.
        int held = 0;
        for (String name : List.of("example.test", "mx1.example.test", "www.example.test")) {
            int before = server.queries();
            lookup(name, RecordType.A);
            held += server.queries() == before ? 1 : 0;
        }
        assertThat(held).isBetween(1, 2);
    }

    /**
     * Which answer goes when the cache is full: not simply the oldest. An answer asked six times
     * outlasts three newcomers asked once each (the cache admits a newcomer only in place of an
     * answer asked less often than it), so a scan of one-off names cannot push out the answers a
     * busy server asks at every connection.
     */
    @Test
    void anAnswerAskedOftenOutlastsNewcomersAskedOnce() {
        resolver = resolver(ResolverSettings.builder().server(server.hostPort()).timeout(TIMEOUT).cacheSize(2));
        for (int i = 0; i < 6; i++) {
            lookup("example.test", RecordType.A);
        }
        lookup("example.test", RecordType.MX);
        lookup("example.test", RecordType.TXT);
        lookup("mx1.example.test", RecordType.A);
        assertThat(resolver.cacheStats().size()).isLessThanOrEqualTo(2);

        int before = server.queries();
        lookup("example.test", RecordType.A);
        assertThat(server.queries()).as("still held").isEqualTo(before);
        lookup("example.test", RecordType.MX);
        assertThat(server.queries()).as("let go").isEqualTo(before + 1);
    }

    @Test
    void manyThreadsFindTheSameCachedAnswers() throws Exception {
        resolver = resolver(ResolverSettings.builder().server(server.hostPort()).timeout(TIMEOUT));
        lookup("example.test", RecordType.A);
        int threads = 8;
        int each = 2_000;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<Integer>> found = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                found.add(pool.submit(() -> {
                    int records = 0;
                    for (int i = 0; i < each; i++) {
                        records += resolver.lookup("example.test", RecordType.A).toCompletableFuture()
                                .get(5, TimeUnit.SECONDS).records().size();
                    }
                    return records;
                }));
            }
            for (Future<Integer> f : found) {
                assertThat(f.get(30, TimeUnit.SECONDS)).isEqualTo(each);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(server.queries("example.test", "A")).isEqualTo(1);
        assertThat(resolver.cacheStats().hits()).isEqualTo((long) threads * each);
    }

    @Test
    void cacheSizeZeroCachesNothing() {
        resolver = resolver(ResolverSettings.builder().server(server.hostPort()).timeout(TIMEOUT).cacheSize(0));
        lookup("example.test", RecordType.A);
        lookup("example.test", RecordType.A);
        assertThat(server.queries()).isEqualTo(2);
        assertThat(resolver.cacheStats().size()).isZero();
    }

    @Test
    void invalidNameIsATemporaryFailureWithoutAQuery() {
        String longLabel = "x".repeat(64) + ".example.test";
        DnsAnswer answer = lookup(longLabel, RecordType.A);
        assertThat(answer.status()).isEqualTo(DnsAnswer.Status.TEMPFAIL);
        assertThat(answer.problem()).startsWith("not a valid domain name: ");
        assertThat(server.queries()).isZero();
    }

    @Test
    void unreachableServerIsATemporaryFailure() throws Exception {
        int port;
        try (LoopbackDnsServer closed = LoopbackDnsServer.start(exampleZone())) {
            port = closed.port();
        }
        resolver = resolver(ResolverSettings.builder().server("127.0.0.1:" + port).timeout(TIMEOUT).retries(0));
        assertThat(lookup("example.test", RecordType.A).status()).isEqualTo(DnsAnswer.Status.TEMPFAIL);
    }

    @Test
    void queriesAServerOnIpv6Loopback() throws Exception {
        InetAddress v6 = InetAddress.getByName("::1");
        LoopbackDnsServer six;
        try {
            six = LoopbackDnsServer.start(v6, 0, exampleZone());
        } catch (java.net.SocketException e) {
            Assumptions.abort("no IPv6 loopback here: " + e);
            return;
        }
        try (LoopbackDnsServer s = six) {
            assertThat(s.hostPort()).startsWith("[0:0:0:0:0:0:0:1]:");
            resolver = resolver(ResolverSettings.builder().server(s.hostPort()).timeout(TIMEOUT));
            s.truncateUdp(true);
            assertThat(lookup("example.test", RecordType.MX).records()).hasSize(2);
            assertThat(s.tcpQueries()).isEqualTo(1);
        }
    }

    @Test
    void answersAgreeWithTheZoneResolverOnTheSameData() throws Exception {
        ZoneResolver zone = exampleZone().resolver();
        String[] names = {"example.test", "www.example.test", "mx1.example.test", "mx2.example.test",
            "short.example.test", "nowhere.example.test", "b.deep.example.test", "a.b.deep.example.test",
            "spfonly.example.test", "nullmx.example.test", "gone.example.test", "loop1.example.test",
            "c0.example.test", "elsewhere.example.test", "1.2.0.192.in-addr.arpa"};
        for (String name : names) {
            for (RecordType type : RecordType.values()) {
                DnsAnswer expected = zone.answer(name, type);
                DnsAnswer actual = lookup(name, type);
                assertThat(actual.status()).as("%s %s", name, type).isEqualTo(expected.status());
                assertThat(actual.records()).as("%s %s", name, type).containsExactlyInAnyOrderElementsOf(expected.records());
            }
        }
    }

    @Test
    void theDefaultResolverCompletesOnItsOwnFewThreadsNotAThreadPerAnswer() throws Exception {
        server.delay(Duration.ofMillis(200));
        DnsjavaResolver shared = new DnsjavaResolver(ResolverSettings.builder().server(server.hostPort())
                .timeout(TIMEOUT).retries(0).build());
        Set<String> threads = ConcurrentHashMap.newKeySet();
        List<CompletableFuture<?>> pending = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            // Distinct names, so that neither the cache nor the in-flight table answers them.
            pending.add(shared.lookup("n" + i + ".example.test", RecordType.A).toCompletableFuture()
                    .whenComplete((a, e) -> threads.add(Thread.currentThread().getName())));
        }
        for (CompletableFuture<?> f : pending) {
            f.get(10, TimeUnit.SECONDS);
        }
        // Each callback ran on the pool (or, with a full queue, the receiving thread), never on
        // a thread started for it, as CompletableFuture does with a single-threaded common pool.
        assertThat(threads).allSatisfy(t -> assertThat(t).matches("gatekeeper-dns-\\d+|dnsjava NIO selector"));
        assertThat(threads.stream().filter(t -> t.startsWith("gatekeeper-dns-")).count())
                .isBetween(1L, (long) AnswerExecutor.THREADS);
    }
}
