package dev.gatekeeper.policy;

import java.util.concurrent.CompletionStage;

/**
 * A condition of a rule, written outside Gatekeeper as Gatekeeper's own are. Instances come from a
 * {@link PolicyConditionFactory} and are shared by every session: keep them immutable and thread-safe. Never block: return a stage
 * completed later (DNS lookups are asynchronous). A stage completed exceptionally is a temporary
 * failure of the policy (451 4.3.0), never a match.
 */
public interface PolicyCondition {

    /** Whether the condition holds for the session as it is now. */
    CompletionStage<Boolean> test(PolicyContext context);

    /** A short description for the rule trace, e.g. {@code dnsbl zen.example}. */
    default String describe() {
        return getClass().getSimpleName();
    }

    /**
     * The first stage at which what this condition reads is known ({@link PolicyContext#helo()} from
     * HELO on, {@link PolicyContext#authenticatedUser()} and {@link PolicyContext#sender()} from MAIL
     * on, {@link PolicyContext#recipient()} at RCPT). Used at an earlier stage, the condition is a
     * configuration error without delayed rejection; with it, its rule is decided again at RCPT.
     * The default, connect, suits a condition on the client alone (a DNS blocklist).
     */
    default Stage knownFrom() {
        return Stage.CONNECT;
    }
}
