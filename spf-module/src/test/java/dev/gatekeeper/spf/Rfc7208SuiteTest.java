package dev.gatekeeper.spf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.gatekeeper.dns.AddressRecord;
import dev.gatekeeper.dns.MxRecord;
import dev.gatekeeper.dns.PtrRecord;
import dev.gatekeeper.dns.RecordType;
import dev.gatekeeper.dns.TxtRecord;
import dev.gatekeeper.dns.ZoneResolver;
import java.io.IOException;
import java.io.Reader;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * The openspf RFC 7208 test suite, one dynamic test per suite test. The suite stays outside the
 * repository; {@code -Dspf.suite=PATH} names it.
 */
class Rfc7208SuiteTest {

    private static final String DEFAULT_PATH = "../../shared/spf-suite/rfc7208-tests.yml";
    /** The suite writes DEFAULT where the checker's own default explanation is expected. */
    private static final String DEFAULT_EXPLANATION = "DEFAULT";

    private static final AtomicInteger RUN = new AtomicInteger();
    private static final AtomicInteger PASSED = new AtomicInteger();
    private static final AtomicInteger PREFERRED = new AtomicInteger();

    @TestFactory
    List<DynamicTest> suite() throws IOException {
        Path path = Paths.get(System.getProperty("spf.suite", DEFAULT_PATH));
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
        LoaderOptions options = new LoaderOptions();
        try (Reader in = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
            for (Object doc : new Yaml(options).loadAll(in)) {
                if (!(doc instanceof Map)) {
                    continue;
                }
                Map<?, ?> scenario = (Map<?, ?>) doc;
                String description = String.valueOf(scenario.get("description"));
                ZoneResolver zone = zone((Map<?, ?>) scenario.get("zonedata"));
                SpfEvaluator evaluator = new SpfEvaluator(zone,
                        SpfSettings.builder().defaultExplanation(DEFAULT_EXPLANATION).build());
                Map<?, ?> cases = (Map<?, ?>) scenario.get("tests");
                for (Map.Entry<?, ?> e : cases.entrySet()) {
                    Map<?, ?> t = (Map<?, ?>) e.getValue();
                    tests.add(DynamicTest.dynamicTest(description + " / " + e.getKey(), () -> run(evaluator, t)));
                }
            }
        }
        return tests;
    }

    private static void run(SpfEvaluator evaluator, Map<?, ?> t) throws Exception {
        RUN.incrementAndGet();
        List<String> expected = new ArrayList<>();
        Object r = t.get("result");
        if (r instanceof List) {
            for (Object o : (List<?>) r) {
                expected.add(String.valueOf(o).trim().toLowerCase(Locale.ROOT));
            }
        } else {
            expected.add(String.valueOf(r).trim().toLowerCase(Locale.ROOT));
        }
        InetAddress client = InetAddress.getByName(String.valueOf(t.get("host")));
        String helo = String.valueOf(t.get("helo"));
        String mailfrom = t.get("mailfrom") == null ? "" : String.valueOf(t.get("mailfrom"));
        SpfVerdict v = evaluator.checkMailFrom(client, helo, mailfrom).toCompletableFuture().get();
        String got = v.result().keyword();
        assertTrue(expected.contains(got), "expected " + expected + ", got " + v);
        if (t.containsKey("explanation")) {
            assertEquals(String.valueOf(t.get("explanation")), v.explanation().orElse(null), "explanation of " + v);
        }
        PASSED.incrementAndGet();
        if (expected.get(0).equals(got)) {
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

    /** Zone data as the suite's drivers read it: SPF doubles as TXT unless the name has TXT; TXT NONE suppresses it. */
    static ZoneResolver zone(Map<?, ?> zonedata) throws IOException {
        ZoneResolver.Builder b = ZoneResolver.builder();
        if (zonedata == null) {
            return b.build();
        }
        for (Map.Entry<?, ?> e : zonedata.entrySet()) {
            String name = String.valueOf(e.getKey());
            List<?> entries = (List<?>) e.getValue();
            boolean hasTxt = false;
            boolean timeout = false;
            for (Object o : entries) {
                if (o instanceof Map && ((Map<?, ?>) o).containsKey("TXT")) {
                    hasTxt = true;
                }
                if ("TIMEOUT".equals(o)) {
                    timeout = true;
                }
            }
            b.exists(name);
            Set<RecordType> present = EnumSet.noneOf(RecordType.class);
            for (Object o : entries) {
                if (!(o instanceof Map)) {
                    continue;
                }
                for (Map.Entry<?, ?> rr : ((Map<?, ?>) o).entrySet()) {
                    String type = String.valueOf(rr.getKey());
                    Object value = rr.getValue();
                    switch (type) {
                        case "SPF":
                            if (!hasTxt) {
                                b.add(name, txt(value));
                                present.add(RecordType.TXT);
                            }
                            break;
                        case "TXT":
                            if (!"NONE".equals(value)) {
                                b.add(name, txt(value));
                                present.add(RecordType.TXT);
                            }
                            break;
                        case "A":
                        case "AAAA":
                            InetAddress a = InetAddress.getByName(String.valueOf(value));
                            b.add(name, AddressRecord.of(a));
                            present.add(type.equals("A") ? RecordType.A : RecordType.AAAA);
                            break;
                        case "MX":
                            List<?> mx = (List<?>) value;
                            b.add(name, MxRecord.of(((Number) mx.get(0)).intValue(), String.valueOf(mx.get(1))));
                            present.add(RecordType.MX);
                            break;
                        case "PTR":
                            b.add(name, PtrRecord.of(String.valueOf(value)));
                            present.add(RecordType.PTR);
                            break;
                        case "CNAME":
                            b.cname(name, String.valueOf(value));
                            break;
                        default:
                            throw new IllegalArgumentException("unknown record type " + type + " at " + name);
                    }
                }
            }
            if (timeout) {
                // a name's own records answer; every other type times out
                EnumSet<RecordType> missing = present.isEmpty()
                        ? EnumSet.allOf(RecordType.class) : EnumSet.complementOf(EnumSet.copyOf(present));
                if (!missing.isEmpty()) {
                    b.timeout(name, missing.toArray(new RecordType[0]));
                }
            }
        }
        return b.build();
    }

    private static TxtRecord txt(Object value) {
        if (value instanceof List) {
            List<String> strings = new ArrayList<>();
            for (Object o : (List<?>) value) {
                strings.add(String.valueOf(o));
            }
            return TxtRecord.of(strings);
        }
        return TxtRecord.of(String.valueOf(value));
    }
}
