package dev.gatekeeper.benchmarks;

import java.util.List;

/**
 * Runs the RFC 7208 suite through Gatekeeper and through jSPF 1.0.3 and prints how many tests
 * each passes (result among those the suite accepts), listing the ones jSPF gets wrong.
 *
 * <pre>
 * java -Dspf.suite=../shared/spf-suite/rfc7208-tests.yml -cp benchmarks/target/gatekeeper-benchmarks.jar \
 *     dev.gatekeeper.benchmarks.SpfSuiteComparison
 * </pre>
 */
public final class SpfSuiteComparison {

    private SpfSuiteComparison() {
    }

    public static void main(String[] args) {
        List<SpfSuiteQueries.Query> queries = SpfSuiteQueries.load();
        int ours = 0;
        int theirs = 0;
        int theirsDefault = 0;
        StringBuilder misses = new StringBuilder();
        for (SpfSuiteQueries.Query q : queries) {
            List<String> accepted = q.testCase.results;
            if (accepted.contains(q.gatekeeperResult())) {
                ours++;
            }
            String jspf;
            try {
                jspf = q.jspfResult();
            } catch (RuntimeException e) {
                jspf = "exception " + e.getClass().getSimpleName();
            }
            try {
                if (accepted.contains(q.jspfDefaultWiringResult())) {
                    theirsDefault++;
                }
            } catch (RuntimeException e) {
                // counted as a miss
            }
            if (accepted.contains(jspf)) {
                theirs++;
            } else {
                misses.append(String.format("  %-60s expected %-22s jSPF %s%n", q.name, accepted, jspf));
            }
        }
        System.out.printf("RFC 7208 suite, %d tests: Gatekeeper passes %d, jSPF 1.0.3 passes %d"
                + " (%d when wired as new SPF(dnsService) / DefaultSPF)%n", queries.size(), ours, theirs, theirsDefault);
        System.out.print("Tests jSPF fails:\n" + misses);
    }
}
