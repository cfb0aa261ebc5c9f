package dev.gatekeeper.policy;

import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * {@code tag} ({@code TAG label} in a table): records a label for the mailets and matchers, for
 * the connection at connect and HELO, for the transaction after; the next rule speaks.
 */
final class TagAction implements RuleAction {

    static final ActionType TYPE = ActionType.of("tag", Set.of("label"), TagAction::read, (word, rest, catalog) -> {
        if (rest == null) {
            throw new IllegalArgumentException("TAG needs a label");
        }
        return new TagAction(rest);
    }, "TAG");

    private final String label;

    private TagAction(String label) {
        if (label.isBlank() || !label.matches("[A-Za-z0-9._:-]+")) {
            throw new IllegalArgumentException("a tag label is one word of letters, digits, '.', '_', ':' or '-': '" + label + "'");
        }
        this.label = label;
    }

    private static RuleAction read(ExtensionConfig c) {
        if (!c.has("label")) {
            throw new IllegalArgumentException("action=\"tag\" needs label=\"...\"");
        }
        return new TagAction(c.parameter("label").orElseThrow().strip());
    }

    @Override
    public CompletionStage<PolicyDecision> apply(StageContext ev) {
        return CompletableFuture.completedFuture(PolicyDecision.tag(label));
    }

    @Override
    public String traced(PolicyDecision d) {
        return "tag " + label;
    }

    @Override
    public String describe() {
        return "tag " + label;
    }
}
