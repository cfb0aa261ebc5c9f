package dev.gatekeeper.dkim;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Hostile DKIM-Signature fields and key records: any sender writes the first and any domain's DNS
 * the second. Either parses or is a {@link DkimSyntaxException}; no other exception escapes.
 */
class ParserFuzzTest {

    @FuzzTest(maxDuration = "5s")
    void signatureParser(FuzzedDataProvider data) {
        String text = data.consumeRemainingAsString();
        try {
            DkimSignature s = DkimSignature.parse(text);
            assertThat(s.signedHeaders).contains("from");
            assertThat(s.keyName()).endsWith("._domainkey." + s.domain);
        } catch (DkimSyntaxException expected) {
            assertThat(expected.getMessage()).isNotEmpty();
        }
        assertThat(DkimResult.Claims.guess(text)).isNotNull();
    }

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
