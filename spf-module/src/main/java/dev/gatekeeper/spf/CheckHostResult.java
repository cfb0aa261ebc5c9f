package dev.gatekeeper.spf;

/** The result of check_host() for one domain (RFC 7208 §4), before it becomes a verdict. */
final class CheckHostResult {

    /** Sentinels a mechanism answers besides an error outcome. */
    static final CheckHostResult MATCH = new CheckHostResult(SpfResult.PASS, null, null, null);
    static final CheckHostResult NO_MATCH = new CheckHostResult(SpfResult.NEUTRAL, null, null, null);
    static final CheckHostResult NEUTRAL_DEFAULT = new CheckHostResult(SpfResult.NEUTRAL, SpfVerdict.DEFAULT_MECHANISM, null, null);

    final SpfResult result;
    final String mechanism;
    final String problem;
    final String explanation;

    private CheckHostResult(SpfResult result, String mechanism, String problem, String explanation) {
        this.result = result;
        this.mechanism = mechanism;
        this.problem = problem;
        this.explanation = explanation;
    }

    static CheckHostResult matched(SpfResult result, String mechanism, String explanation) {
        return new CheckHostResult(result, mechanism, null, explanation);
    }

    static CheckHostResult none(String why) {
        return new CheckHostResult(SpfResult.NONE, null, why, null);
    }

    static CheckHostResult permerror(String problem) {
        return new CheckHostResult(SpfResult.PERMERROR, null, problem, null);
    }

    static CheckHostResult temperror(String problem) {
        return new CheckHostResult(SpfResult.TEMPERROR, null, problem, null);
    }
}
