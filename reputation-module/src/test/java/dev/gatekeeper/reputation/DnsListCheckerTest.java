package dev.gatekeeper.reputation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatekeeper.dns.DnsjavaResolver;
import dev.gatekeeper.dns.IpAddresses;
import dev.gatekeeper.dns.LoopbackDnsServer;
import dev.gatekeeper.dns.MutableClock;
import dev.gatekeeper.dns.ResolverSettings;
import dev.gatekeeper.dns.ZoneFile;
import dev.gatekeeper.dns.ZoneResolver;
import dev.gatekeeper.mail.DomainName;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The checker against a real DNS server on 127.0.0.1, over the wire, through the production resolver. */
@Timeout(30)
class DnsListCheckerTest {

    private static final Duration RESOLVER_TIMEOUT = Duration.ofSeconds(2);
    private static final Duration BOUND = Duration.ofMillis(400);
    private static final InetAddress CLIENT = ip("127.0.0.2");

    private static ScheduledExecutorService scheduler;
    private static ZoneFile zone;

    private final MutableClock clock = new MutableClock();
    private LoopbackDnsServer server;
    private DnsjavaResolver resolver;

    @BeforeAll
    static void startScheduler() throws Exception {
        scheduler = new ScheduledThreadPoolExecutor(1);
        zone = ZoneFile.load(Path.of(DnsListCheckerTest.class.getResource("lists.test.zone").toURI()));
    }

    @AfterAll
    static void stopScheduler() {
        scheduler.shutdownNow();
    }

    @BeforeEach
    void start() throws Exception {
        server = LoopbackDnsServer.start(zone);
        resolver = new DnsjavaResolver(ResolverSettings.builder().server(server.hostPort()).timeout(RESOLVER_TIMEOUT).retries(0)
                .build(), clock, ForkJoinPool.commonPool());
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private static InetAddress ip(String text) {
        return IpAddresses.parse(text).orElseThrow();
    }

    private DnsListChecker checker(DnsList... lists) {
        return checker(DnsListSettings.builder().timeout(BOUND).build(), lists);
    }

    private DnsListChecker checker(DnsListSettings settings, DnsList... lists) {
        return DnsListChecker.builder(settings, List.of(lists), resolver).scheduler(scheduler).clock(clock).build();
    }

    private static ReputationScore await(java.util.concurrent.CompletionStage<ReputationScore> stage) throws Exception {
        return stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void addsTheWeightsOfBlockAndAllowListsThatListTheClient() throws Exception {
        DnsListChecker c = checker(
                DnsList.addressList("black", "black.test", 3).filter(ReplyFilter.parse("127.0.0.[2..11]")),
                DnsList.addressList("white", "white.test", -2).filter(ReplyFilter.parse("127.0.[0..255].[2..3]")),
                DnsList.domainList("dbl", "dbl.test", 2),
                DnsList.addressList("clean", "refuse.test", 7).noErrorReplies().filter(ReplyFilter.parse("127.0.0.2")));

        ReputationScore s = await(c.check(ReputationQuery.of(CLIENT).withSenderDomain(DomainName.parse("spam.example"))));

        assertThat(s.score()).isEqualTo(3 - 2 + 2);
        assertThat(s.listedNames()).containsExactly("black", "white", "dbl");
        assertThat(s.problems()).isEmpty();
        ListHit black = s.hit("black", DnsList.Subject.CLIENT_ADDRESS).orElseThrow();
        assertThat(black.queryName()).isEqualTo("2.0.0.127.black.test");
        assertThat(black.replies()).containsExactly(ip("127.0.0.2"));
        assertThat(black.texts()).containsExactly("Listed: see https://black.test/q?127.0.0.2");
        assertThat(s.hit("dbl", DnsList.Subject.SENDER_DOMAIN).orElseThrow().queryName()).isEqualTo("spam.example.dbl.test");
        assertThat(s.listed("dbl", DnsList.Subject.HELO)).isFalse();
        assertThat(s).hasToString("score 3: black[client-address]=127.0.0.2 white[client-address]=127.0.10.3"
                + " dbl[sender-domain]=127.0.1.2");
    }

    @Test
    void theReplyFilterDecidesAndTheWeightCountsOncePerList() throws Exception {
        InetAddress three = ip("127.0.0.3"); // answered 127.0.0.4 and 127.0.0.10
        DnsListChecker c = checker(
                DnsList.addressList("bit4", "black.test", 5).filter(ReplyFilter.parse("127.0.0.4&0x04")),
                DnsList.addressList("bit8", "black.test", 7).filter(ReplyFilter.parse("127.0.0.8&0x08")),
                DnsList.addressList("exact2", "black.test", 11).filter(ReplyFilter.parse("127.0.0.2")));

        ReputationScore s = await(c.check(ReputationQuery.of(three)));

        // .4 has bit 4; .10 (8 + 2) has bit 8; no reply is .2.
        assertThat(s.listedNames()).containsExactly("bit4", "bit8");
        assertThat(s.score()).isEqualTo(5 + 7);
        assertThat(s.hit("bit4", DnsList.Subject.CLIENT_ADDRESS).orElseThrow().replies())
                .containsExactly(ip("127.0.0.4"), ip("127.0.0.10"));
        // Three lists on one zone: one query.
        assertThat(server.queries("3.0.0.127.black.test", "A")).isEqualTo(1);
    }

    @Test
    void aDomainListCountsOnceEvenWhenSeveralSubjectsAreListed() throws Exception {
        DnsListChecker c = checker(DnsList.domainList("dbl", "dbl.test", 2));
        ReputationScore s = await(c.check(ReputationQuery.of(CLIENT).withSenderDomain(DomainName.parse("spam.example"))
                .withHelo(DomainName.parse("spam.example")).withClientName(DomainName.parse("helo.example"))));
        assertThat(s.hits()).extracting(ListHit::subject).containsExactly(DnsList.Subject.SENDER_DOMAIN,
                DnsList.Subject.HELO, DnsList.Subject.CLIENT_NAME);
        assertThat(s.score()).isEqualTo(2);
        assertThat(server.queries("spam.example.dbl.test", "A")).isEqualTo(1);
    }

    @Test
    void ipv6ClientsAndInternationalizedDomains() throws Exception {
        DnsListChecker c = checker(DnsList.addressList("black", "black.test", 1),
                DnsList.domainList("dbl", "dbl.test", 1).subjects(Set.of(DnsList.Subject.SENDER_DOMAIN)));
        ReputationScore s = await(c.check(ReputationQuery.of(ip("::1")).withSenderDomain(DomainName.parse("Bücher.example"))));
        assertThat(s.hits()).extracting(ListHit::queryName).containsExactly(
                "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.black.test",
                "xn--bcher-kva.example.dbl.test");
        assertThat(s.score()).isEqualTo(2);
    }

    @Test
    void errorRepliesAreProblemsNeverListings() throws Exception {
        DnsListChecker c = checker(DnsList.addressList("refuse", "refuse.test", 10),
                DnsList.addressList("hijack", "hijack.test", 10), DnsList.addressList("black", "black.test", 1));
        ReputationScore s = await(c.check(ReputationQuery.of(CLIENT)));
        assertThat(s.score()).isEqualTo(1);
        assertThat(s.problems()).extracting(ListProblem::toString).containsExactly(
                "refuse[client-address]: error-reply (answered 127.255.255.254)",
                "hijack[client-address]: error-reply (answered 198.51.100.7)");
    }

    @Test
    void aListThatNeverAnswersCountsAsUnlistedWithinTheBound() throws Exception {
        server.onlyFor("2.0.0.127.slow.test").drop(true);
        DnsListChecker c = checker(DnsList.addressList("slow", "slow.test", 10), DnsList.addressList("black", "black.test", 1));
        long start = System.nanoTime();
        ReputationScore s = await(c.check(ReputationQuery.of(CLIENT)));
        long tookMillis = (System.nanoTime() - start) / 1_000_000;

        assertThat(tookMillis).isBetween(BOUND.toMillis() - 50, RESOLVER_TIMEOUT.toMillis() - 200);
        assertThat(s.score()).isEqualTo(1);
        assertThat(s.problems()).extracting(ListProblem::toString)
                .containsExactly("slow[client-address]: timeout (no answer within 400ms)");
        assertThat(s.problems().get(0).kind()).isEqualTo(ListProblem.Kind.TIMEOUT);
    }

    @Test
    void aHitWhoseTextIsLateStandsWithoutIt() throws Exception {
        // A resolver that answers A from the zone and never answers TXT.
        ZoneResolver data = zone.resolver();
        dev.gatekeeper.dns.DnsResolver noText = (name, type) -> type == dev.gatekeeper.dns.RecordType.TXT
                ? new CompletableFuture<>() : data.lookup(name, type);
        DnsListChecker c = DnsListChecker.builder(DnsListSettings.builder().timeout(BOUND).build(),
                List.of(DnsList.addressList("black", "black.test", 1)), noText).scheduler(scheduler).build();
        ReputationScore s = await(c.check(ReputationQuery.of(CLIENT)));
        assertThat(s.score()).isEqualTo(1);
        assertThat(s.problems()).isEmpty();
        assertThat(s.hits()).singleElement().satisfies(h -> assertThat(h.texts()).isEmpty());
    }

    @Test
    void fiveHundredConnectionsWithADeadListAreEachAnsweredWithinTheBound() throws Exception {
        // Zone data for the live list; the dead list's lookups never complete.
        ZoneResolver data = zone.resolver();
        dev.gatekeeper.dns.DnsResolver halfDead = (name, type) -> name.endsWith(".slow.test")
                ? new CompletableFuture<>() : data.lookup(name, type);
        DnsListChecker c = DnsListChecker.builder(DnsListSettings.builder().timeout(BOUND).build(),
                List.of(DnsList.addressList("slow", "slow.test", 10), DnsList.addressList("black", "black.test", 1)), halfDead)
                .scheduler(scheduler).build();
        long start = System.nanoTime();
        List<CompletableFuture<ReputationScore>> running = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            InetAddress client = i == 0 ? CLIENT : ip("127.1." + (i / 250) + "." + (i % 250));
            running.add(c.check(ReputationQuery.of(client)).toCompletableFuture());
        }
        for (CompletableFuture<ReputationScore> f : running) {
            f.get(10, TimeUnit.SECONDS);
        }
        long tookMillis = (System.nanoTime() - start) / 1_000_000;
        assertThat(tookMillis).isLessThan(BOUND.toMillis() + 1_500);
        assertThat(running.get(0).join().score()).isEqualTo(1);
        assertThat(running).allSatisfy(f -> assertThat(f.join().problems()).singleElement()
                .satisfies(p -> assertThat(p.kind()).isEqualTo(ListProblem.Kind.TIMEOUT)));
    }

    @Test
    void serverFailuresAreTempfailProblems() throws Exception {
        server.onlyFor("2.0.0.127.servfail.test").servfail(true);
        DnsListChecker c = checker(DnsList.addressList("servfail", "servfail.test", 10));
        ReputationScore s = await(c.check(ReputationQuery.of(CLIENT)));
        assertThat(s.score()).isZero();
        assertThat(s.problems()).singleElement().satisfies(p -> {
            assertThat(p.kind()).isEqualTo(ListProblem.Kind.TEMPFAIL);
            assertThat(p.detail()).contains("SERVFAIL");
        });
    }

    @Test
    void identicalConcurrentChecksShareOneQueryAndLaterOnesTheCache() throws Exception {
        server.delay(Duration.ofMillis(150));
        DnsListChecker c = checker(DnsListSettings.builder().timeout(Duration.ofSeconds(3)).fetchTxt(false).build(),
                DnsList.addressList("black", "black.test", 1), DnsList.addressList("white", "white.test", -1));
        List<CompletableFuture<ReputationScore>> running = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            running.add(c.check(ReputationQuery.of(CLIENT)).toCompletableFuture());
        }
        for (CompletableFuture<ReputationScore> f : running) {
            assertThat(f.get(10, TimeUnit.SECONDS).score()).isZero();
        }
        assertThat(server.queries("2.0.0.127.black.test", "A")).isEqualTo(1);
        assertThat(server.queries("2.0.0.127.white.test", "A")).isEqualTo(1);

        // Within the TTL (300 s) the resolver's cache answers; after it, the server again.
        clock.advance(Duration.ofSeconds(299));
        assertThat(await(c.check(ReputationQuery.of(CLIENT))).score()).isZero();
        assertThat(server.queries()).isEqualTo(2);
        clock.advance(Duration.ofSeconds(2));
        assertThat(await(c.check(ReputationQuery.of(CLIENT))).score()).isZero();
        assertThat(server.queries()).isEqualTo(4);
    }

    @Test
    void nothingToAskAnswersAtOnce() throws Exception {
        DnsListChecker c = checker(DnsList.domainList("dbl", "dbl.test", 2));
        ReputationScore s = await(c.check(ReputationQuery.of(CLIENT)));
        assertThat(s.score()).isZero();
        assertThat(s.hits()).isEmpty();
        assertThat(server.queries()).isZero();
    }

    @Test
    void worksOverAnyResolverSuchAsZoneData() throws Exception {
        ZoneResolver inMemory = zone.resolver();
        DnsListChecker c = DnsListChecker.builder(DnsListSettings.defaults(),
                List.of(DnsList.addressList("black", "black.test", 4)), inMemory).scheduler(scheduler).build();
        assertThat(await(c.check(ReputationQuery.of(CLIENT))).score()).isEqualTo(4);
    }

    @Test
    void twoListsWithOneNameAreRefused() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> DnsListChecker.builder(DnsListSettings.defaults(),
                List.of(DnsList.addressList("x", "a.test", 1), DnsList.addressList("x", "b.test", 1)), resolver))
                .hasMessage("two DNS lists are named 'x'");
    }
}
