package dev.gatekeeper.dkim;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Hostile DKIM-Signature fields: any sender writes them. Either parses or is a
 * {@link DkimSyntaxException}; no other exception escapes. (One fuzz test per class: Jazzer fuzzes
 * only the first of a class and skips the others.)
 */
class SignatureFuzzTest {

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
}
