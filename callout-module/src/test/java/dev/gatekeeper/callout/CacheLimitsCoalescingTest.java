package dev.gatekeeper.callout;

import static dev.gatekeeper.callout.CalloutVerifierTest.ip;
import static dev.gatekeeper.callout.CalloutVerifierTest.settingsFor;
import static dev.gatekeeper.callout.CalloutVerifierTest.zoneFor;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatekeeper.dns.AddressRecord;
import dev.gatekeeper.dns.MxRecord;
import dev.gatekeeper.dns.ZoneResolver;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Cache lifetimes, probe limits and coalescing, with time moved by hand and connections counted at the peer. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CacheLimitsCoalescingTest {

    private final ManualTicker ticker = new ManualTicker();
    private final List<AutoCloseable> resources = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : resources) {
            c.close();
        }
    }

    private ScriptedPeer peer(ScriptedPeer.Builder b) throws Exception {
        ScriptedPeer p = b.start();
        resources.add(p);
        return p;
    }

    private CalloutVerifier verifier(CalloutSettings settings, ZoneResolver zone) {
        CalloutVerifier v = CalloutVerifier.builder(settings, zone).ticker(ticker).build();
        resources.add(v);
        return v;
    }

    private static CalloutVerdict get(CalloutVerifier v, String address) {
        return get(v, address, ip("192.0.2.99"));
    }

    private static CalloutVerdict get(CalloutVerifier v, String address, InetAddress client) {
        return v.verify(address, client).toCompletableFuture().join();
    }

    // ---- cache lifetimes ----

    @Test
    void positiveAnswerLivesForPositiveLifetime() throws Exception {
        ScriptedPeer peer = peer(ScriptedPeer.on("127.0.0.2"));
        CalloutVerifier v = verifier(settingsFor(peer).positiveLifetime(Duration.ofHours(24)).build(),
                zoneFor(peer).build());
        assertThat(get(v, "alice@example.test").cached()).isFalse();
        ticker.advance(Duration.ofHours(24).minusSeconds(1));
        CalloutVerdict again = get(v, "alice@EXAMPLE.test");
        assertThat(again.status()).isEqualTo(CalloutResult.ACCEPTED);
        assertThat(again.cached()).isTrue();
        assertThat(peer.connections()).isEqualTo(1);
        ticker.advance(Duration.ofSeconds(1));
        assertThat(get(v, "alice@example.test").cached()).isFalse();
        assertThat(peer.connections()).isEqualTo(2);
        assertThat(v.cacheHits()).isEqualTo(1);
        assertThat(v.cacheMisses()).isEqualTo(2);
    }

    @Test
    void negativeAnswerLivesForNegativeLifetime() throws Exception {
        ScriptedPeer peer = peer(ScriptedPeer.on("127.0.0.2").reply("RCPT", "550 5.1.1 unknown"));
        CalloutVerifier v = verifier(settingsFor(peer).negativeLifetime(Duration.ofHours(2)).build(),
                zoneFor(peer).build());
        get(v, "nobody@example.test");
        ticker.advance(Duration.ofMinutes(119));
        CalloutVerdict cached = get(v, "nobody@example.test");
        assertThat(cached.status()).isEqualTo(CalloutResult.REJECTED);
        assertThat(cached.replyCode()).isEqualTo(550);
        assertThat(cached.transcript()).isEmpty();
        ticker.advance(Duration.ofMinutes(1));
        get(v, "nobody@example.test");
        assertThat(peer.connections()).isEqualTo(2);
    }

    @Test
    void cachedRejectionGivesItsReplyLineFoldedAndMadeOnce() throws Exception {
        ScriptedPeer peer = peer(ScriptedPeer.on("127.0.0.2").reply("RCPT", "550 5.1.1 no   such  user "));
        CalloutVerifier v = verifier(settingsFor(peer).build(), zoneFor(peer).build());
        CalloutVerdict probed = get(v, "nobody@example.test");
        assertThat(probed.cached()).isFalse();
        assertThat(probed.replyLine()).isEqualTo("550 5.1.1 no such user");
        CalloutVerdict first = get(v, "nobody@example.test");
        CalloutVerdict second = get(v, "nobody@example.test");
        assertThat(first.cached()).isTrue();
        assertThat(first.replyLine()).isEqualTo("550 5.1.1 no such user");
        // Every hit is the one cached verdict, so its line is not made again per transaction.
        assertThat(second).isSameAs(first);
        assertThat(second.replyLine()).isSameAs(first.replyLine());
        assertThat(peer.connections()).isEqualTo(1);
    }

    @Test
    void verdictNotDecidedByAReplyHasNoReplyLine() {
        assertThat(CalloutVerdict.tempfail("timed out").replyLine()).isEmpty();
    }

    @Test
    void catchAllIsRememberedForTheWholeDomainForDomainPositiveLifetime() throws Exception {
        ScriptedPeer peer = peer(ScriptedPeer.on("127.0.0.2"));
        CalloutVerifier v = verifier(settingsFor(peer).checkRandom(true).domainPositiveLifetime(Duration.ofDays(7))
                .build(), zoneFor(peer).build());
        assertThat(get(v, "alice@example.test").status()).isEqualTo(CalloutResult.CATCH_ALL);
        ticker.advance(Duration.ofDays(7).minusMinutes(1));
        assertThat(get(v, "bob@example.test").status()).isEqualTo(CalloutResult.CATCH_ALL);
        assertThat(peer.connections()).isEqualTo(1);
        ticker.advance(Duration.ofMinutes(1));
        get(v, "bob@example.test");
        assertThat(peer.connections()).isEqualTo(2);
    }

    @Test
    void probeRefusedIsRememberedForTheDomainForDomainNegativeLifetime() throws Exception {
        ScriptedPeer peer = peer(ScriptedPeer.on("127.0.0.2").reply("MAIL", "550 5.7.1 no null sender"));
        CalloutVerifier v = verifier(settingsFor(peer).domainNegativeLifetime(Duration.ofHours(3)).build(),
                zoneFor(peer).build());
        get(v, "alice@example.test");
        ticker.advance(Duration.ofHours(3).minusSeconds(1));
        assertThat(get(v, "bob@example.test").status()).isEqualTo(CalloutResult.PROBE_REFUSED);
        assertThat(peer.connections()).isEqualTo(1);
        ticker.advance(Duration.ofSeconds(1));
        get(v, "bob@example.test");
        assertThat(peer.connections()).isEqualTo(2);
    }

    @Test
    void nullMxIsRememberedForDomainNegativeLifetime() {
        int[] lookups = new int[1];
        ZoneResolver zone = ZoneResolver.builder().add("nullmx.test", MxRecord.of(0, ".")).build();
        dev.gatekeeper.dns.DnsResolver counting = (name, type) -> {
            lookups[0]++;
            return zone.lookup(name, type);
        };
        CalloutVerifier v = CalloutVerifier.builder(CalloutSettings.builder().domainNegativeLifetime(Duration.ofHours(3))
                .build(), counting).ticker(ticker).build();
        resources.add(v);
        assertThat(get(v, "a@nullmx.test").status()).isEqualTo(CalloutResult.NULL_MX);
        ticker.advance(Duration.ofHours(2));
        assertThat(get(v, "b@nullmx.test").status()).isEqualTo(CalloutResult.NULL_MX);
        assertThat(lookups[0]).isEqualTo(1);
        ticker.advance(Duration.ofHours(1));
        get(v, "b@nullmx.test");
        assertThat(lookups[0]).isEqualTo(2);
    }

    @Test
    void tempfailIsNotCachedByDefaultAndBrieflyWhenConfigured() throws Exception {
        ScriptedPeer peer = peer(ScriptedPeer.on("127.0.0.2").reply("RCPT", "451 4.7.1 greylisted"));
        CalloutVerifier v = verifier(settingsFor(peer).build(), zoneFor(peer).build());
        get(v, "alice@example.test");
        get(v, "alice@example.test");
        assertThat(peer.connections()).isEqualTo(2);

        CalloutVerifier brief = verifier(settingsFor(peer).tempfailLifetime(Duration.ofMinutes(1)).build(),
                zoneFor(peer).build());
        get(brief, "alice@example.test");
        ticker.advance(Duration.ofSeconds(59));
        assertThat(get(brief, "alice@example.test").cached()).isTrue();
        ticker.advance(Duration.ofSeconds(1));
        get(brief, "alice@example.test");
        assertThat(peer.connections()).isEqualTo(4);
    }

    @Test
    void cacheIsBounded() throws Exception {
        ScriptedPeer peer = peer(ScriptedPeer.on("127.0.0.2"));
        CalloutVerifier v = verifier(settingsFor(peer).cacheMaxEntries(0).build(), zoneFor(peer).build());
        get(v, "alice@example.test");
        get(v, "alice@example.test");
        assertThat(peer.connections()).isEqualTo(2);
    }

    // ---- limits ----

    @Test
    void concurrentProbesPerDomainAreLimited() throws Exception {
        ScriptedPeer peer = peer(ScriptedPeer.on("127.0.0.2").delay(Duration.ofMillis(300)));
        CalloutVerifier v = verifier(settingsFor(peer).maxConcurrentProbesPerDomain(2).build(), zoneFor(peer).build());
        CompletableFuture<CalloutVerdict> a = v.verify("a@example.test", ip("192.0.2.1")).toCompletableFuture();
        CompletableFuture<CalloutVerdict> b = v.verify("b@example.test", ip("192.0.2.2")).toCompletableFuture();
        CalloutVerdict c = get(v, "c@example.test", ip("192.0.2.3"));
        assertThat(c.status()).isEqualTo(CalloutResult.TEMPFAIL);
        assertThat(c.reason()).isEqualTo("limit of 2 concurrent probes to example.test reached");
        assertThat(a.join().status()).isEqualTo(CalloutResult.ACCEPTED);
        assertThat(b.join().status()).isEqualTo(CalloutResult.ACCEPTED);
        assertThat(get(v, "c@example.test", ip("192.0.2.3")).status()).isEqualTo(CalloutResult.ACCEPTED);
    }

    @Test
    void probesPerMinuteOverallAreLimited() throws Exception {
        ScriptedPeer peer = peer(ScriptedPeer.on("127.0.0.2"));
        CalloutVerifier v = verifier(settingsFor(peer).maxProbesPerMinute(3).build(), zoneFor(peer).build());
        for (int i = 0; i < 3; i++) {
            assertThat(get(v, "u" + i + "@example.test", ip("192.0.2." + (i + 1))).status())
                    .isEqualTo(CalloutResult.ACCEPTED);
        }
        CalloutVerdict over = get(v, "u9@example.test", ip("192.0.2.9"));
        assertThat(over.status()).isEqualTo(CalloutResult.TEMPFAIL);
        assertThat(over.reason()).isEqualTo("limit of 3 probes per minute reached");
        assertThat(over.cached()).isFalse();
        ticker.advance(Duration.ofSeconds(59));
        assertThat(get(v, "u9@example.test").status()).isEqualTo(CalloutResult.TEMPFAIL);
        ticker.advance(Duration.ofSeconds(1));
        assertThat(get(v, "u9@example.test").status()).isEqualTo(CalloutResult.ACCEPTED);
        assertThat(peer.connections()).isEqualTo(4);
    }

    @Test
    void probesPerClientAreLimitedWithoutHurtingOtherClients() throws Exception {
        ScriptedPeer peer = peer(ScriptedPeer.on("127.0.0.2"));
        CalloutVerifier v = verifier(settingsFor(peer).maxProbesPerMinutePerClient(2).build(), zoneFor(peer).build());
        InetAddress spammer = ip("192.0.2.66");
        assertThat(get(v, "a@example.test", spammer).status()).isEqualTo(CalloutResult.ACCEPTED);
        assertThat(get(v, "b@example.test", spammer).status()).isEqualTo(CalloutResult.ACCEPTED);
        CalloutVerdict third = get(v, "c@example.test", spammer);
        assertThat(third.status()).isEqualTo(CalloutResult.TEMPFAIL);
        assertThat(third.reason()).isEqualTo("limit of 2 probes per minute for client 192.0.2.66 reached");
        assertThat(get(v, "c@example.test", ip("2001:db8::1")).status()).isEqualTo(CalloutResult.ACCEPTED);
        // Cached answers cost no probe, so they are never limited.
        assertThat(get(v, "a@example.test", spammer).status()).isEqualTo(CalloutResult.ACCEPTED);
        ticker.advance(Duration.ofMinutes(1));
        assertThat(get(v, "d@example.test", spammer).status()).isEqualTo(CalloutResult.ACCEPTED);
        assertThat(peer.connections()).isEqualTo(4);
    }

    @Test
    void fullProbeQueueIsTempfail() throws Exception {
        ScriptedPeer peer = peer(ScriptedPeer.on("127.0.0.2").delay(Duration.ofMillis(300)));
        ZoneResolver.Builder zone = zoneFor(peer);
        for (int i = 0; i < 3; i++) {
            zone.add("d" + i + ".test", MxRecord.of(10, "mx.example.test"));
        }
        CalloutVerifier v = verifier(settingsFor(peer).probeThreads(1).probeQueue(1).build(), zone.build());
        CompletableFuture<CalloutVerdict> first = v.verify("a@d0.test").toCompletableFuture();
        CompletableFuture<CalloutVerdict> queued = v.verify("a@d1.test").toCompletableFuture();
        CalloutVerdict third = get(v, "a@d2.test");
        assertThat(third.status()).isEqualTo(CalloutResult.TEMPFAIL);
        assertThat(third.reason()).isEqualTo("all 1 probe threads busy and 1 probes queued");
        assertThat(first.join().status()).isEqualTo(CalloutResult.ACCEPTED);
        assertThat(queued.join().status()).isEqualTo(CalloutResult.ACCEPTED);
    }

    // ---- coalescing ----

    @Test
    void hundredConcurrentRequestsForOneAddressMakeOneConnection() throws Exception {
        ScriptedPeer peer = peer(ScriptedPeer.on("127.0.0.2").delay(Duration.ofMillis(200)));
        CalloutVerifier v = verifier(settingsFor(peer).positiveLifetime(Duration.ZERO).build(), zoneFor(peer).build());
        CountDownLatch go = new CountDownLatch(1);
        List<CompletableFuture<CalloutVerdict>> results = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            CompletableFuture<CalloutVerdict> f = new CompletableFuture<>();
            results.add(f);
            InetAddress client = ip("192.0.2." + (i + 1));
            Thread t = new Thread(() -> {
                try {
                    go.await();
                    v.verify("alice@example.test", client).whenComplete((o, e) -> f.complete(o));
                } catch (InterruptedException e) {
                    f.completeExceptionally(e);
                }
            });
            t.start();
            threads.add(t);
        }
        go.countDown();
        for (CompletableFuture<CalloutVerdict> f : results) {
            assertThat(f.get(30, TimeUnit.SECONDS).status()).isEqualTo(CalloutResult.ACCEPTED);
        }
        for (Thread t : threads) {
            t.join(10_000);
        }
        assertThat(peer.connections()).isEqualTo(1);
        assertThat(peer.commands("RCPT")).hasSize(1);
        assertThat(v.probesStarted()).isEqualTo(1);
    }

    @Test
    void callersCannotCompleteTheSharedProbeForOthers() throws Exception {
        ScriptedPeer peer = peer(ScriptedPeer.on("127.0.0.2").delay(Duration.ofMillis(200)));
        CalloutVerifier v = verifier(settingsFor(peer).build(), zoneFor(peer).build());
        CompletableFuture<CalloutVerdict> first = v.verify("alice@example.test").toCompletableFuture();
        CompletableFuture<CalloutVerdict> second = v.verify("alice@example.test").toCompletableFuture();
        first.complete(CalloutVerdict.skipped("meddling"));
        assertThat(second.join().status()).isEqualTo(CalloutResult.ACCEPTED);
        assertThat(peer.connections()).isEqualTo(1);
    }

    @Test
    void mxTiesAreShuffledWithTheInjectedRandomness() throws Exception {
        ZoneResolver zone = ZoneResolver.builder()
                .add("example.test", MxRecord.of(10, "a.example.test"))
                .add("example.test", MxRecord.of(10, "b.example.test"))
                .add("example.test", MxRecord.of(5, "first.example.test"))
                .add("a.example.test", AddressRecord.of(ip("192.0.2.1")))
                .add("b.example.test", AddressRecord.of(ip("192.0.2.2")))
                .add("first.example.test", AddressRecord.of(ip("2001:db8::25")))
                .add("first.example.test", AddressRecord.of(ip("192.0.2.25")))
                .build();
        java.util.Set<String> orders = new java.util.HashSet<>();
        for (int seed = 0; seed < 20; seed++) {
            MailHostResolver.Result r = new MailHostResolver(zone, new java.util.Random(seed))
                    .resolve("example.test", System.nanoTime() + TimeUnit.SECONDS.toNanos(5));
            List<String> names = new ArrayList<>();
            r.hosts.forEach(h -> names.add(h.toString()));
            assertThat(names.subList(0, 2)).containsExactly("first.example.test [2001:db8:0:0:0:0:0:25]",
                    "first.example.test [192.0.2.25]");
            orders.add(String.join(",", names));
        }
        assertThat(orders).hasSize(2);
    }
}
