package dev.gatekeeper.policy;

import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * {@code warn} ({@code WARN text} in a table): records a warning, optionally with the catalog
 * reply that would have been given ({@code reason}), and lets the next rule speak.
 */
final class WarnAction implements RuleAction {

    static final ActionType TYPE = ActionType.of("warn", Set.of("text", "reason"), WarnAction::read,
            (word, rest, catalog) -> new WarnAction(rest == null ? "table entry matched" : rest, null), "WARN");

    private final String text;
    /** The reply that would have been given, or null. */
    private final ReplyTemplate wouldGive;

    private WarnAction(String text, ReplyTemplate wouldGive) {
        this.text = text;
        this.wouldGive = wouldGive;
    }

    private static RuleAction read(ExtensionConfig c) {
        ReplyTemplate would = c.has("reason") ? c.catalog().template(Reason.fromKeyword(c.parameter("reason").orElseThrow())) : null;
        return new WarnAction(c.parameter("text").orElse("rule matched"), would);
    }

    @Override
    public CompletionStage<PolicyDecision> apply(StageContext ev) {
        String would = wouldGive == null ? "" : " (would answer " + wouldGive.render(ev.replyValues().with("reason", text).asMap()) + ")";
        return CompletableFuture.completedFuture(PolicyDecision.warn(text + would));
    }

    @Override
    public String traced(PolicyDecision d) {
        return "warn";
    }

    @Override
    public String describe() {
        return "warn " + text;
    }
}
