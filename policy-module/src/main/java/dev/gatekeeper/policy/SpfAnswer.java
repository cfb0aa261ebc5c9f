package dev.gatekeeper.policy;

import dev.gatekeeper.spf.SpfResult;
import java.util.Objects;

/** What an SPF check answered, as the policy sees it: the result and the explanation text ("" when none). */
public final class SpfAnswer {

    private final SpfResult result;
    private final String explanation;

    private SpfAnswer(SpfResult result, String explanation) {
        this.result = Objects.requireNonNull(result, "result");
        this.explanation = Objects.requireNonNull(explanation, "explanation");
    }

    public static SpfAnswer of(SpfResult result, String explanation) {
        return new SpfAnswer(result, explanation);
    }

    public SpfResult result() {
        return result;
    }

    public String explanation() {
        return explanation;
    }

    @Override
    public String toString() {
        return result.keyword() + (explanation.isEmpty() ? "" : " (" + explanation + ")");
    }
}
