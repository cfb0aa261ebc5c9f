package dev.gatekeeper.dmarc;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DmarcRecordTest {

    private static DmarcRecord parse(String text) {
        return DmarcRecord.parse(text).orElseThrow(() -> new AssertionError("not a DMARC record: " + text));
    }

    @Test
    void everyTagIsParsedAndKept() {
        DmarcRecord r = parse("v=DMARC1; p=quarantine; sp=reject; np=reject; adkim=s; aspf=s; pct=25; fo=1:d;"
                + " rua=mailto:agg@example.com!10m, https://reports.example.com/dmarc; ruf=mailto:forensic@example.com;"
                + " rf=afrf; ri=3600");
        assertThat(r.policy()).hasValue(Policy.QUARANTINE);
        assertThat(r.subdomainPolicy()).hasValue(Policy.REJECT);
        assertThat(r.nonexistentPolicy()).hasValue(Policy.REJECT);
        assertThat(r.dkimAlignment()).isEqualTo(Alignment.STRICT);
        assertThat(r.spfAlignment()).isEqualTo(Alignment.STRICT);
        assertThat(r.pct()).isEqualTo(25);
        assertThat(r.failureOptions()).isEqualTo("1:d");
        assertThat(r.aggregateReportUris()).containsExactly("mailto:agg@example.com!10m", "https://reports.example.com/dmarc");
        assertThat(r.failureReportUris()).containsExactly("mailto:forensic@example.com");
        assertThat(r.reportFormat()).isEqualTo("afrf");
        assertThat(r.reportInterval()).isEqualTo(3600);
        assertThat(r.policyUsable()).isTrue();
        assertThat(r.problems()).isEmpty();
    }

    @Test
    void defaultsOfRfc7489Section63() {
        DmarcRecord r = parse("v=DMARC1; p=none");
        assertThat(r.subdomainPolicy()).isEmpty();
        assertThat(r.nonexistentPolicy()).isEmpty();
        assertThat(r.dkimAlignment()).isEqualTo(Alignment.RELAXED);
        assertThat(r.spfAlignment()).isEqualTo(Alignment.RELAXED);
        assertThat(r.pct()).isEqualTo(100);
        assertThat(r.failureOptions()).isEqualTo("0");
        assertThat(r.reportFormat()).isEqualTo("afrf");
        assertThat(r.reportInterval()).isEqualTo(86_400);
        assertThat(r.aggregateReportUris()).isEmpty();
    }

    @Test
    void whiteSpaceCaseAndTrailingSeparatorAreTolerated() {
        DmarcRecord r = parse("v = DMARC1 ;P=Reject ;\tADKIM = S;  ;");
        assertThat(r.policy()).hasValue(Policy.REJECT);
        assertThat(r.dkimAlignment()).isEqualTo(Alignment.STRICT);
        assertThat(r.problems()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "v=spf1 -all", "v=DMARC2; p=reject", "v=dmarc1; p=reject", "p=reject; v=DMARC1",
        " v=DMARC1; p=reject", "v=DMARC10; p=reject", "v=DMARC1p=reject"})
    void notADmarcRecord(String text) {
        assertThat(DmarcRecord.isDmarcRecord(text)).isFalse();
        assertThat(DmarcRecord.parse(text)).isEmpty();
    }

    @Test
    void unknownTagsAreIgnored() {
        DmarcRecord r = parse("v=DMARC1; p=reject; psd=n; t=y; future_tag=whatever");
        assertThat(r.policy()).hasValue(Policy.REJECT);
        assertThat(r.problems()).isEmpty();
    }

    @Test
    void invalidOptionalValuesFallBackToDefaults() {
        DmarcRecord r = parse("v=DMARC1; p=reject; adkim=x; aspf=; pct=101; ri=-5; fo=2; rf=a f; rua=not a uri, mailto:ok@example.com");
        assertThat(r.dkimAlignment()).isEqualTo(Alignment.RELAXED);
        assertThat(r.spfAlignment()).isEqualTo(Alignment.RELAXED);
        assertThat(r.pct()).isEqualTo(100);
        assertThat(r.reportInterval()).isEqualTo(86_400);
        assertThat(r.failureOptions()).isEqualTo("0");
        assertThat(r.reportFormat()).isEqualTo("afrf");
        assertThat(r.aggregateReportUris()).containsExactly("mailto:ok@example.com");
        assertThat(r.problems()).containsExactly("adkim=x invalid", "aspf= invalid", "pct=101 invalid", "ri=-5 invalid",
                "fo=2 invalid", "rf=a f invalid", "rua URI invalid, ignored: not a uri");
        assertThat(r.policyUsable()).isTrue();
    }

    @Test
    void pctBoundsAndRiBounds() {
        assertThat(parse("v=DMARC1; p=reject; pct=0").pct()).isZero();
        assertThat(parse("v=DMARC1; p=reject; pct=100").pct()).isEqualTo(100);
        assertThat(parse("v=DMARC1; p=reject; pct=007").pct()).isEqualTo(7);
        assertThat(parse("v=DMARC1; p=reject; ri=4294967295").reportInterval()).isEqualTo(4_294_967_295L);
        assertThat(parse("v=DMARC1; p=reject; ri=4294967296").reportInterval()).isEqualTo(86_400);
        assertThat(parse("v=DMARC1; p=reject; ri=99999999999999999999").reportInterval()).isEqualTo(86_400);
    }

    @Test
    void missingOrInvalidPolicyMakesTheRecordUnusable() {
        DmarcRecord missing = parse("v=DMARC1; rua=mailto:a@example.com");
        assertThat(missing.policy()).isEmpty();
        assertThat(missing.policyUsable()).isFalse();
        assertThat(missing.hasValidReportUri()).isTrue();
        assertThat(missing.problems()).containsExactly("p= missing");

        DmarcRecord invalid = parse("v=DMARC1; p=block");
        assertThat(invalid.policyUsable()).isFalse();
        assertThat(invalid.hasValidReportUri()).isFalse();
        assertThat(invalid.problems()).containsExactly("p=block invalid");

        DmarcRecord badSp = parse("v=DMARC1; p=reject; sp=maybe");
        assertThat(badSp.policy()).hasValue(Policy.REJECT);
        assertThat(badSp.subdomainPolicy()).isEmpty();
        assertThat(badSp.policyUsable()).isFalse();
    }

    @Test
    void repeatedTagKeepsTheFirstValue() {
        DmarcRecord r = parse("v=DMARC1; p=reject; p=none; x; =y");
        assertThat(r.policy()).hasValue(Policy.REJECT);
        assertThat(r.problems()).containsExactly("tag given again, ignored: p=none", "not a tag: x", "not a tag: =y");
    }

    @Test
    void reportUriSyntax() {
        assertThat(DmarcRecord.isReportUri("mailto:a@example.com")).isTrue();
        assertThat(DmarcRecord.isReportUri("mailto:a@example.com!50k")).isTrue();
        assertThat(DmarcRecord.isReportUri("mailto:a@example.com!")).isFalse();
        assertThat(DmarcRecord.isReportUri("a@example.com")).isFalse();
        assertThat(DmarcRecord.isReportUri("")).isFalse();
        assertThat(DmarcRecord.isReportUri("mailto:")).isFalse();
    }
}
