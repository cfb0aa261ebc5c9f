package dev.gatekeeper.spf;

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
import java.util.Optional;
import java.util.Set;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * The openspf RFC 7208 test suite read into scenarios: each with its zone data as an in-memory
 * resolver and its test cases. Shared by the conformance test and the benchmarks (test-jar).
 * The suite stays outside the repository; {@code -Dspf.suite=PATH} names it, a relative path
 * being taken from the reactor root ({@code gatekeeper.root}).
 */
public final class SpfTestSuite {

    /** Where the suite lies by default, relative to the reactor root. */
    public static final String DEFAULT_PATH = "../shared/spf-suite/rfc7208-tests.yml";
    /** The suite writes DEFAULT where the checker's own default explanation is expected. */
    public static final String DEFAULT_EXPLANATION = "DEFAULT";

    private SpfTestSuite() {
    }

    /** One scenario: a description, its zone and its cases in file order. */
    public static final class Scenario {
        public final String description;
        public final ZoneResolver zone;
        public final List<Case> cases;

        Scenario(String description, ZoneResolver zone, List<Case> cases) {
            this.description = description;
            this.zone = zone;
            this.cases = List.copyOf(cases);
        }
    }

    /** One test: a MAIL FROM check and the results it accepts, the preferred one first. */
    public static final class Case {
        public final String id;
        public final InetAddress client;
        public final String helo;
        public final String mailFrom;
        public final List<String> results;
        public final Optional<String> explanation;

        Case(String id, InetAddress client, String helo, String mailFrom, List<String> results,
                Optional<String> explanation) {
            this.id = id;
            this.client = client;
            this.helo = helo;
            this.mailFrom = mailFrom;
            this.results = List.copyOf(results);
            this.explanation = explanation;
        }
    }

    /** The suite file named by {@code spf.suite}, resolved against {@code gatekeeper.root}. */
    public static Path location() {
        Path path = Paths.get(System.getProperty("spf.suite", DEFAULT_PATH));
        if (path.isAbsolute()) {
            return path;
        }
        return Paths.get(System.getProperty("gatekeeper.root", "..")).resolve(path).normalize();
    }

    /** Reads every scenario of the suite. */
    public static List<Scenario> load(Path path) throws IOException {
        List<Scenario> scenarios = new ArrayList<>();
        try (Reader in = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
            for (Object doc : new Yaml(new LoaderOptions()).loadAll(in)) {
                if (!(doc instanceof Map)) {
                    continue;
                }
                Map<?, ?> scenario = (Map<?, ?>) doc;
                List<Case> cases = new ArrayList<>();
                for (Map.Entry<?, ?> e : ((Map<?, ?>) scenario.get("tests")).entrySet()) {
                    cases.add(testCase(String.valueOf(e.getKey()), (Map<?, ?>) e.getValue()));
                }
                scenarios.add(new Scenario(String.valueOf(scenario.get("description")),
                        zone((Map<?, ?>) scenario.get("zonedata")), cases));
            }
        }
        return scenarios;
    }

    private static Case testCase(String id, Map<?, ?> t) throws IOException {
        List<String> expected = new ArrayList<>();
        Object r = t.get("result");
        if (r instanceof List) {
            for (Object o : (List<?>) r) {
                expected.add(String.valueOf(o).trim().toLowerCase(Locale.ROOT));
            }
        } else {
            expected.add(String.valueOf(r).trim().toLowerCase(Locale.ROOT));
        }
        return new Case(id, InetAddress.getByName(String.valueOf(t.get("host"))), String.valueOf(t.get("helo")),
                t.get("mailfrom") == null ? "" : String.valueOf(t.get("mailfrom")), expected,
                t.containsKey("explanation") ? Optional.of(String.valueOf(t.get("explanation"))) : Optional.empty());
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
