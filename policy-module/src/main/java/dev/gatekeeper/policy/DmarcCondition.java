package dev.gatekeeper.policy;

import dev.gatekeeper.dmarc.DmarcOutcome;
import dev.gatekeeper.dmarc.Policy;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.stream.Collectors;

/**
 * {@code <dmarc result="fail" policy="reject"/>}: the DMARC result of the message's author domain
 * (RFC 7489 §11.2: none, pass, fail, temperror, permerror) and what its domain asks done with it,
 * after {@code pct} sampling ({@code policy}: none, quarantine, reject, the disposition of
 * §6.6.4; only a fail has one other than none). Both given, both must hold. Known at the end of
 * DATA only.
 */
final class DmarcCondition extends Condition.Base {

    static final ConditionType TYPE = ConditionType.of("dmarc", Set.of("result", "policy"), DmarcCondition::read);

    private final Set<DmarcOutcome> results;
    private final Set<Policy> policies;

    private DmarcCondition(Set<DmarcOutcome> results, Set<Policy> policies, String description) {
        super(description, Datum.MESSAGE, false);
        this.results = results;
        this.policies = policies;
    }

    private static Condition read(ExtensionConfig config) {
        Set<DmarcOutcome> results = EnumSet.allOf(DmarcOutcome.class);
        Set<Policy> policies = EnumSet.allOf(Policy.class);
        Set<String> resultWords = config.parameter("result").map(ExtensionConfig::wordsIn).orElse(Set.of());
        Set<String> policyWords = config.parameter("policy").map(ExtensionConfig::wordsIn).orElse(Set.of());
        if (resultWords.isEmpty() && policyWords.isEmpty()) {
            throw new IllegalArgumentException("says nothing to match (give result, policy or both)");
        }
        if (!resultWords.isEmpty()) {
            results = ExtensionConfig.keywords(DmarcOutcome.class, resultWords, "DMARC result", "none pass fail temperror permerror");
        }
        if (!policyWords.isEmpty()) {
            policies = ExtensionConfig.keywords(Policy.class, policyWords, "DMARC policy", "none quarantine reject");
        }
        String description = "dmarc"
                + (resultWords.isEmpty() ? "" : " result=" + results.stream().map(DmarcOutcome::keyword).collect(Collectors.joining(",")))
                + (policyWords.isEmpty() ? "" : " policy=" + policies.stream().map(Policy::keyword).collect(Collectors.joining(",")));
        return new DmarcCondition(results, policies, description);
    }

    @Override
    public CompletionStage<Match> match(StageContext ev) {
        return ev.message().thenApply(m -> Match.of(results.contains(m.dmarc().outcome()) && policies.contains(m.dmarc().disposition()),
                () -> m.dmarc().authenticationResults()));
    }
}
