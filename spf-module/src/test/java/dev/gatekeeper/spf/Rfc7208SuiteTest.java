package dev.gatekeeper.spf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The openspf RFC 7208 test suite, one dynamic test per suite test. A test passes when our
 * result is one of those the suite lists and, where it gives one, the explanation is equal.
 */
class Rfc7208SuiteTest {

    private static final AtomicInteger RUN = new AtomicInteger();
    private static final AtomicInteger PASSED = new AtomicInteger();
    private static final AtomicInteger PREFERRED = new AtomicInteger();

    @TestFactory
    List<DynamicTest> suite() throws IOException {
        Path path = SpfTestSuite.location();
        if (!Files.isRegularFile(path)) {
            String message = "RFC 7208 suite not found at " + path.toAbsolutePath()
                    + "; point at it with -Dspf.suite=PATH (rfc7208-tests.yml)";
            boolean required = Boolean.parseBoolean(System.getProperty("spf.suite.required", "false"));
            return List.of(DynamicTest.dynamicTest("RFC 7208 suite", () -> {
                if (required) {
                    fail(message);
                }
                Assumptions.assumeTrue(false, message);
            }));
        }
        List<DynamicTest> tests = new ArrayList<>();
        for (SpfTestSuite.Scenario scenario : SpfTestSuite.load(path)) {
            SpfEvaluator evaluator = new SpfEvaluator(scenario.zone,
                    SpfSettings.builder().defaultExplanation(SpfTestSuite.DEFAULT_EXPLANATION).build());
            for (SpfTestSuite.Case c : scenario.cases) {
                tests.add(DynamicTest.dynamicTest(scenario.description + " / " + c.id, () -> run(evaluator, c)));
            }
        }
        return tests;
    }

    private static void run(SpfEvaluator evaluator, SpfTestSuite.Case c) throws Exception {
        RUN.incrementAndGet();
        SpfVerdict v = evaluator.checkMailFrom(c.client, c.helo, c.mailFrom).toCompletableFuture().get();
        String got = v.result().keyword();
        assertTrue(c.results.contains(got), "expected " + c.results + ", got " + v);
        if (c.explanation.isPresent()) {
            assertEquals(c.explanation.get(), v.explanation().orElse(null), "explanation of " + v);
        }
        PASSED.incrementAndGet();
        if (c.results.get(0).equals(got)) {
            PREFERRED.incrementAndGet();
        }
    }

    @AfterAll
    static void summary() throws IOException {
        if (RUN.get() == 0) {
            return;
        }
        String line = "RFC 7208 suite: " + PASSED.get() + "/" + RUN.get() + " passed, " + PREFERRED.get() + "/"
                + RUN.get() + " match the preferred result";
        System.out.println(line);
        Path out = Paths.get("target", "spf-suite-summary.txt");
        Files.createDirectories(out.getParent());
        Files.write(out, (line + "\n").getBytes(StandardCharsets.UTF_8));
    }
}
