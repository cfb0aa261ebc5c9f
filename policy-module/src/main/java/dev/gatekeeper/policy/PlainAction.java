package dev.gatekeeper.policy;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * {@code accept} ({@code OK} in a table), {@code continue}, and a table's {@code DUNNO} ("as if
 * not found", Postfix's word): actions that take nothing.
 */
final class PlainAction implements RuleAction {

    static final PlainAction ACCEPT = new PlainAction("accept", PolicyDecision.accept());
    static final PlainAction CONTINUE = new PlainAction("continue", PolicyDecision.next());
    /** Never run: a table entry with it does not match ({@link TableHit#counts()}). */
    static final PlainAction DUNNO = new PlainAction("dunno", PolicyDecision.next());

    static final ActionType ACCEPT_TYPE = ActionType.plain(ACCEPT, "OK", "ACCEPT");
    static final ActionType CONTINUE_TYPE = ActionType.plain(CONTINUE, "CONTINUE");
    static final ActionType DUNNO_TYPE = ActionType.tableOnly(DUNNO, "DUNNO");

    private final String name;
    private final PolicyDecision decision;

    private PlainAction(String name, PolicyDecision decision) {
        this.name = name;
        this.decision = decision;
    }

    @Override
    public CompletionStage<PolicyDecision> apply(StageContext ev) {
        return CompletableFuture.completedFuture(decision);
    }

    @Override
    public String traced(PolicyDecision d) {
        return decision.kind() == PolicyDecision.Kind.ACCEPT ? "accept" : "continue";
    }

    @Override
    public String describe() {
        return name;
    }
}
