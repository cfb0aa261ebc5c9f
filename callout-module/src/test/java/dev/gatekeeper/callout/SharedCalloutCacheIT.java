package dev.gatekeeper.callout;

import static dev.gatekeeper.callout.CalloutVerifierTest.ip;
import static dev.gatekeeper.callout.CalloutVerifierTest.settingsFor;
import static dev.gatekeeper.callout.CalloutVerifierTest.zoneFor;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatekeeper.dns.ZoneResolver;
import dev.gatekeeper.state.RedisServer;
import dev.gatekeeper.state.SharedState;
import dev.gatekeeper.state.StateSettings;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Two verifiers standing for two James nodes share their answers through a real Redis. */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class SharedCalloutCacheIT {

    private final List<AutoCloseable> resources = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = resources.size() - 1; i >= 0; i--) {
            resources.get(i).close();
        }
    }

    private <T extends AutoCloseable> T keep(T r) {
        resources.add(r);
        return r;
    }

    private CalloutVerifier node(RedisServer redis, ScriptedPeer peer, ZoneResolver zone) {
        SharedState state = keep(SharedState.open(StateSettings.parse(Map.of("store", "redis", "redis.uri", redis.uri(),
                "redis.retry-interval", "200ms", "redis.key-prefix", "it-callout:")), Clock.systemUTC()));
        return keep(CalloutVerifier.builder(settingsFor(peer).build(), zone).sharedState(state).build());
    }

    private static CalloutVerdict verify(CalloutVerifier v, String address) throws Exception {
        return v.verify(address, ip("192.0.2.99")).toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    @Test
    void anAnswerFoundByOneNodeServesTheOtherAndSurvivesARedisOutage() throws Exception {
        RedisServer redis = keep(RedisServer.start());
        ScriptedPeer peer = keep(ScriptedPeer.on("127.0.0.61").start());
        ZoneResolver zone = zoneFor(peer).build();
        CalloutVerifier a = node(redis, peer, zone);
        CalloutVerifier b = node(redis, peer, zone);

        CalloutVerdict first = verify(a, "alice@example.test");
        assertThat(first.status()).isEqualTo(CalloutResult.ACCEPTED);
        assertThat(first.cached()).isFalse();
        CalloutVerdict shared = verify(b, "alice@example.test");
        assertThat(shared.status()).isEqualTo(CalloutResult.ACCEPTED);
        assertThat(shared.cached()).isTrue();
        assertThat(shared.replyCode()).isEqualTo(first.replyCode());
        assertThat(shared.replyText()).isEqualTo(first.replyText());
        assertThat(peer.connections()).isEqualTo(1);

        redis.kill();
        // Redis down: node b still verifies (it probes; its own cache keeps the answer).
        assertThat(verify(b, "carol@example.test").status()).isEqualTo(CalloutResult.ACCEPTED);
        assertThat(peer.connections()).isEqualTo(2);
        assertThat(verify(b, "carol@example.test").cached()).isTrue();

        redis.restart();
        // Once Redis answers again (bounded wait), an answer of node a reaches node b again.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        boolean sharedAgain = false;
        int n = 0;
        while (!sharedAgain && System.nanoTime() < deadline) {
            Thread.sleep(300);
            String address = "dave" + (n++) + "@example.test";
            verify(a, address);
            Thread.sleep(100); // the write to Redis is asynchronous
            sharedAgain = verify(b, address).cached();
        }
        assertThat(sharedAgain).as("node b reads node a's answers from Redis again").isTrue();
    }
}
