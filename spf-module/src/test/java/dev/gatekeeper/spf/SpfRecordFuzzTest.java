package dev.gatekeeper.spf;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.ArrayList;
import java.util.List;

/**
 * Hostile SPF records: they come from any domain's DNS, so the parser meets whatever an attacker
 * publishes. {@code mvn verify} fuzzes this for a few seconds (see the pom); inputs that once
 * found a bug stay in {@code SpfRecordFuzzTestInputs/}.
 */
class SpfRecordFuzzTest {

    /**
     * A record either parses or is a permerror with a syntax message: a runtime exception caught
     * by {@link SpfRecord#parse}'s safety net is a parser bug. A record that parses renders back
     * (mechanism by mechanism) to a record that parses to the same mechanisms.
     */
    @FuzzTest(maxDuration = "5s")
    void recordParser(FuzzedDataProvider data) {
        String text = (data.consumeBoolean() ? "v=spf1 " : "v=spf1") + data.consumeRemainingAsString();
        if (!SpfRecord.isSpfRecord(text)) {
            return;
        }
        SpfRecord record = SpfRecord.parse(text);
        if (record.error != null) {
            assertThat(record.error).doesNotStartWith("unparsable record");
            assertThat(record.mechanisms).isEmpty();
            return;
        }
        List<String> terms = new ArrayList<>();
        for (Mechanism m : record.mechanisms) {
            assertThat(m.cidr4).isBetween(0, 32);
            assertThat(m.cidr6).isBetween(0, 128);
            if (m.kind == Mechanism.Kind.IP4 || m.kind == Mechanism.Kind.IP6) {
                assertThat(m.network).hasSize(m.kind == Mechanism.Kind.IP4 ? 4 : 16);
            }
            terms.add(m.text);
        }
        SpfRecord again = SpfRecord.parse("v=spf1 " + String.join(" ", terms));
        assertThat(again.error).isNull();
        assertThat(again.mechanisms).hasSameSizeAs(record.mechanisms);
        for (int i = 0; i < record.mechanisms.length; i++) {
            Mechanism a = record.mechanisms[i];
            Mechanism b = again.mechanisms[i];
            assertThat(b.kind).isEqualTo(a.kind);
            assertThat(b.result).isEqualTo(a.result);
            assertThat(b.cidr4).isEqualTo(a.cidr4);
            assertThat(b.cidr6).isEqualTo(a.cidr6);
            assertThat(b.network).isEqualTo(a.network);
        }
    }
}
