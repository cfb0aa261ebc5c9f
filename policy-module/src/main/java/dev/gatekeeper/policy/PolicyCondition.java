package dev.gatekeeper.policy;

import java.util.concurrent.CompletionStage;

/**
 * A condition written outside Gatekeeper. Instances come from a {@link PolicyConditionFactory} and
 * are shared by every session: keep them immutable and thread-safe. Never block: return a stage
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
}
