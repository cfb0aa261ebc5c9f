package dev.gatekeeper.policy;

import dev.gatekeeper.dns.DnsResolver;
import dev.gatekeeper.state.SharedState;
import java.time.Clock;
import java.util.Objects;

/**
 * The policy engine: a configuration, the checks it may ask for, and a resolver for extensions.
 * Thread-safe; open one {@link PolicySession} per SMTP connection.
 */
public final class PolicyEngine {

    private final PolicyConfig config;
    private final TransactionChecks checks;
    private final DnsResolver resolver;
    private final SharedState state;

    private PolicyEngine(PolicyConfig config, TransactionChecks checks, DnsResolver resolver, SharedState state) {
        this.config = Objects.requireNonNull(config, "config");
        this.checks = Objects.requireNonNull(checks, "checks");
        this.resolver = Objects.requireNonNull(resolver, "resolver");
        this.state = Objects.requireNonNull(state, "state");
    }

    /** An engine whose rate counters live in this process only. */
    public static PolicyEngine create(PolicyConfig config, TransactionChecks checks, DnsResolver resolver) {
        return new PolicyEngine(config, checks, resolver, SharedState.local(Clock.systemUTC(), 100_000));
    }

    /**
     * An engine whose rate counters live in {@code state}, which may be shared with other nodes
     * (Redis); the caller owns it and closes it.
     */
    public static PolicyEngine create(PolicyConfig config, TransactionChecks checks, DnsResolver resolver, SharedState state) {
        return new PolicyEngine(config, checks, resolver, state);
    }

    /** Starts the policy's view of one SMTP connection. */
    public PolicySession openSession(ClientFacts client) {
        return new PolicySession(this, client);
    }

    public PolicyConfig config() {
        return config;
    }

    TransactionChecks checks() {
        return checks;
    }

    SharedState state() {
        return state;
    }

    DnsResolver resolver() {
        return resolver;
    }
}
