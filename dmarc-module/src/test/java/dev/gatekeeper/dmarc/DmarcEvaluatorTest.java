package dev.gatekeeper.dmarc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatekeeper.dns.AddressRecord;
import dev.gatekeeper.dns.RecordType;
import dev.gatekeeper.dns.TxtRecord;
import dev.gatekeeper.dns.ZoneResolver;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DmarcEvaluatorTest {

    private static final ZoneResolver ZONE = ZoneResolver.builder()
            .add("_dmarc.example.com", TxtRecord.of("v=DMARC1; p=reject; sp=quarantine; adkim=r; aspf=r"))
            .add("_dmarc.strict.example", TxtRecord.of("v=DMARC1; p=reject; adkim=s; aspf=s"))
            .add("_dmarc.pct.example", TxtRecord.of("v=DMARC1; p=reject; pct=30"))
            .add("_dmarc.pctq.example", TxtRecord.of("v=DMARC1; p=quarantine; pct=0"))
            .add("_dmarc.own.example.com", TxtRecord.of("v=DMARC1; p=none"))
            .add("_dmarc.two.example", TxtRecord.of("v=DMARC1; p=reject"))
            .add("_dmarc.two.example", TxtRecord.of("v=DMARC1; p=none"))
            .add("_dmarc.sub.twoorg.example", TxtRecord.of("v=DMARC1; p=none"))
            .add("_dmarc.sub.twoorg.example", TxtRecord.of("v=DMARC1; p=quarantine"))
            .add("_dmarc.twoorg.example", TxtRecord.of("v=DMARC1; p=reject"))
            .add("_dmarc.mixed.example", TxtRecord.of("v=spf1 -all"))
            .add("_dmarc.mixed.example", TxtRecord.of("some verification token"))
            .add("_dmarc.mixed.example", TxtRecord.of("v=DMARC1;", " p=quarantine"))
            .add("_dmarc.badp.example", TxtRecord.of("v=DMARC1; p=block; rua=mailto:r@badp.example"))
            .add("_dmarc.badpnorua.example", TxtRecord.of("v=DMARC1; p=block"))
            .add("_dmarc.np.example", TxtRecord.of("v=DMARC1; p=none; sp=quarantine; np=reject"))
            .add("exists.np.example", AddressRecord.of(loopback()))
            .add("_dmarc.slowsub.example", TxtRecord.of("v=DMARC1; p=reject"))
            .timeout("_dmarc.down.example", RecordType.TXT)
            .timeout("_dmarc.orgdown.example", RecordType.TXT)
            .exists("_dmarc.x.orgdown.example")
            .build();

    private static InetAddress loopback() {
        return InetAddress.getLoopbackAddress();
    }

    private static DmarcResult check(String from, SpfEvidence spf, DkimEvidence... dkim) {
        return check(DmarcEvaluator.builder(ZONE).build(), from, spf, dkim);
    }

    private static DmarcResult check(DmarcEvaluator evaluator, String from, SpfEvidence spf, DkimEvidence... dkim) {
        return evaluator.evaluateBlocking(List.of(from), spf, List.of(dkim), Duration.ofSeconds(5));
    }

    @ParameterizedTest(name = "[{index}] From {0}, SPF {1}, DKIM {2}")
    @CsvSource(delimiter = '|', value = {
        // relaxed: same Organizational Domain is enough
        "a@example.com        | pass:example.com      |                      | dmarc=pass (p=reject dis=none) header.from=example.com",
        "a@example.com        | pass:bounce.example.com |                    | dmarc=pass (p=reject dis=none) header.from=example.com",
        "a@example.com        |                       | pass:mail.example.com | dmarc=pass (p=reject dis=none) header.from=example.com",
        "a@example.com        | fail:example.com      | fail:example.com     | dmarc=fail (p=reject dis=reject) header.from=example.com",
        "a@example.com        | pass:example.org      | pass:example.net     | dmarc=fail (p=reject dis=reject) header.from=example.com",
        // strict: the very name
        "a@strict.example     | pass:strict.example   |                      | dmarc=pass (p=reject dis=none) header.from=strict.example",
        "a@strict.example     | pass:m.strict.example |                      | dmarc=fail (p=reject dis=reject) header.from=strict.example",
        "a@strict.example     |                       | pass:d.strict.example | dmarc=fail (p=reject dis=reject) header.from=strict.example",
        "a@strict.example     |                       | pass:STRICT.example. | dmarc=pass (p=reject dis=none) header.from=strict.example",
        // subdomain without its own record: the Organizational Domain's sp=
        "a@mail.example.com   |                       |                      | dmarc=fail (p=quarantine dis=quarantine) header.from=mail.example.com",
        "a@mail.example.com   | pass:example.com      |                      | dmarc=pass (p=quarantine dis=none) header.from=mail.example.com",
        // subdomain with its own record: its p=
        "a@own.example.com    |                       |                      | dmarc=fail (p=none dis=none) header.from=own.example.com",
        // non-DMARC TXT records at _dmarc are discarded; a record split in strings is joined
        "a@mixed.example      |                       |                      | dmarc=fail (p=quarantine dis=quarantine) header.from=mixed.example",
    })
    void alignmentAndPolicy(String from, String spf, String dkim, String expected) {
        SpfEvidence spfEvidence = spf == null ? SpfEvidence.none() : SpfEvidence.of(spf.split(":")[1], spf.split(":")[0]);
        DkimEvidence[] dkimEvidence = dkim == null ? new DkimEvidence[0]
                : new DkimEvidence[] {DkimEvidence.of(dkim.split(":")[1], dkim.startsWith("pass"))};
        assertThat(check(from, spfEvidence, dkimEvidence).authenticationResults()).isEqualTo(expected);
    }

    @Test
    void anyOnePassingAlignedSignatureIsEnough() {
        DmarcResult r = check("a@example.com", SpfEvidence.none(),
                DkimEvidence.pass("other.example"), DkimEvidence.fail("example.com"), DkimEvidence.pass("news.example.com"));
        assertThat(r.outcome()).isEqualTo(DmarcOutcome.PASS);
        assertThat(r.dkimAligned()).isTrue();
        assertThat(r.spfAligned()).isFalse();
        assertThat(r.policyDomain()).isEqualTo("example.com");
    }

    @Test
    void pctSamplesWithTheInjectedRandomSource() {
        Deque<Integer> draws = new ArrayDeque<>(List.of(29, 30, 99, 0, 130));
        AtomicInteger calls = new AtomicInteger();
        DmarcEvaluator evaluator = DmarcEvaluator.builder(ZONE)
                .sampler(() -> {
                    calls.incrementAndGet();
                    return draws.pop();
                })
                .build();
        assertThat(check(evaluator, "a@pct.example", SpfEvidence.none()).disposition()).isEqualTo(Policy.REJECT);
        DmarcResult notSampled = check(evaluator, "a@pct.example", SpfEvidence.none());
        assertThat(notSampled.policy()).hasValue(Policy.REJECT);
        assertThat(notSampled.disposition()).isEqualTo(Policy.QUARANTINE);
        assertThat(notSampled.reason()).endsWith("; not selected by pct=30");
        assertThat(notSampled.authenticationResults()).isEqualTo("dmarc=fail (p=reject dis=quarantine) header.from=pct.example");
        assertThat(check(evaluator, "a@pct.example", SpfEvidence.none()).disposition()).isEqualTo(Policy.QUARANTINE);
        assertThat(check(evaluator, "a@pct.example", SpfEvidence.none()).disposition()).isEqualTo(Policy.REJECT);
        // Taken modulo 100: 130 is 30, not below 30.
        assertThat(check(evaluator, "a@pct.example", SpfEvidence.none()).disposition()).isEqualTo(Policy.QUARANTINE);
        // A pass, pct=0 and pct=100 draw nothing.
        assertThat(check(evaluator, "a@pct.example", SpfEvidence.pass("pct.example")).disposition()).isEqualTo(Policy.NONE);
        assertThat(check(evaluator, "a@pctq.example", SpfEvidence.none()).disposition()).isEqualTo(Policy.NONE);
        assertThat(check(evaluator, "a@example.com", SpfEvidence.none()).disposition()).isEqualTo(Policy.REJECT);
        assertThat(calls).hasValue(5);
    }

    @Test
    void noRecordAnywhereIsNone() {
        DmarcResult r = check("a@www.nothing.example", SpfEvidence.pass("nothing.example"));
        assertThat(r.outcome()).isEqualTo(DmarcOutcome.NONE);
        assertThat(r.reason()).isEqualTo("no DMARC record at _dmarc.nothing.example (none at _dmarc.www.nothing.example)");
        assertThat(r.authenticationResults()).isEqualTo(
                "dmarc=none (no DMARC record at _dmarc.nothing.example [none at _dmarc.www.nothing.example]) header.from=www.nothing.example");
        assertThat(check("a@nothing.example", SpfEvidence.none()).reason()).isEqualTo("no DMARC record at _dmarc.nothing.example");
    }

    @Test
    void twoRecordsMeanNoPolicyAndNoFallBack() {
        DmarcResult r = check("a@two.example", SpfEvidence.none());
        assertThat(r.outcome()).isEqualTo(DmarcOutcome.NONE);
        assertThat(r.reason()).isEqualTo("2 DMARC records at _dmarc.two.example");
        // RFC 7489 §6.6.3 step 3 asks the Organizational Domain only when the set is empty.
        DmarcResult sub = check("a@sub.twoorg.example", SpfEvidence.none());
        assertThat(sub.outcome()).isEqualTo(DmarcOutcome.NONE);
        assertThat(sub.reason()).isEqualTo("2 DMARC records at _dmarc.sub.twoorg.example");
        assertThat(check("a@other.two.example", SpfEvidence.none()).reason())
                .isEqualTo("2 DMARC records at _dmarc.two.example (none at _dmarc.other.two.example)");
    }

    @Test
    void tempfailIsTemperror() {
        DmarcResult atAuthor = check("a@down.example", SpfEvidence.pass("down.example"));
        assertThat(atAuthor.outcome()).isEqualTo(DmarcOutcome.TEMPERROR);
        assertThat(atAuthor.authenticationResults()).startsWith("dmarc=temperror (DNS ").endsWith(" header.from=down.example");
        assertThat(atAuthor.disposition()).isEqualTo(Policy.NONE);
        DmarcResult atOrganization = check("a@x.orgdown.example", SpfEvidence.none());
        assertThat(atOrganization.outcome()).isEqualTo(DmarcOutcome.TEMPERROR);
        assertThat(atOrganization.reason()).contains("_dmarc.orgdown.example");
    }

    @Test
    void invalidPolicyWithReportUriActsAsNone() {
        DmarcResult r = check("a@badp.example", SpfEvidence.none());
        assertThat(r.outcome()).isEqualTo(DmarcOutcome.FAIL);
        assertThat(r.policy()).hasValue(Policy.NONE);
        assertThat(r.reason()).contains("invalid p= or sp= read as p=none");
        DmarcResult noRua = check("a@badpnorua.example", SpfEvidence.none());
        assertThat(noRua.outcome()).isEqualTo(DmarcOutcome.NONE);
        assertThat(noRua.record()).isEmpty();
    }

    @Test
    void nonexistentSubdomainGetsNp() {
        DmarcResult missing = check("a@ghost.np.example", SpfEvidence.none());
        assertThat(missing.policy()).hasValue(Policy.REJECT);
        assertThat(missing.reason()).contains("np= applied");
        assertThat(check("a@exists.np.example", SpfEvidence.none()).policy()).hasValue(Policy.QUARANTINE);
        assertThat(check("a@np.example", SpfEvidence.none()).policy()).hasValue(Policy.NONE);
        DmarcEvaluator withoutNp = DmarcEvaluator.builder(ZONE).nonexistentPolicy(false).build();
        assertThat(check(withoutNp, "a@ghost.np.example", SpfEvidence.none()).policy()).hasValue(Policy.QUARANTINE);
    }

    @Test
    void multipleAuthorsApplyTheStrictestFailingPolicy() {
        DmarcEvaluator evaluator = DmarcEvaluator.builder(ZONE).build();
        DmarcResult r = evaluator.evaluateBlocking(List.of("a@own.example.com, b@strict.example, c@nothing.example"),
                SpfEvidence.none(), List.of(), Duration.ofSeconds(5));
        assertThat(r.authenticationResults()).isEqualTo("dmarc=fail (p=reject dis=reject) header.from=strict.example");
        assertThat(r.reason()).endsWith("; of 3 author domains (RFC 7489 §6.6.1)");
        DmarcResult passAndNone = evaluator.evaluateBlocking(List.of("a@strict.example, c@nothing.example"),
                SpfEvidence.pass("strict.example"), List.of(), Duration.ofSeconds(5));
        assertThat(passAndNone.outcome()).isEqualTo(DmarcOutcome.PASS);
        DmarcResult tempAndPass = evaluator.evaluateBlocking(List.of("a@strict.example, c@down.example"),
                SpfEvidence.pass("strict.example"), List.of(), Duration.ofSeconds(5));
        assertThat(tempAndPass.outcome()).isEqualTo(DmarcOutcome.TEMPERROR);
    }

    @Test
    void unusableFromFieldsArePermerrors() {
        DmarcEvaluator evaluator = DmarcEvaluator.builder(ZONE).build();
        DmarcResult none = evaluator.evaluateBlocking(List.of(), SpfEvidence.none(), List.of(), Duration.ofSeconds(5));
        assertThat(none.authenticationResults()).isEqualTo("dmarc=permerror (no From header field)");
        DmarcResult two = evaluator.evaluateBlocking(List.of("a@example.com", "b@example.com"), SpfEvidence.none(), List.of(),
                Duration.ofSeconds(5));
        assertThat(two.authenticationResults()).isEqualTo("dmarc=permerror (2 From header fields [RFC 5322 §3.6 allows one])");
        DmarcResult garbage = evaluator.evaluateBlocking(List.of("<<<(\r\n"), SpfEvidence.none(), List.of(), Duration.ofSeconds(5));
        assertThat(garbage.outcome()).isEqualTo(DmarcOutcome.PERMERROR);
        assertThat(garbage.authenticationResults()).doesNotContain("\r", "\n");
    }

    @Test
    void aLookupThatNeverAnswersIsATemperror() {
        DmarcEvaluator evaluator = DmarcEvaluator.builder((name, type) -> new java.util.concurrent.CompletableFuture<>()).build();
        DmarcResult r = evaluator.evaluateBlocking(List.of("a@example.com"), SpfEvidence.none(), List.of(), Duration.ofMillis(50));
        assertThat(r.authenticationResults()).isEqualTo("dmarc=temperror (no verdict within 50 ms)");
    }

    @Test
    void aResolverBugIsATemperrorNotAnException() {
        DmarcEvaluator evaluator = DmarcEvaluator.builder((name, type) -> {
            throw new IllegalStateException("bug");
        }).build();
        DmarcResult r = evaluator.evaluateBlocking(List.of("a@example.com"), SpfEvidence.none(), List.of(), Duration.ofSeconds(1));
        assertThat(r.outcome()).isEqualTo(DmarcOutcome.TEMPERROR);
        assertThat(r.authorDomain()).isEqualTo("example.com");
    }
}
