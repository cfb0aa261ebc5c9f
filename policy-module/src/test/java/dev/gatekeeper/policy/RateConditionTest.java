package dev.gatekeeper.policy;

import static dev.gatekeeper.policy.Policies.await;
import static dev.gatekeeper.policy.Policies.ip;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatekeeper.dns.MutableClock;
import dev.gatekeeper.dns.ZoneResolver;
import dev.gatekeeper.state.SharedState;
import dev.gatekeeper.state.StateUnavailableException;
import dev.gatekeeper.state.WindowCount;
import dev.gatekeeper.state.WindowRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RateConditionTest {

    @TempDir
    Path dir;

    /** A multiple of every window used here, so that buckets start at the test's start. */
    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));

    private PolicyEngine engine(String body, SharedState state) {
        PolicyConfig config = PolicyConfig.loader().clock(clock).load(Policies.write(dir, "policy.xml",
                "<?xml version=\"1.0\"?>\n<policy delay-reject=\"false\">\n<relay enabled=\"false\"/>\n" + body + "\n</policy>\n"));
        return PolicyEngine.create(config, TransactionChecks.none(), ZoneResolver.builder().build(), state);
    }

    private PolicyEngine engine(String body) {
        return engine(body, SharedState.local(clock, 1000));
    }

    private static String reply(Verdict v) {
        return v.reply().map(Object::toString).orElse("pass");
    }

    private static final String AUTH_RCPT = "<stage name=\"rcpt\"><rule name=\"user-rate\" action=\"defer\" reason=\"rate-limited\">"
            + "<rate key=\"authenticated-user\" measure=\"recipients\" limit=\"3\" per=\"10m\"/></rule></stage>";

    @Test
    void theRecipientOverTheUsersLimitIsDeferredWithRetryAfter() {
        PolicyEngine e = engine(AUTH_RCPT);
        PolicySession s = e.openSession(ClientFacts.of(ip("198.51.100.7"), null, false));
        await(s.connect());
        await(s.helo("client.example.net"));
        s.authenticated("Alice");
        await(s.mail("<alice@example.org>"));
        for (int i = 1; i <= 3; i++) {
            assertThat(reply(await(s.rcpt("<r" + i + "@example.net>")))).isEqualTo("pass");
        }
        Verdict v = await(s.rcpt("<r4@example.net>"));
        assertThat(v.answer()).isEqualTo(Verdict.Answer.DEFER);
        // Three recipients at the start of a 10-minute bucket leave the window 800 s from now, pro rata.
        assertThat(reply(v)).isEqualTo("450 4.7.1 Rate limit exceeded, try again in 800 seconds");
        assertThat(v.trace()).anyMatch(l -> l.contains("rate of alice"));

        // Another connection of the same user: the same counter.
        PolicySession other = e.openSession(ClientFacts.of(ip("203.0.113.9"), null, false));
        await(other.connect());
        other.authenticated("alice");
        await(other.mail("<alice@example.org>"));
        clock.advance(Duration.ofMinutes(5));
        assertThat(reply(await(other.rcpt("<r5@example.net>")))).isEqualTo("450 4.7.1 Rate limit exceeded, try again in 500 seconds");
        clock.advance(Duration.ofSeconds(500));
        assertThat(reply(await(other.rcpt("<r6@example.net>")))).isEqualTo("pass");
    }

    @Test
    void withoutTheKeyNothingIsCounted() {
        PolicyEngine e = engine(AUTH_RCPT);
        PolicySession s = e.openSession(ClientFacts.of(ip("198.51.100.7"), null, false));
        await(s.connect());
        await(s.mail("<bob@example.net>"));
        for (int i = 1; i <= 5; i++) {
            Verdict v = await(s.rcpt("<r" + i + "@example.org>"));
            assertThat(reply(v)).isEqualTo("pass");
        }
    }

    @Test
    void messagesPerClientNetworkAtMail() {
        PolicyEngine e = engine("<stage name=\"mail\"><rule action=\"defer\" reason=\"rate-limited\">"
                + "<rate key=\"client-network\" measure=\"messages\" limit=\"2\" per=\"1h\"/></rule></stage>");
        assertThat(mail(e, "198.51.100.7")).isEqualTo("pass");
        assertThat(mail(e, "198.51.100.99")).isEqualTo("pass");
        assertThat(mail(e, "198.51.100.200")).isEqualTo("450 4.7.1 Rate limit exceeded, try again in 5400 seconds");
        assertThat(mail(e, "203.0.113.5")).isEqualTo("pass");
        assertThat(mail(e, "2001:db8:1:2::1")).isEqualTo("pass");
        assertThat(mail(e, "2001:db8:1:2::2")).isEqualTo("pass");
        assertThat(mail(e, "2001:db8:1:2:ffff::3")).startsWith("450 4.7.1");
        assertThat(mail(e, "2001:db8:1:3::1")).isEqualTo("pass");
    }

    private static String mail(PolicyEngine e, String client) {
        PolicySession s = e.openSession(ClientFacts.of(ip(client), null, false));
        await(s.connect());
        return reply(await(s.mail("<someone@sender.example>")));
    }

    @Test
    void connectionsOverTheLimitAreClosedWith421() {
        PolicyEngine e = engine("<stage name=\"connect\"><rule action=\"disconnect\" reason=\"rate-limited-disconnect\">"
                + "<rate key=\"client-address\" measure=\"connections\" limit=\"1\" per=\"1m\" mode=\"strict\"/></rule></stage>");
        assertThat(reply(await(e.openSession(ClientFacts.of(ip("198.51.100.7"), null, false)).connect()))).isEqualTo("pass");
        Verdict v = await(e.openSession(ClientFacts.of(ip("198.51.100.7"), null, false)).connect());
        assertThat(v.answer()).isEqualTo(Verdict.Answer.DISCONNECT);
        assertThat(reply(v)).isEqualTo("421 4.7.0 Rate limit exceeded, try again in 120 seconds, closing connection");
    }

    @Test
    void bytesAtDataAndTheDeclaredSizeAtMail() {
        PolicyEngine e = engine("<stage name=\"mail\"><rule action=\"defer\" reason=\"rate-limited\">"
                + "<rate key=\"sender-domain\" measure=\"bytes\" limit=\"1000\" per=\"1h\" counter=\"declared\"/></rule></stage>"
                + "<stage name=\"data\"><rule action=\"defer\" reason=\"rate-limited\">"
                + "<rate key=\"sender-domain\" measure=\"bytes\" limit=\"1000\" per=\"1h\"/></rule></stage>");
        PolicySession s = e.openSession(ClientFacts.of(ip("198.51.100.7"), null, false));
        await(s.connect());
        assertThat(reply(await(s.mail("<a@big.example>", 600)))).isEqualTo("pass");
        await(s.rcpt("<x@example.org>"));
        assertThat(reply(await(s.data(600)))).isEqualTo("pass");
        assertThat(reply(await(s.mail("<a@big.example>", 600)))).startsWith("450 4.7.1 Rate limit exceeded");
        assertThat(reply(await(s.mail("<a@big.example>")))).isEqualTo("pass"); // no SIZE=: nothing to count at MAIL
        await(s.rcpt("<x@example.org>"));
        assertThat(reply(await(s.data(600)))).isEqualTo("450 4.7.1 Rate limit exceeded, try again in 4800 seconds");
    }

    /** A counter store that never answers, as Redis down with fallback=fail. */
    private static final class DownState implements SharedState {
        @Override
        public CompletionStage<WindowCount> count(String counter, WindowRequest request) {
            return CompletableFuture.failedFuture(new StateUnavailableException("redis test: connection refused", null));
        }

        @Override
        public CompletionStage<Optional<String>> get(String key) {
            return CompletableFuture.failedFuture(new StateUnavailableException("redis test: connection refused", null));
        }

        @Override
        public CompletionStage<Void> put(String key, String value, Duration lifetime) {
            return CompletableFuture.failedFuture(new StateUnavailableException("redis test: connection refused", null));
        }

        @Override
        public String describe() {
            return "redis test";
        }

        @Override
        public void close() {
        }
    }

    @Test
    void aStoreFailureIsNotEnforcedByDefaultOrATempfailWhenAsked() {
        String rule = "<stage name=\"mail\"><rule action=\"defer\" reason=\"rate-limited\">"
                + "<rate key=\"sender-address\" measure=\"messages\" limit=\"0\" per=\"1h\"%s/></rule></stage>";
        PolicyEngine ignore = engine(String.format(rule, ""), new DownState());
        assertThat(mail(ignore, "198.51.100.7")).isEqualTo("pass");
        PolicyEngine tempfail = engine(String.format(rule, " on-failure=\"tempfail\""), new DownState());
        assertThat(mail(tempfail, "198.51.100.7")).isEqualTo("451 4.3.0 Temporary server error, try again later");
    }

    @Test
    void twoEnginesSharingOneStoreShareTheLimit() {
        SharedState shared = SharedState.local(clock, 1000);
        String body = "<stage name=\"mail\"><rule action=\"defer\" reason=\"rate-limited\">"
                + "<rate key=\"sender-address\" measure=\"messages\" limit=\"2\" per=\"1m\"/></rule></stage>";
        PolicyEngine node1 = engine(body, shared);
        PolicyEngine node2 = engine(body, shared);
        assertThat(mail(node1, "198.51.100.7")).isEqualTo("pass");
        assertThat(mail(node2, "198.51.100.8")).isEqualTo("pass");
        assertThat(mail(node1, "198.51.100.9")).isEqualTo("450 4.7.1 Rate limit exceeded, try again in 90 seconds");
    }

    @Test
    void aRateWhereItsMeasureOrKeyIsNotKnownIsRefused() {
        assertThatThrownBy(() -> engine("<stage name=\"rcpt\"><rule action=\"defer\">"
                + "<rate key=\"client-address\" measure=\"connections\" limit=\"1\" per=\"1m\"/></rule></stage>"))
                .hasMessageEndingWith("<rate>: connections are counted at the connect stage, not at rcpt");
        assertThatThrownBy(() -> engine("<stage name=\"mail\"><rule action=\"defer\">"
                + "<rate key=\"recipient-domain\" measure=\"messages\" limit=\"1\" per=\"1m\"/></rule></stage>"))
                .hasMessageEndingWith("<rate>: key recipient-domain is not known at the mail stage");
        assertThatThrownBy(() -> engine("<stage name=\"mail\"><rule action=\"defer\">"
                + "<rate key=\"sender-address\" measure=\"messages\" limit=\"1\" per=\"1m\" mode=\"lazy\"/></rule></stage>"))
                .hasMessageEndingWith("<rate>: mode is leaky, strict or read-only, not 'lazy'");
    }
}
