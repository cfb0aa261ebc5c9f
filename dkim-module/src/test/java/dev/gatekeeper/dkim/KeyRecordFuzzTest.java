package dev.gatekeeper.dkim;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Hostile key records: any domain's DNS writes them. Either parses or is a
 * {@link DkimSyntaxException}; no other exception escapes.
 */
class KeyRecordFuzzTest {

    @FuzzTest(maxDuration = "5s")
    void keyRecordParser(FuzzedDataProvider data) {
        try {
            KeyRecord k = KeyRecord.parse(data.consumeRemainingAsString());
            assertThat(k.keyType).isNotNull();
        } catch (DkimSyntaxException expected) {
            assertThat(expected.getMessage()).isNotEmpty();
        }
    }
}
