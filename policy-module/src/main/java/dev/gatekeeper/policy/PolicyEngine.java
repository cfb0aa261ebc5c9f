package dev.gatekeeper.policy;

import dev.gatekeeper.dns.DnsResolver;
import dev.gatekeeper.state.SharedState;
import java.time.Clock;
import java.util.Objects;
import java.util.concurrent.CompletionStage;

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

    /** Starts the policy's view of one SMTP connection; its verdicts carry the trace of their rules. */
    public PolicySession openSession(ClientFacts client) {
        return openSession(client, true);
    }

    /**
     * As {@link #openSession(ClientFacts)}; with {@code traced} false the verdicts' {@link Verdict#trace()}
     * is empty (warnings, tags and replies are the same). For a caller that reads the trace only
     * when its debug log is on: keeping a line for every rule tried, on every message, costs more
     * than most rules.
     */
    public PolicySession openSession(ClientFacts client, boolean traced) {
        return new PolicySession(this, client, traced);
    }

    /**
     * The relay rules' answer for one recipient, outside any SMTP session: the decision a RCPT
     * would get from the {@code <relay>} rules alone (trusted networks, James's
     * {@code authorizedAddresses}, SMTP AUTH, own and relay domains), for mail that is already
     * accepted. Only an explicit accept of a relay rule permits; a refusal, no decision, or a
     * recipient that is not an RFC 5321 path does not. The rules see no HELO; their SPF and
     * callout conditions ask this engine's {@link TransactionChecks}.
     *
     * @param authUser the user of SMTP AUTH, or null when the client did not authenticate
     * @throws IllegalStateException when the policy leaves relay control to James ({@code enabled="false"})
     */
    public CompletionStage<Boolean> relayPermitted(ClientFacts client, String authUser, String recipient) {
        if (!config.relayEnabled()) {
            throw new IllegalStateException("the policy's <relay enabled=\"false\">: it has no relay rules to apply");
        }
        PolicySession session = openSession(client);
        if (authUser != null) {
            session.authenticated(authUser);
        }
        return session.relayRulesPermit(recipient);
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
