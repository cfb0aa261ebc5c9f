package dev.gatekeeper.dkim;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Hostile ARC field values: any sender or forwarder writes them. Each of the three parsers either
 * parses or throws {@link DkimSyntaxException}; nothing else escapes. One fuzz test feeds all
 * three, because Jazzer fuzzes one test per class and run.
 */
class ArcParserFuzzTest {

    @FuzzTest(maxDuration = "5s")
    void parsers(FuzzedDataProvider data) {
        String text = data.consumeRemainingAsString();
        try {
            ArcAuthResults aar = ArcAuthResults.parse(text);
            assertThat(aar.instance).isBetween(1, 50);
            assertThat(aar.results).isNotNull();
        } catch (DkimSyntaxException expected) {
            assertThat(expected.getMessage()).isNotEmpty();
        }
        try {
            ArcSeal seal = ArcSeal.parse(text);
            assertThat(seal.instance).isBetween(1, 50);
            assertThat(seal.keyName()).endsWith("._domainkey." + seal.domain);
        } catch (DkimSyntaxException expected) {
            assertThat(expected.getMessage()).isNotEmpty();
        }
        try {
            DkimSignature ams = DkimSignature.parseArcMessageSignature(text);
            assertThat(ams.instance).isBetween(1, 50);
            assertThat(ams.bodyLength).isEqualTo(-1);
            assertThat(ams.signedHeaders).contains("from").doesNotContain("arc-seal");
        } catch (DkimSyntaxException expected) {
            assertThat(expected.getMessage()).isNotEmpty();
        }
    }
}
