package dev.gatekeeper.dmarc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.gatekeeper.dns.DnsjavaResolver;
import dev.gatekeeper.dns.LoopbackDnsServer;
import dev.gatekeeper.dns.ResolverSettings;
import dev.gatekeeper.dns.ZoneFile;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Our evaluator side by side with Debian's python3-authheaders ({@code authheaders.check_dmarc},
 * the DMARC part of its {@code authenticate_message}), both asking the same zone over real DNS
 * from a {@link LoopbackDnsServer}. Each case states our Authentication-Results resinfo; where
 * authheaders answers otherwise, the case states its answer too and the RFC section that decides
 * between them, so that a change on either side shows.
 *
 * <p>The comparison needs {@code /usr/bin/python3} with the modules {@code authheaders},
 * {@code authres} and {@code publicsuffix2} (Debian: python3-authheaders). Without them the test
 * is skipped, or fails when {@code -Ddmarc.corpus.required=true}.
 */
class AuthheadersComparisonTest {

    static final String PYTHON = "/usr/bin/python3";
    static final String REQUIRED = "dmarc.corpus.required";

    private static final String ZONE = String.join("\n",
            "$TTL 300",
            "_dmarc.gkrelaxed.com.      TXT \"v=DMARC1; p=reject\"",
            "_dmarc.gkstrict.com.       TXT \"v=DMARC1; p=reject; aspf=s; adkim=s\"",
            "_dmarc.gkmix.com.          TXT \"v=DMARC1; p=quarantine; aspf=s; adkim=r\"",
            "_dmarc.gksub.com.          TXT \"v=DMARC1; p=reject; sp=quarantine\"",
            "_dmarc.own.gksub.com.      TXT \"v=DMARC1; p=none\"",
            "_dmarc.gkpct.com.          TXT \"v=DMARC1; p=reject; pct=0\"",
            "_dmarc.gktwo.com.          TXT \"v=DMARC1; p=reject\"",
            "_dmarc.gktwo.com.          TXT \"v=DMARC1; p=none\"",
            "_dmarc.sub.gktwoorg.com.   TXT \"v=DMARC1; p=none\"",
            "_dmarc.sub.gktwoorg.com.   TXT \"v=DMARC1; p=quarantine\"",
            "_dmarc.gktwoorg.com.       TXT \"v=DMARC1; p=reject\"",
            "_dmarc.gkquar.com.         TXT \"v=DMARC1; p=quarantine\"",
            "_dmarc.gkmonitor.com.      TXT \"v=DMARC1; p=none\"",
            "_dmarc.gkspown.com.        TXT \"v=DMARC1; p=reject; sp=none\"",
            "_dmarc.org.gkunlisted.     TXT \"v=DMARC1; p=reject\"",
            "_dmarc.gkdown.com.         TXT \"v=DMARC1; p=reject\"",
            "_dmarc.gk-hyphen.com.      TXT \"v=DMARC1; p=reject\"",
            "_dmarc.gkbadp.com.         TXT \"v=DMARC1; p=block; rua=mailto:r@gkbadp.com\"",
            "gknone.com.                TXT \"v=spf1 -all\"",
            "");

    /** One message: From field values, SPF and one DKIM result, our expected resinfo, and authheaders' if it differs. */
    private static final class Case {
        final String id;
        final List<String> from;
        final String spf;
        final String dkim;
        final String ours;
        String theirs;
        String rfc;

        Case(String id, List<String> from, String spf, String dkim, String ours) {
            this.id = id;
            this.from = from;
            this.spf = spf;
            this.dkim = dkim;
            this.ours = ours;
        }

        /** authheaders answers {@code result/policy} instead, and this RFC section says we are right. */
        Case differs(String result, String rfcSection) {
            this.theirs = result;
            this.rfc = rfcSection;
            return this;
        }
    }

    private static Case c(String id, String from, String spf, String dkim, String ours) {
        return new Case(id, List.of(from), spf, dkim, ours);
    }

    static List<Case> cases() {
        List<Case> all = new ArrayList<>();
        all.add(c("relaxed-spf", "a@gkrelaxed.com", "pass:bounce.gkrelaxed.com", "",
                "dmarc=pass (p=reject dis=none) header.from=gkrelaxed.com"));
        all.add(c("relaxed-dkim-other-org", "a@gkrelaxed.com", "", "pass:gkother.com",
                "dmarc=fail (p=reject dis=reject) header.from=gkrelaxed.com"));
        all.add(c("strict-spf-subdomain", "a@gkstrict.com", "pass:mail.gkstrict.com", "",
                "dmarc=fail (p=reject dis=reject) header.from=gkstrict.com"));
        all.add(c("strict-dkim-exact", "a@gkstrict.com", "fail:gkstrict.com", "pass:gkstrict.com",
                "dmarc=pass (p=reject dis=none) header.from=gkstrict.com"));
        all.add(c("strict-spf-relaxed-dkim", "a@gkmix.com", "pass:mail.gkmix.com", "pass:sig.gkmix.com",
                "dmarc=pass (p=quarantine dis=none) header.from=gkmix.com"));
        all.add(c("subdomain-policy", "a@news.gksub.com", "", "",
                "dmarc=fail (p=quarantine dis=quarantine) header.from=news.gksub.com"));
        all.add(c("org-domain-lookup-pass", "a@deep.news.gksub.com", "", "pass:gksub.com",
                "dmarc=pass (p=quarantine dis=none) header.from=deep.news.gksub.com"));
        all.add(c("subdomain-own-record", "a@own.gksub.com", "", "",
                "dmarc=fail (p=none dis=none) header.from=own.gksub.com"));
        all.add(c("pct-0", "a@gkpct.com", "softfail:gkpct.com", "",
                "dmarc=fail (p=reject dis=quarantine) header.from=gkpct.com"));
        all.add(c("no-record", "a@gknone.com", "pass:gknone.com", "",
                "dmarc=none (no DMARC record at _dmarc.gknone.com) header.from=gknone.com"));
        all.add(c("no-record-subdomain", "a@mail.gknone.com", "", "",
                "dmarc=none (no DMARC record at _dmarc.gknone.com [none at _dmarc.mail.gknone.com]) header.from=mail.gknone.com"));
        all.add(c("two-records", "a@gktwo.com", "pass:gktwo.com", "",
                "dmarc=none (2 DMARC records at _dmarc.gktwo.com) header.from=gktwo.com"));
        all.add(c("multiple-from-strictest-fails", "a@gkquar.com, b@gkstrict.com", "", "pass:gkquar.com",
                "dmarc=fail (p=reject dis=reject) header.from=gkstrict.com"));
        all.add(c("p-none-fail", "Monitor <a@gkmonitor.com>", "", "fail:gkmonitor.com",
                "dmarc=fail (p=none dis=none) header.from=gkmonitor.com"));
        all.add(c("display-name-with-at", "\"Boss x@evil.example\" <a@gkrelaxed.com>", "pass:gkrelaxed.com", "",
                "dmarc=pass (p=reject dis=none) header.from=gkrelaxed.com"));

        all.add(c("two-records-at-subdomain", "a@sub.gktwoorg.com", "", "",
                "dmarc=none (2 DMARC records at _dmarc.sub.gktwoorg.com) header.from=sub.gktwoorg.com")
                .differs("fail/reject", "RFC 7489 §6.6.3 steps 3 and 5: the Organizational Domain is asked only when"
                        + " no record is left at the author domain; several records end discovery"));
        all.add(c("multiple-from-first-passes", "a@gkrelaxed.com, b@gkstrict.com", "", "pass:gkrelaxed.com",
                "dmarc=fail (p=reject dis=reject) header.from=gkstrict.com")
                .differs("pass/reject", "RFC 7489 §6.6.1: the strictest policy among the checks that fail applies;"
                        + " authheaders takes the first domain whose policy is reject, failing or not"));
        all.add(new Case("two-from-fields", List.of("a@gkrelaxed.com", "b@gkstrict.com"), "", "pass:gkrelaxed.com",
                "dmarc=permerror (2 From header fields [RFC 5322 §3.6 allows one])")
                .differs("pass/reject", "RFC 5322 §3.6 allows one From field and RFC 7489 §6.6.1 leaves forbidden"
                        + " messages out of scope; authheaders merges the fields into one address list"));
        all.add(c("multiple-from-with-spf-pass", "a@gkquar.com, b@gkstrict.com", "pass:gkquar.com", "",
                "dmarc=fail (p=reject dis=reject) header.from=gkstrict.com")
                .differs("error", "RFC 7489 §6.6.1 evaluates each author domain with the same SPF result;"
                        + " authheaders rewrites the SPF result's smtp.mailfrom to a bare domain while checking the first"
                        + " and then raises IndexError on the second"));
        all.add(new Case("no-from-field", List.of(), "pass:gkrelaxed.com", "",
                "dmarc=permerror (no From header field)")
                .differs("error", "RFC 5322 §3.6 requires a From field; authheaders raises UnboundLocalError"));
        all.add(c("sp-on-organizational-domain-itself", "a@gkspown.com", "", "",
                "dmarc=fail (p=reject dis=reject) header.from=gkspown.com")
                .differs("fail/none", "RFC 7489 §6.3: sp= is for subdomains; mail from the domain with the record"
                        + " gets p= (authheaders applies sp= whenever a record is found)"));
        all.add(c("unlisted-tld", "a@mail.org.gkunlisted", "", "",
                "dmarc=fail (p=reject dis=reject) header.from=mail.org.gkunlisted")
                .differs("none/", "RFC 7489 §3.2 defers to the Public Suffix List, whose algorithm applies the"
                        + " rule * to an unlisted TLD (Organizational Domain org.gkunlisted); publicsuffix2 answers gkunlisted"));
        all.add(c("tempfail", "a@gkdown.com", "pass:gkother.com", "",
                "dmarc=temperror (DNS SERVFAIL querying 127.0.0.1:* for _dmarc.gkdown.com. TXT [2 attempts] at _dmarc.gkdown.com)"
                        + " header.from=gkdown.com")
                .differs("none/", "RFC 7489 §6.6.3 (last paragraphs) tells a transient DNS error from the absence of"
                        + " a record; RFC 8601 §2.7.1 temperror; authheaders reads SERVFAIL as no record"));
        all.add(c("hyphenated-author-domain", "a@gk-hyphen.com", "", "",
                "dmarc=fail (p=reject dis=reject) header.from=gk-hyphen.com")
                .differs("none/", "RFC 1035 §2.3.1 and RFC 5322 §3.2.3 allow '-' in a domain; authheaders'"
                        + " get_domain_part stops at it and looks up _dmarc.gk"));
        all.add(c("invalid-p-with-rua", "a@gkbadp.com", "", "",
                "dmarc=fail (p=none dis=none) header.from=gkbadp.com")
                .differs("fail/block", "RFC 7489 §6.6.3 step 6.1: an invalid p= with a valid rua= is read as p=none"));
        return all;
    }

    @Test
    void sideBySideWithPythonAuthheaders() throws Exception {
        String missing = authheadersMissing();
        if (missing != null) {
            if (Boolean.getBoolean(REQUIRED)) {
                fail("python3-authheaders is required (-D" + REQUIRED + "=true) but " + missing);
            }
            assumeTrue(false, "python3-authheaders comparison skipped: " + missing + " (install python3-authheaders)");
        }
        List<Case> cases = cases();
        try (LoopbackDnsServer dns = LoopbackDnsServer.start(ZoneFile.parse(ZONE, "dmarc-comparison"))) {
            dns.onlyFor("_dmarc.gkdown.com").servfail(true);
            DnsjavaResolver resolver = new DnsjavaResolver(ResolverSettings.builder().server(dns.hostPort())
                    .timeout(Duration.ofSeconds(2)).build());
            // Never selected by pct: the pct=0 case is deterministic anyway, and nothing else samples.
            DmarcEvaluator evaluator = DmarcEvaluator.builder(resolver).sampler(() -> 99).build();
            Map<String, String> theirs = runAuthheaders(dns.port(), cases);

            int agree = 0;
            StringBuilder table = new StringBuilder();
            List<String> wrong = new ArrayList<>();
            for (Case k : cases) {
                DmarcResult ours = evaluator.evaluateBlocking(k.from, spf(k.spf), dkim(k.dkim), Duration.ofSeconds(10));
                String oursShort = ours.outcome().keyword() + "/" + ours.policy().map(Policy::keyword).orElse("");
                String theirShort = theirs.getOrDefault(k.id, "(no answer)");
                boolean same = oursShort.equals(theirShort);
                agree += same ? 1 : 0;
                table.append(String.format("%-36s ours %-18s authheaders %-18s %s%n", k.id, oursShort, theirShort,
                        same ? "agree" : "DIFFER: " + k.rfc));
                if (!glob(k.ours).matcher(ours.authenticationResults()).matches()) {
                    wrong.add(k.id + ": ours " + ours.authenticationResults() + " [" + ours.reason() + "], expected " + k.ours);
                }
                String expectedTheirs = k.theirs == null ? oursShort : k.theirs;
                if (!theirShort.equals(expectedTheirs) && !(expectedTheirs.equals("error") && theirShort.startsWith("error"))) {
                    wrong.add(k.id + ": authheaders " + theirShort + ", expected " + expectedTheirs);
                }
            }
            System.out.printf("DMARC side by side with python3-authheaders: %d of %d cases agree%n%s", agree, cases.size(), table);
            assertThat(wrong).as("cases off their documented answers").isEmpty();
            assertThat(agree).isEqualTo((int) cases.stream().filter(k -> k.theirs == null).count());
        }
    }

    /** The expected text as a pattern: {@code *} stands for any run of characters (the server's port). */
    private static Pattern glob(String expected) {
        StringBuilder regex = new StringBuilder();
        for (String part : expected.split("\\*", -1)) {
            regex.append(regex.length() == 0 ? "" : ".*").append(Pattern.quote(part));
        }
        return Pattern.compile(regex.toString());
    }

    private static SpfEvidence spf(String spec) {
        if (spec.isEmpty()) {
            return SpfEvidence.none();
        }
        String[] parts = spec.split(":");
        return SpfEvidence.of(parts[1], parts[0]);
    }

    private static List<DkimEvidence> dkim(String spec) {
        if (spec.isEmpty()) {
            return List.of();
        }
        String[] parts = spec.split(":");
        return List.of(DkimEvidence.of(parts[1], parts[0].equals("pass")));
    }

    /** Why the comparison cannot run, or null when it can. */
    static String authheadersMissing() throws InterruptedException {
        if (!Files.isExecutable(Paths.get(PYTHON))) {
            return PYTHON + " is missing";
        }
        try {
            Process p = new ProcessBuilder(PYTHON, "-c", "import authheaders, authres, publicsuffix2, dns.resolver")
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return "importing authheaders did not finish";
            }
            return p.exitValue() == 0 ? null : "the Python modules do not import: " + out;
        } catch (IOException e) {
            return PYTHON + " does not run: " + e.getMessage();
        }
    }

    /** Runs the helper script; answers {@code result/policy} (or {@code error: ...}) by case id. */
    private static Map<String, String> runAuthheaders(int port, List<Case> cases) throws IOException, InterruptedException, URISyntaxException {
        Path script = Paths.get(AuthheadersComparisonTest.class.getResource("authheaders_dmarc.py").toURI());
        Process p = new ProcessBuilder(PYTHON, script.toString(), String.valueOf(port)).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try (OutputStream in = p.getOutputStream()) {
            StringBuilder input = new StringBuilder();
            for (Case k : cases) {
                String[] spf = k.spf.isEmpty() ? new String[] {"", ""} : k.spf.split(":");
                String[] dkim = k.dkim.isEmpty() ? new String[] {"", ""} : k.dkim.split(":");
                input.append(String.join("\t", k.id, String.join("\u001f", k.from), spf[0], spf[1], dkim[0], dkim[1])).append('\n');
            }
            in.write(input.toString().getBytes(StandardCharsets.UTF_8));
        }
        Map<String, String> answers = new HashMap<>();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = out.readLine(); line != null; line = out.readLine()) {
                String[] f = line.split("\t", -1);
                answers.put(f[0], f[4].isEmpty() ? f[1] + "/" + f[2] : "error: " + f[4]);
            }
        }
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("the authheaders helper did not finish");
        }
        assertThat(p.exitValue()).as("authheaders helper exit status").isZero();
        return answers;
    }
}
