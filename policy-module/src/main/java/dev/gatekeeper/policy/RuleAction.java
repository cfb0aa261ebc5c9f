package dev.gatekeeper.policy;

import java.util.Locale;
import java.util.concurrent.CompletionStage;

/**
 * What a rule, or a table entry, does when it matches, as the engine runs it. Built-in actions are
 * {@link PolicyAction}s made by their {@link ActionType}, as an extension's are made by its
 * {@link PolicyActionFactory}, and decide the same closed set of {@link PolicyDecision}s; an
 * extension's action takes part through {@link #of(PolicyAction)}. A reply is resolved against the
 * catalog when the policy is read, so a bad code never waits for the first client. Immutable,
 * shared by all sessions.
 */
interface RuleAction extends PolicyAction {

    CompletionStage<PolicyDecision> apply(StageContext ev);

    /** The trace's words for what it decided: {@code accept}, {@code reject 550 5.7.1 ...}, {@code tag guest}. */
    String traced(PolicyDecision decision);

    /** As an extension sees it; the engine, the only caller, always hands an {@link StageContext}. */
    @Override
    default CompletionStage<PolicyDecision> decide(PolicyContext context) {
        return apply((StageContext) context);
    }

    /** An extension's action ({@code action="custom"}). */
    static RuleAction of(PolicyAction custom) {
        return new RuleAction() {
            @Override
            public CompletionStage<PolicyDecision> apply(StageContext ev) {
                return custom.decide(ev);
            }

            @Override
            public String traced(PolicyDecision d) {
                return describe() + " decided " + d.kind().name().toLowerCase(Locale.ROOT) + d.reply().map(r -> " " + r).orElse("");
            }

            @Override
            public String describe() {
                return "custom " + custom.describe();
            }
        };
    }
}
