package dev.gatekeeper.benchmarks;

import dev.gatekeeper.spf.SpfEvaluator;
import dev.gatekeeper.spf.SpfSettings;
import dev.gatekeeper.spf.SpfTestSuite;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.james.jspf.impl.SPF;

/**
 * The 203 queries of the RFC 7208 suite, each paired with a Gatekeeper evaluator and a jSPF
 * checker that answer from the same in-memory zone of its scenario.
 */
final class SpfSuiteQueries {

    /** One suite test, ready for both engines. */
    static final class Query {
        final String name;
        final SpfTestSuite.Case testCase;
        final SpfEvaluator gatekeeper;
        final SPF jspf;
        final SPF jspfDefaultWiring;

        Query(String name, SpfTestSuite.Case testCase, SpfEvaluator gatekeeper, SPF jspf, SPF jspfDefaultWiring) {
            this.name = name;
            this.testCase = testCase;
            this.gatekeeper = gatekeeper;
            this.jspf = jspf;
            this.jspfDefaultWiring = jspfDefaultWiring;
        }

        String gatekeeperResult() {
            return gatekeeper.checkMailFrom(testCase.client, testCase.helo, testCase.mailFrom)
                    .toCompletableFuture().join().result().keyword();
        }

        String jspfResult() {
            return jspf.checkSPF(testCase.client.getHostAddress(), testCase.mailFrom, testCase.helo).getResult();
        }

        /** jSPF as {@code new SPF(dnsService)} and {@code DefaultSPF} wire it (asynchronous executor). */
        String jspfDefaultWiringResult() {
            return jspfDefaultWiring.checkSPF(testCase.client.getHostAddress(), testCase.mailFrom, testCase.helo)
                    .getResult();
        }
    }

    private SpfSuiteQueries() {
    }

    /** Loads the suite named by {@code spf.suite} (default {@code ../shared/spf-suite/rfc7208-tests.yml}). */
    static List<Query> load() {
        Path path = SpfTestSuite.location();
        if (!Files.isRegularFile(path)) {
            throw new IllegalStateException("RFC 7208 suite not found at " + path.toAbsolutePath()
                    + "; point at it with -Dspf.suite=PATH");
        }
        try {
            List<Query> queries = new ArrayList<>();
            for (SpfTestSuite.Scenario scenario : SpfTestSuite.load(path)) {
                SpfEvaluator gatekeeper = new SpfEvaluator(scenario.zone,
                        SpfSettings.builder().defaultExplanation(SpfTestSuite.DEFAULT_EXPLANATION).build());
                JspfZoneDnsService dns = new JspfZoneDnsService(scenario.zone);
                SPF jspf = JspfZoneDnsService.checker(dns);
                jspf.setDefaultExplanation(SpfTestSuite.DEFAULT_EXPLANATION);
                SPF jspfDefault = new SPF(dns);
                jspfDefault.setDefaultExplanation(SpfTestSuite.DEFAULT_EXPLANATION);
                for (SpfTestSuite.Case c : scenario.cases) {
                    queries.add(new Query(scenario.description + " / " + c.id, c, gatekeeper, jspf, jspfDefault));
                }
            }
            return queries;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
