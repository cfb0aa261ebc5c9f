package dev.gatekeeper.policy;

import static dev.gatekeeper.policy.Policies.await;
import static dev.gatekeeper.policy.Policies.ip;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatekeeper.dns.ZoneResolver;
import dev.gatekeeper.state.RedisServer;
import dev.gatekeeper.state.SharedState;
import dev.gatekeeper.state.StateSettings;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Two policy engines standing for two James nodes count one limit in a real Redis. */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class RateLimitRedisIT {

    @TempDir
    Path dir;

    private static final String BODY = "<stage name=\"rcpt\"><rule action=\"defer\" reason=\"rate-limited\">"
            + "<rate key=\"authenticated-user\" measure=\"recipients\" limit=\"4\" per=\"1h\"/></rule></stage>";

    private PolicyEngine node(SharedState state) {
        PolicyConfig config = PolicyConfig.load(Policies.write(dir, "policy.xml",
                "<?xml version=\"1.0\"?>\n<policy>\n<relay enabled=\"false\"/>\n" + BODY + "\n</policy>\n"));
        return PolicyEngine.create(config, TransactionChecks.none(), ZoneResolver.builder().build(), state);
    }

    private static SharedState redisState(RedisServer redis, String prefix) {
        return SharedState.open(StateSettings.parse(Map.of("store", "redis", "redis.uri", redis.uri(),
                "redis.retry-interval", "200ms", "redis.key-prefix", prefix)), Clock.systemUTC());
    }

    private static String rcpt(PolicyEngine e, String user, String recipient) {
        PolicySession s = e.openSession(ClientFacts.of(ip("198.51.100.7"), null, false));
        await(s.connect());
        s.authenticated(user);
        await(s.mail("<" + user + "@example.org>"));
        return await(s.rcpt(recipient)).reply().map(Object::toString).orElse("pass");
    }

    @Test
    void recipientsSpreadOverTwoNodesMeetOneLimitAndAnOutageFallsBackToEachNode() throws Exception {
        try (RedisServer redis = RedisServer.start();
                SharedState s1 = redisState(redis, "it-rate:");
                SharedState s2 = redisState(redis, "it-rate:")) {
            PolicyEngine node1 = node(s1);
            PolicyEngine node2 = node(s2);
            for (int i = 0; i < 4; i++) {
                assertThat(rcpt(i % 2 == 0 ? node1 : node2, "alice", "<r" + i + "@example.net>")).isEqualTo("pass");
            }
            assertThat(rcpt(node2, "alice", "<r5@example.net>"))
                    .matches("450 4\\.7\\.1 Rate limit exceeded, try again in \\d+ seconds");
            assertThat(rcpt(node1, "alice", "<r6@example.net>")).startsWith("450 4.7.1 Rate limit exceeded");

            redis.kill();
            // Fallback in-process: each node counts for itself from zero, so mail keeps flowing.
            assertThat(rcpt(node1, "alice", "<r7@example.net>")).isEqualTo("pass");
            for (int i = 0; i < 3; i++) {
                rcpt(node1, "alice", "<l" + i + "@example.net>");
            }
            assertThat(rcpt(node1, "alice", "<r8@example.net>")).startsWith("450 4.7.1 Rate limit exceeded");

            redis.restart(); // empty: the counts start again
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            String bobOnNode2 = "";
            int n = 0;
            while (System.nanoTime() < deadline) {
                Thread.sleep(250);
                // bob's recipients go to node 1 until Redis counts them; then node 2 sees bob over the limit.
                for (int i = 0; i < 4; i++) {
                    rcpt(node1, "bob" + n, "<b" + i + "@example.net>");
                }
                bobOnNode2 = rcpt(node2, "bob" + n, "<b9@example.net>");
                n++;
                if (bobOnNode2.startsWith("450")) {
                    break;
                }
            }
            assertThat(bobOnNode2).as("node 2 sees node 1's counts again").startsWith("450 4.7.1 Rate limit exceeded");
        }
    }
}
