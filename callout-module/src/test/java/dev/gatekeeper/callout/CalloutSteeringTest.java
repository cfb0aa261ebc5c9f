package dev.gatekeeper.callout;

import static dev.gatekeeper.callout.CalloutVerifierTest.ip;
import static dev.gatekeeper.callout.CalloutVerifierTest.settingsFor;
import static dev.gatekeeper.callout.CalloutVerifierTest.zoneFor;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatekeeper.dns.AddressRecord;
import dev.gatekeeper.dns.MxRecord;
import dev.gatekeeper.dns.ZoneResolver;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Nobody steers the callout client: an SMTP client chooses the address we verify and, through its
 * DNS, the host we connect to. Nothing but well-formed commands reaches a peer (every octet the
 * peer receives is checked), internal addresses are never probed unless allowed, and the probe
 * budgets hold when many sessions ask at once.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CalloutSteeringTest {

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
        CalloutVerifier v = CalloutVerifier.builder(settings, zone).build();
        resources.add(v);
        return v;
    }

    // ---- hostile addresses ----

    static Stream<String> hostileAddresses() {
        return Stream.of(
                // command injection through line ends, bare or inside quotes
                "a@b.test>\r\nRCPT TO:<x@y",
                "a@example.test>\r\nRCPT TO:<x@y.test>",
                "a@example.test\rRSET",
                "a@example.test\nQUIT",
                "a@example.test\r\n.\r\n",
                "\"a\r\nRCPT TO:<x@y.test>\"@example.test",
                "\"a\\\r\\\n\"@example.test",
                "\"a\\\r\"@example.test",
                // other control characters, quoted or not
                "\"a\u0000\"@example.test",
                "a@example.test\u0000",
                "\"a\u0007b\"@example.test",
                "\"a\u001b[2Jb\"@example.test",
                "\"a\u007fb\"@example.test",
                "\"a\tb\"@example.test",
                "a@example.test>\tBODY=8BITMIME",
                // 8-bit and beyond: the probe never offers SMTPUTF8
                "\"jos\u00e9\"@example.test",
                "jos\u00e9@example.test",
                "a@ex\u00e4mple.test",
                "a@example.test\u0085",
                "a@example.test\u2028RSET",
                "\uff21@example.test",
                "a@example.test\ud800",
                // SMTP parameters and brackets smuggled after the path
                "a@example.test> SIZE=1",
                "<a@example.test>>",
                "<<a@example.test>>",
                "a@example.test>",
                "<a@example.test",
                "a@[127.0.0.1]>\r\n",
                "a@[IPv6:::1%lo]",
                "a@[127.0.0.1] ",
                " a@example.test",
                "a\\@example.test",
                // over-long parts and paths
                "a".repeat(65) + "@example.test",
                "\"" + "a".repeat(63) + "\"@example.test",
                "a@" + "b".repeat(64) + ".test",
                "a@" + "b.".repeat(130) + "test",
                "a".repeat(10_000) + "@example.test",
                "\"" + "\\\"".repeat(40) + "\"@example.test");
    }

    /** Refused as invalid before DNS (the zone would time out) and before any connection. */
    @ParameterizedTest
    @MethodSource("hostileAddresses")
    void hostileAddressesAreInvalidBeforeAnyConnection(String address) throws Exception {
        ScriptedPeer peer = peer(ScriptedPeer.on("127.0.0.2"));
        ZoneResolver failingZone = ZoneResolver.builder().timeout("example.test").timeout("b.test").build();
        CalloutVerifier v = verifier(settingsFor(peer).build(), failingZone);
        CalloutVerdict o = v.verify(address, ip("192.0.2.99")).toCompletableFuture().join();
        assertThat(o.status()).isEqualTo(CalloutResult.INVALID);
        assertThat(o.reason().chars().allMatch(c -> c >= 0x20 && c < 0x7f)).as(o.reason()).isTrue();
        assertThat(peer.connections()).isZero();
        assertThat(peer.received()).isEmpty();
    }

    /**
     * Odd but valid addresses reach the peer only inside {@code RCPT TO:<...>}: the octets it
     * received are exactly the commands of a probe, each printable ASCII ended by CRLF.
     */
    @ParameterizedTest
    @ValueSource(strings = {
        "\"RCPT TO:<x@y.test>\"@example.test",
        "\"a>b\\\"c\\\\\"@example.test",
        "\"a b\"@example.test",
        "!#$%&'*+-/=?^_`{|}~@example.test",
        "<Alice@EXAMPLE.test>",
        "a@[127.0.0.2]"
    })
    void onlyTheValidatedAddressReachesThePeer(String address) throws Exception {
        ScriptedPeer peer = peer(ScriptedPeer.on("127.0.0.2"));
        CalloutVerifier v = verifier(settingsFor(peer).build(), zoneFor(peer).build());
        CalloutVerdict o = v.verify(address, ip("192.0.2.99")).toCompletableFuture().join();
        assertThat(o.status()).isEqualTo(CalloutResult.ACCEPTED);
        String mailbox = ProbeAddress.parse(address).address();
        assertThat(peer.commands()).containsExactly("EHLO verifier.test", "MAIL FROM:<>", "RCPT TO:<" + mailbox + ">", "RSET",
                "QUIT");
        String wire = new String(peer.received(), StandardCharsets.ISO_8859_1);
        assertThat(wire).isEqualTo(String.join("\r\n", peer.commands()) + "\r\n");
        assertThat(wire.replace("\r\n", "").chars().allMatch(c -> c >= 0x20 && c < 0x7f)).isTrue();
    }

    // ---- internal targets ----

    /** Mail hosts an attacker's DNS may name to make us probe our own network. */
    @ParameterizedTest
    @ValueSource(strings = {
        "10.1.2.3", "172.16.0.1", "172.31.255.254", "192.168.1.1", "169.254.169.254", "127.0.0.1", "127.8.9.10",
        "0.0.0.0", "100.64.0.1", "224.0.0.1", "255.255.255.255", "::1", "::", "fe80::1", "fc00::1", "fd12:3456::1",
        "::ffff:10.0.0.1", "ff02::1", "64:ff9b::a00:1", "64:ff9b::7f00:1", "64:ff9b::a9fe:a9fe"
    })
    void internalMailHostsAreNotProbedUnlessAllowed(String address) throws Exception {
        ScriptedPeer peer = peer(ScriptedPeer.on("127.0.0.2"));
        ZoneResolver zone = ZoneResolver.builder()
                .add("example.test", MxRecord.of(10, "mx.example.test"))
                .add("mx.example.test", AddressRecord.of(InetAddress.getByName(address)))
                .build();
        // A connection attempt would show as a tempfail after the (short) connect timeout.
        CalloutSettings settings = settingsFor(peer).allowPrivateTargets(false).connectTimeout(Duration.ofMillis(500)).build();
        CalloutVerdict o = verifier(settings, zone).verify("alice@example.test", ip("192.0.2.99")).toCompletableFuture().join();
        assertThat(o.status()).isEqualTo(CalloutResult.SKIPPED);
        assertThat(o.reason()).isEqualTo("every mail host of example.test is on a loopback, private or reserved address");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "a@[10.0.0.1]", "a@[169.254.169.254]", "a@[192.168.0.1]", "a@[127.0.0.2]", "a@[0.0.0.0]",
        "a@[IPv6:::1]", "a@[IPv6:fe80::1]", "a@[IPv6:FC00::1]", "a@[IPv6:64:ff9b::c0a8:1]"
    })
    void internalAddressLiteralsAreNotProbedUnlessAllowed(String address) throws Exception {
        ScriptedPeer peer = peer(ScriptedPeer.on("127.0.0.2"));
        CalloutSettings settings = settingsFor(peer).allowPrivateTargets(false).connectTimeout(Duration.ofMillis(500)).build();
        CalloutVerdict o = verifier(settings, ZoneResolver.builder().build()).verify(address, ip("192.0.2.99"))
                .toCompletableFuture().join();
        assertThat(o.status()).isEqualTo(CalloutResult.SKIPPED);
        assertThat(o.reason()).endsWith(" is on a loopback, private or reserved address");
        assertThat(peer.connections()).isZero();
    }

    /** Java reads an IPv4-mapped IPv6 literal as IPv4, so it is refused outright: no probe either way. */
    @Test
    void mappedIpv4LiteralIsRefused() throws Exception {
        ScriptedPeer peer = peer(ScriptedPeer.on("127.0.0.2"));
        CalloutVerdict o = verifier(settingsFor(peer).allowPrivateTargets(false).build(), ZoneResolver.builder().build())
                .verify("a@[IPv6:::ffff:192.168.0.1]", ip("192.0.2.99")).toCompletableFuture().join();
        assertThat(o.status()).isEqualTo(CalloutResult.INVALID);
        assertThat(o.reason()).isEqualTo("IPv4-mapped IPv6 address literal");
        assertThat(peer.connections()).isZero();
    }

    // ---- budgets under concurrency ----

    /** 40 sessions of one client at once, 5 probes a minute allowed: exactly 5 probes are made. */
    @Test
    void perClientBudgetHoldsUnderConcurrency() throws Exception {
        ScriptedPeer peer = peer(ScriptedPeer.on("127.0.0.2").delay(Duration.ofMillis(50)));
        CalloutSettings settings = settingsFor(peer).maxProbesPerMinutePerClient(5).maxConcurrentProbesPerDomain(100)
                .probeThreads(8).build();
        CalloutVerifier v = verifier(settings, zoneFor(peer).build());
        InetAddress spammer = ip("192.0.2.66");
        Map<String, Integer> counts = concurrently(40, i -> v.verify("u" + i + "@example.test", spammer));
        assertThat(counts).containsExactlyInAnyOrderEntriesOf(Map.of(
                "ACCEPTED", 5,
                "TEMPFAIL limit of 5 probes per minute for client 192.0.2.66 reached", 35));
        assertThat(peer.connections()).isEqualTo(5);
        // Another client still has its own budget.
        assertThat(v.verify("other@example.test", ip("192.0.2.67")).toCompletableFuture().join().status())
                .isEqualTo(CalloutResult.ACCEPTED);
    }

    /** 40 clients at once, 7 probes a minute overall: exactly 7 probes are made. */
    @Test
    void globalBudgetHoldsUnderConcurrency() throws Exception {
        ScriptedPeer peer = peer(ScriptedPeer.on("127.0.0.2").delay(Duration.ofMillis(50)));
        CalloutSettings settings = settingsFor(peer).maxProbesPerMinute(7).maxConcurrentProbesPerDomain(100)
                .probeThreads(8).build();
        CalloutVerifier v = verifier(settings, zoneFor(peer).build());
        Map<String, Integer> counts = concurrently(40, i -> v.verify("u" + i + "@example.test", ip("192.0.2." + (i + 1))));
        assertThat(counts).containsExactlyInAnyOrderEntriesOf(Map.of(
                "ACCEPTED", 7,
                "TEMPFAIL limit of 7 probes per minute reached", 33));
        assertThat(peer.connections()).isEqualTo(7);
    }

    /** Starts every request at the same moment from its own thread; counts outcomes by status and reason. */
    private static Map<String, Integer> concurrently(int n, java.util.function.IntFunction<java.util.concurrent.CompletionStage<CalloutVerdict>> request)
            throws Exception {
        ExecutorService callers = Executors.newFixedThreadPool(n);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<CompletableFuture<CalloutVerdict>>> futures = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int k = i;
                futures.add(callers.submit(() -> {
                    start.await();
                    return request.apply(k).toCompletableFuture();
                }));
            }
            start.countDown();
            Map<String, Integer> counts = new TreeMap<>();
            for (Future<CompletableFuture<CalloutVerdict>> f : futures) {
                CalloutVerdict o = f.get(30, TimeUnit.SECONDS).get(30, TimeUnit.SECONDS);
                String key = o.status() == CalloutResult.TEMPFAIL ? "TEMPFAIL " + o.reason() : o.status().name();
                counts.merge(key, 1, Integer::sum);
            }
            return counts;
        } finally {
            callers.shutdownNow();
        }
    }
}
