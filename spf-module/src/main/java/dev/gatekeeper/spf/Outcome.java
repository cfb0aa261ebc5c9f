package dev.gatekeeper.spf;

/** The result of check_host() for one domain (RFC 7208 §4), before it becomes a verdict. */
final class Outcome {

    /** Sentinels a mechanism answers besides an error outcome. */
    static final Outcome MATCH = new Outcome(SpfResult.PASS, null, null, null);
    static final Outcome NO_MATCH = new Outcome(SpfResult.NEUTRAL, null, null, null);
    static final Outcome NEUTRAL_DEFAULT = new Outcome(SpfResult.NEUTRAL, SpfVerdict.DEFAULT_MECHANISM, null, null);

    final SpfResult result;
    final String mechanism;
    final String problem;
    final String explanation;

    private Outcome(SpfResult result, String mechanism, String problem, String explanation) {
        this.result = result;
        this.mechanism = mechanism;
        this.problem = problem;
        this.explanation = explanation;
    }

    static Outcome matched(SpfResult result, String mechanism, String explanation) {
        return new Outcome(result, mechanism, null, explanation);
    }

    static Outcome none(String why) {
        return new Outcome(SpfResult.NONE, null, why, null);
    }

    static Outcome permerror(String problem) {
        return new Outcome(SpfResult.PERMERROR, null, problem, null);
    }

    static Outcome temperror(String problem) {
        return new Outcome(SpfResult.TEMPERROR, null, problem, null);
    }
}
