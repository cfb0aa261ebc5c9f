package dev.gatekeeper.policy;

import static dev.gatekeeper.policy.Policies.config;
import static dev.gatekeeper.policy.Policies.ip;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatekeeper.dns.ZoneResolver;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The relay rules asked per recipient, as the RelayAllowedByPolicy matcher does for accepted mail. */
class RelayPermittedTest {

    @TempDir
    Path dir;

    private boolean permitted(PolicyEngine engine, String client, boolean authorized, String user, String rcpt) throws Exception {
        return engine.relayPermitted(ClientFacts.of(ip(client), null, authorized), user, rcpt)
                .toCompletableFuture().get(5, TimeUnit.SECONDS);
    }

    private PolicyEngine engine(String body) {
        return PolicyEngine.create(config(dir, "", body), TransactionChecks.none(), ZoneResolver.builder().build());
    }

    @Test
    void defaultRelayRulesPerRecipient() throws Exception {
        PolicyEngine e = engine("");
        assertThat(permitted(e, "198.51.100.1", false, null, "<bob@example.org>")).isTrue();
        assertThat(permitted(e, "198.51.100.1", false, null, "<carol@partner.example>")).isTrue();
        assertThat(permitted(e, "198.51.100.1", false, null, "<x@elsewhere.example>")).isFalse();
        assertThat(permitted(e, "192.0.2.9", false, null, "<x@elsewhere.example>")).as("my-networks").isTrue();
        assertThat(permitted(e, "198.51.100.1", true, null, "<x@elsewhere.example>")).as("authorizedAddresses").isTrue();
        assertThat(permitted(e, "198.51.100.1", false, "alice", "<x@elsewhere.example>")).as("SMTP AUTH").isTrue();
        assertThat(permitted(e, "198.51.100.1", false, null, "<x%elsewhere.example@example.org>")).as("percent hack").isFalse();
        assertThat(permitted(e, "198.51.100.1", false, null, "not an address")).isFalse();
    }

    @Test
    void relayControlLeftToJamesIsRefused() {
        PolicyConfig c = PolicyConfig.load(Policies.write(dir, "p.xml", "<policy><relay enabled=\"false\"/></policy>"));
        PolicyEngine e = PolicyEngine.create(c, TransactionChecks.none(), ZoneResolver.builder().build());
        assertThatThrownBy(() -> e.relayPermitted(ClientFacts.of(ip("192.0.2.1"), null, false), null, "<a@b.example>"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("the policy's <relay enabled=\"false\">: it has no relay rules to apply");
    }
}
