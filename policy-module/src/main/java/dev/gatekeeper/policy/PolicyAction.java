package dev.gatekeeper.policy;

import java.util.concurrent.CompletionStage;

/**
 * An action, written outside Gatekeeper as Gatekeeper's own are, run when its rule's conditions hold. Shared by every
 * session: keep it immutable and thread-safe, and never block.
 */
public interface PolicyAction {

    /** What to do. */
    CompletionStage<PolicyDecision> decide(PolicyContext context);

    /** A short description for the rule trace. */
    default String describe() {
        return getClass().getSimpleName();
    }
}
