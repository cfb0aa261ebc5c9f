package dev.gatekeeper.dmarc;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.Optional;

/**
 * Hostile DMARC records: they come from any domain's DNS. {@code mvn verify} fuzzes this for a
 * few seconds (see the pom); inputs that once found a bug stay in {@code DmarcRecordFuzzTestInputs/}.
 */
class DmarcRecordFuzzTest {

    /**
     * A text is a DMARC record or not, never an exception; a record's values are within their
     * RFC 7489 §6.3 ranges whatever the text, and its usable policy survives being written back.
     */
    @FuzzTest(maxDuration = "5s")
    void recordParser(FuzzedDataProvider data) {
        String text = (data.consumeBoolean() ? "v=DMARC1; " : "v=DMARC1;") + data.consumeRemainingAsString();
        Optional<DmarcRecord> parsed = DmarcRecord.parse(text);
        assertThat(parsed.isPresent()).isEqualTo(DmarcRecord.isDmarcRecord(text));
        if (parsed.isEmpty()) {
            return;
        }
        DmarcRecord r = parsed.get();
        assertThat(r.pct()).isBetween(0, DmarcRecord.MAX_PCT);
        assertThat(r.reportInterval()).isBetween(0L, DmarcRecord.MAX_RI);
        assertThat(r.aggregateReportUris()).allMatch(DmarcRecord::isReportUri);
        assertThat(r.failureReportUris()).allMatch(DmarcRecord::isReportUri);
        if (r.policyUsable()) {
            String again = "v=DMARC1; p=" + r.policy().get().keyword()
                    + r.subdomainPolicy().map(sp -> "; sp=" + sp.keyword()).orElse("")
                    + "; adkim=" + r.dkimAlignment().keyword() + "; aspf=" + r.spfAlignment().keyword() + "; pct=" + r.pct();
            DmarcRecord back = DmarcRecord.parse(again).orElseThrow();
            assertThat(back.policy()).isEqualTo(r.policy());
            assertThat(back.subdomainPolicy()).isEqualTo(r.subdomainPolicy());
            assertThat(back.dkimAlignment()).isEqualTo(r.dkimAlignment());
            assertThat(back.spfAlignment()).isEqualTo(r.spfAlignment());
            assertThat(back.pct()).isEqualTo(r.pct());
            assertThat(back.problems()).isEmpty();
        }
    }
}
