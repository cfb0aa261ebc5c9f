package dev.gatekeeper.dkim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.gatekeeper.dns.TxtRecord;
import dev.gatekeeper.dns.ZoneResolver;
import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Our verifier side by side with Debian's python3-dkim (dkimpy 1.1.4). The script
 * {@code dkimpy_corpus.py} (beside this class in the test resources) makes fresh RSA and Ed25519
 * keys, signs messages with dkimpy, mutates some of them, and records dkimpy's own verdict for
 * every DKIM-Signature; this test serves the same key records from a {@link ZoneResolver} and
 * verifies each message with {@link DkimVerifier}.
 *
 * <p>Each case states our expected result, signature by signature. A case where dkimpy answers
 * otherwise is listed in {@link #DIFFERENCES} with the RFC section that decides it; every other
 * case must agree (pass against pass, any non-pass against dkimpy's False). A case in the corpus
 * but not here, or here but not in the corpus, fails the test.
 *
 * <p>The corpus needs {@code /usr/bin/python3} with the modules {@code dkim} and {@code nacl}
 * (Debian: python3-dkim, python3-nacl) and {@code /usr/bin/openssl}. Without them the test fails
 * when {@code -Ddkim.corpus.required=true} (the module's pom sets it, so CI cannot skip silently)
 * and is skipped otherwise.
 */
class DkimpyComparisonTest {

    /** Debian's interpreter, where python3-dkim installs; {@code -Ddkim.corpus.python=PATH} names another. */
    static final String PYTHON = System.getProperty("dkim.corpus.python", "/usr/bin/python3");
    static final String OPENSSL = "/usr/bin/openssl";
    static final String REQUIRED = "dkim.corpus.required";
    private static final long SCRIPT_SECONDS = 180;

    /** Our expected result per signature, top to bottom: "pass", "pass testing", or the reason's name. */
    private static final Map<String, List<String>> EXPECTED = new LinkedHashMap<>();
    /** Cases where dkimpy's verdict differs from ours, and why we answer as we do. */
    private static final Map<String, Difference> DIFFERENCES = new LinkedHashMap<>();

    private static final class Difference {
        final String dkimpy;
        final String rfc;

        Difference(String dkimpy, String rfc) {
            this.dkimpy = dkimpy;
            this.rfc = rfc;
        }
    }

    private static void expect(String id, String... ours) {
        EXPECTED.put(id, List.of(ours));
    }

    private static void differs(String id, String dkimpyVerdicts, String rfc) {
        DIFFERENCES.put(id, new Difference(dkimpyVerdicts, rfc));
    }

    static {
        // Signed as they are.
        expect("rsa-relaxed-relaxed", "pass");
        expect("rsa-simple-simple", "pass");
        expect("rsa-relaxed-simple", "pass");
        expect("rsa-simple-relaxed", "pass");
        expect("ed25519-relaxed-relaxed", "pass");
        expect("ed25519-simple-simple", "pass");
        expect("ed25519-relaxed-simple", "pass");
        expect("rsa-length", "pass");
        expect("rsa-oversigned-from", "pass");
        expect("folded-relaxed", "pass");
        expect("folded-simple", "pass");
        expect("blank-tail-relaxed", "pass");
        expect("blank-tail-simple", "pass");
        expect("empty-body-simple", "pass");
        expect("empty-body-relaxed", "pass");
        expect("rsa-1024", "pass");
        expect("key-testing", "pass testing");
        expect("lf-line-ends", "pass");
        expect("two-signatures", "pass", "pass");

        // Mutated after signing.
        expect("body-changed", "BODY_HASH_MISMATCH");
        expect("body-changed-ed25519", "BODY_HASH_MISMATCH");
        expect("header-changed", "SIGNATURE_MISMATCH");
        expect("header-whitespace-relaxed", "pass");
        expect("header-whitespace-simple", "SIGNATURE_MISMATCH");
        expect("header-name-case-relaxed", "pass");
        expect("header-name-case-simple", "SIGNATURE_MISMATCH");
        expect("refolded-relaxed", "pass");
        expect("refolded-simple", "SIGNATURE_MISMATCH");
        expect("body-whitespace-relaxed", "pass");
        expect("body-whitespace-simple", "BODY_HASH_MISMATCH");
        expect("more-blank-lines-simple", "pass");
        expect("more-blank-lines-relaxed", "pass");
        expect("signed-headers-reordered", "pass");
        expect("unsigned-header-added", "pass");
        expect("subject-added-above-oversigned", "SIGNATURE_MISMATCH");
        expect("from-added-above-oversigned", "SIGNATURE_MISMATCH");
        expect("from-added-above-not-oversigned", "pass");
        differs("from-added-above-not-oversigned", "fail", "RFC 6376 §5.4.2: h= picks fields bottom-up, so the"
                + " signed (lower) From is the one hashed and it is intact: the signature verifies. §8.15 leaves a"
                + " second From to the consumer: our DMARC engine answers permerror for two From fields"
                + " (RFC 5322 §3.6, RFC 7489 §6.6.1). dkimpy hashes one extra From for every signature"
                + " (its fix for Debian bug 644046), a stricter local choice");
        expect("appended-after-length", "pass");
        expect("appended-without-length", "BODY_HASH_MISMATCH");
        expect("broken-base64", "SIGNATURE_SYNTAX");

        // Keys.
        expect("key-revoked", "KEY_REVOKED");
        expect("key-missing", "NO_KEY");
        expect("key-wrong-k-rsa-signature", "KEY_NOT_ACCEPTABLE");
        expect("key-wrong-k-ed25519-signature", "KEY_NOT_ACCEPTABLE");
        expect("rsa-512", "KEY_TOO_SHORT");
        expect("key-h-sha1-only", "KEY_NOT_ACCEPTABLE");
        differs("key-h-sha1-only", "pass", "RFC 6376 §6.1.2: a key record whose h= does not list the hash of a="
                + " makes the verifier ignore the signature (PERMFAIL, inappropriate hash algorithm);"
                + " dkimpy does not read the key's h=");
        expect("key-t-s-subdomain-identity", "KEY_NOT_ACCEPTABLE");
        differs("key-t-s-subdomain-identity", "pass", "RFC 6376 §3.6.1 t=s: the i= domain must equal d=, a"
                + " subdomain is not allowed; dkimpy does not read the key's t=");
        expect("key-t-s-exact-identity", "pass");

        // Algorithms and times.
        expect("rsa-sha1", "SHA1_NOT_ACCEPTED");
        differs("rsa-sha1", "pass", "RFC 8301 §3.1: verifiers MUST NOT consider rsa-sha1 signatures valid;"
                + " dkimpy still verifies them");
        expect("x-future", "pass");
        expect("x-expired-2-days", "SIGNATURE_EXPIRED");
        expect("x-expired-1-hour", "SIGNATURE_EXPIRED");
        differs("x-expired-1-hour", "pass", "RFC 6376 §3.5 x=: a receiver MAY allow for clock drift; dkimpy"
                + " allows 10 hours past x=, we allow none (the signer chose x=, and t=/x= are judged by our clock)");
        expect("l-equal-to-body", "pass");
        expect("l-beyond-body", "BODY_LENGTH_EXCEEDED");
        differs("l-beyond-body", "pass", "RFC 6376 §3.5 l= counts the canonical body octets that were hashed;"
                + " a count larger than the body is an inconsistent value, which §6.1.1 makes a PERMFAIL;"
                + " dkimpy hashes what there is and passes");
    }

    @Test
    void sideBySideWithDkimpy(@TempDir Path dir) throws Exception {
        String missing = dkimpyMissing();
        if (missing != null) {
            if (Boolean.getBoolean(REQUIRED)) {
                fail("python3-dkim is required (-D" + REQUIRED + "=true) but " + missing);
            }
            assumeTrue(false, "dkimpy comparison skipped: " + missing
                    + " (install python3-dkim python3-nacl openssl, or run with -D" + REQUIRED + "=true to make this a failure)");
        }
        runScript(dir);
        List<String> manifest = Files.readAllLines(dir.resolve("manifest.tsv"), StandardCharsets.UTF_8);
        assertThat(manifest.get(0)).startsWith("#now\t");
        long now = Long.parseLong(manifest.get(0).split("\t")[1]);
        // The instant dkimpy's verdicts were reached; the x= cases sit a day or an hour from it.
        Clock clock = Clock.fixed(Instant.ofEpochSecond(now), ZoneOffset.UTC);
        DkimVerifier verifier = new DkimVerifier(zone(dir.resolve("keys.tsv")),
                DkimSettings.builder().clock(clock).build());

        int cases = 0;
        int agree = 0;
        int documented = 0;
        List<String> wrong = new ArrayList<>();
        StringBuilder table = new StringBuilder();
        List<String> seen = new ArrayList<>();
        for (String line : manifest.subList(1, manifest.size())) {
            String[] f = line.split("\t", -1);
            String id = f[0];
            seen.add(id);
            List<String> theirs = Arrays.asList(f[2].split(","));
            List<DkimResult> results = verifier.verify(Files.readAllBytes(dir.resolve(f[1])))
                    .toCompletableFuture().get(30, TimeUnit.SECONDS);
            List<String> ours = results.stream().map(DkimpyComparisonTest::outcome).collect(Collectors.toList());
            List<String> oursAsDkimpy = results.stream().map(r -> r.status() == DkimStatus.PASS ? "pass" : "fail")
                    .collect(Collectors.toList());
            cases++;
            boolean same = oursAsDkimpy.equals(theirs);
            Difference difference = DIFFERENCES.get(id);
            if (same) {
                agree++;
            } else if (difference != null) {
                documented++;
            }
            table.append(String.format("%-34s ours %-28s dkimpy %-10s %s%n", id, String.join(",", ours), f[2],
                    same ? "agree" : difference != null ? "DIFFER (documented)" : "DIFFER: " + f[3]));

            if (!EXPECTED.containsKey(id)) {
                wrong.add(id + ": not in this test's table (ours " + ours + ", dkimpy " + f[2] + ")");
                continue;
            }
            if (!ours.equals(EXPECTED.get(id))) {
                wrong.add(id + ": ours " + ours + " " + results + ", expected " + EXPECTED.get(id));
            }
            if (difference == null && !same) {
                wrong.add(id + ": dkimpy " + f[2] + " (" + f[3] + "), ours " + ours + ": an undocumented difference");
            }
            if (difference != null && !f[2].equals(difference.dkimpy)) {
                wrong.add(id + ": dkimpy " + f[2] + " (" + f[3] + "), the documented difference expects " + difference.dkimpy);
            }
        }
        List<String> absent = new ArrayList<>(EXPECTED.keySet());
        absent.removeAll(seen);
        System.out.printf("DKIM side by side with dkimpy: %d cases, %d agree, %d documented differences%n%s",
                cases, agree, documented, table);
        DIFFERENCES.forEach((id, d) -> System.out.printf("  %s: %s%n", id, d.rfc));
        assertThat(absent).as("cases in the table that the corpus lacks").isEmpty();
        assertThat(wrong).as("cases off their documented answers").isEmpty();
        assertThat(agree + documented).isEqualTo(cases);
        assertThat(documented).isEqualTo(DIFFERENCES.size());
    }

    private static String outcome(DkimResult r) {
        if (r.status() == DkimStatus.PASS) {
            return r.testing() ? "pass testing" : "pass";
        }
        return r.reason().map(Enum::name).orElse(r.status().keyword());
    }

    /** The key records from the script, long ones as several TXT strings the way a zone publishes them. */
    private static ZoneResolver zone(Path keys) throws IOException {
        ZoneResolver.Builder zone = ZoneResolver.builder();
        for (String line : Files.readAllLines(keys, StandardCharsets.US_ASCII)) {
            String[] f = line.split("\t", 2);
            List<String> strings = new ArrayList<>();
            for (int i = 0; i < f[1].length(); i += 255) {
                strings.add(f[1].substring(i, Math.min(f[1].length(), i + 255)));
            }
            zone.add(f[0], TxtRecord.of(strings));
        }
        return zone.build();
    }

    /** Why the corpus cannot be built, or null when it can. */
    static String dkimpyMissing() throws InterruptedException {
        if (!Files.isExecutable(Paths.get(PYTHON))) {
            return PYTHON + " is missing";
        }
        if (!Files.isExecutable(Paths.get(OPENSSL))) {
            return OPENSSL + " is missing";
        }
        try {
            Process p = new ProcessBuilder(PYTHON, "-c", "import dkim, dkim.crypto, nacl.signing")
                    .redirectErrorStream(true).start();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return "importing dkim did not finish within 60 s";
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            return p.exitValue() == 0 ? null : "the Python modules do not import: " + out;
        } catch (IOException e) {
            return PYTHON + " does not run: " + e.getMessage();
        }
    }

    private static void runScript(Path dir) throws IOException, InterruptedException, URISyntaxException {
        Path script = Paths.get(DkimpyComparisonTest.class.getResource("dkimpy_corpus.py").toURI());
        File log = dir.resolve("script.log").toFile();
        Process p = new ProcessBuilder(PYTHON, script.toString(), dir.toString())
                .redirectErrorStream(true).redirectOutput(log).start();
        if (!p.waitFor(SCRIPT_SECONDS, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("dkimpy_corpus.py did not finish within " + SCRIPT_SECONDS + " s");
        }
        if (p.exitValue() != 0) {
            fail("dkimpy_corpus.py exited with " + p.exitValue() + ":\n" + Files.readString(log.toPath()));
        }
    }
}
