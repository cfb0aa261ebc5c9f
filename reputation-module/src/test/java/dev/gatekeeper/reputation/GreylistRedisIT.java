package dev.gatekeeper.reputation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatekeeper.dns.IpAddresses;
import dev.gatekeeper.dns.MutableClock;
import dev.gatekeeper.mail.Mailbox;
import dev.gatekeeper.state.RedisServer;
import dev.gatekeeper.state.SharedState;
import dev.gatekeeper.state.StateSettings;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Two greylists over one real redis-server on 127.0.0.1 stand for two James nodes. Their clock is
 * moved by hand; Redis's key lifetimes run on real time, which a test does not wait for, so the
 * lifetimes written are checked with PTTL instead.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class GreylistRedisIT {

    private static final InetAddress CLIENT = IpAddresses.parse("192.0.2.10").orElseThrow();
    private static final Mailbox SENDER = Mailbox.parse("alice@sender.example");
    private static final Mailbox RECIPIENT = Mailbox.parse("bob@gatekeeper.test");

    private static RedisServer redis;

    @BeforeAll
    static void start() throws Exception {
        redis = RedisServer.start();
    }

    @AfterAll
    static void stop() throws Exception {
        if (redis != null) {
            redis.close();
        }
    }

    private static SharedState node(String uri, String fallback, String prefix, MutableClock clock) {
        return SharedState.open(StateSettings.parse(Map.of("store", "redis", "redis.uri", uri, "redis.fallback", fallback,
                "redis.key-prefix", prefix, "redis.command-timeout", "300ms", "redis.connect-timeout", "300ms")), clock);
    }

    private static GreylistDecision check(Greylist g, InetAddress client) throws Exception {
        return g.check(client, SENDER, RECIPIENT).toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void aTripletGreylistedOnOneNodePassesOnTheOtherAfterTheDelay() throws Exception {
        MutableClock clock = new MutableClock(Instant.now());
        try (SharedState a = node(redis.uri(), "fail", "two-nodes:", clock); SharedState b = node(redis.uri(), "fail", "two-nodes:", clock)) {
            Greylist nodeA = Greylist.create(GreylistSettings.defaults(), a, clock);
            Greylist nodeB = Greylist.create(GreylistSettings.defaults(), b, clock);

            assertThat(check(nodeA, CLIENT).reason()).isEqualTo(GreylistDecision.Reason.NEW_TRIPLET);
            clock.advance(Duration.ofMinutes(2));
            GreylistDecision early = check(nodeB, CLIENT);
            assertThat(early.reason()).isEqualTo(GreylistDecision.Reason.EARLY_RETRY);
            assertThat(early.retryAfterSeconds()).isEqualTo(180);
            clock.advance(Duration.ofMinutes(3));
            GreylistDecision pass = check(nodeB, IpAddresses.parse("192.0.2.99").orElseThrow());
            assertThat(pass.result()).isEqualTo(GreylistDecision.Result.PASS);
            assertThat(pass.waited()).isEqualTo(Duration.ofMinutes(5));
            assertThat(check(nodeA, CLIENT).reason()).isEqualTo(GreylistDecision.Reason.KNOWN_TRIPLET);
        }
    }

    @Test
    void keyLifetimesDoTheForgetting() throws Exception {
        MutableClock clock = new MutableClock(Instant.now());
        try (SharedState a = node(redis.uri(), "fail", "ttl:", clock);
                redis.clients.jedis.JedisPooled raw = new redis.clients.jedis.JedisPooled("127.0.0.1", redis.port())) {
            Greylist g = Greylist.create(GreylistSettings.defaults(), a, clock);
            String key = "ttl:" + g.tripletKey(CLIENT, SENDER, RECIPIENT);
            check(g, CLIENT);
            // Unpassed: what is left of the two-day retry window.
            assertThat(raw.pttl(key)).isBetween(Duration.ofDays(2).toMillis() - 5_000, Duration.ofDays(2).toMillis() + 1);
            clock.advance(Duration.ofMinutes(2));
            check(g, CLIENT);
            assertThat(raw.pttl(key)).isBetween(Duration.ofDays(2).minusMinutes(2).toMillis() - 5_000,
                    Duration.ofDays(2).minusMinutes(2).toMillis() + 1);
            // Passed: the 35-day expiry, from this pass; the client's count likewise.
            clock.advance(Duration.ofMinutes(3));
            assertThat(check(g, CLIENT).result()).isEqualTo(GreylistDecision.Result.PASS);
            assertThat(raw.pttl(key)).isBetween(Duration.ofDays(35).toMillis() - 5_000, Duration.ofDays(35).toMillis());
            assertThat(raw.get("ttl:" + Greylist.clientKey(CLIENT))).startsWith("1,");
            assertThat(raw.pttl("ttl:" + Greylist.clientKey(CLIENT))).isGreaterThan(Duration.ofDays(34).toMillis());
        }
    }

    @Test
    void aRedisThatDoesNotAnswerGivesStateUnavailableWithinTheBound() throws Exception {
        MutableClock clock = new MutableClock(Instant.now());
        int closedPort = dev.gatekeeper.dns.LoopbackPorts.free(InetAddress.getLoopbackAddress());
        try (SharedState down = node("redis://127.0.0.1:" + closedPort, "fail", "down:", clock)) {
            Greylist g = Greylist.create(GreylistSettings.defaults(), down, clock);
            long start = System.nanoTime();
            GreylistDecision d = check(g, CLIENT);
            assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(3_000);
            assertThat(d.result()).isEqualTo(GreylistDecision.Result.STATE_UNAVAILABLE);
            assertThat(d.detail()).startsWith("redis 127.0.0.1:" + closedPort);
        }
    }
}
