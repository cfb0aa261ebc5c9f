package dev.gatekeeper.policy;

import dev.gatekeeper.dns.DnsResolver;
import java.util.Objects;

/**
 * The policy engine: a configuration, the checks it may ask for, and a resolver for extensions.
 * Thread-safe; open one {@link PolicySession} per SMTP connection.
 */
public final class PolicyEngine {

    private final PolicyConfig config;
    private final TransactionChecks checks;
    private final DnsResolver resolver;

    private PolicyEngine(PolicyConfig config, TransactionChecks checks, DnsResolver resolver) {
        this.config = Objects.requireNonNull(config, "config");
        this.checks = Objects.requireNonNull(checks, "checks");
        this.resolver = Objects.requireNonNull(resolver, "resolver");
    }

    public static PolicyEngine create(PolicyConfig config, TransactionChecks checks, DnsResolver resolver) {
        return new PolicyEngine(config, checks, resolver);
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

    DnsResolver resolver() {
        return resolver;
    }
}
