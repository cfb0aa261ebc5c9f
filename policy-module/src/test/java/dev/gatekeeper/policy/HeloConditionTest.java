package dev.gatekeeper.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The hand-written host-name scan of HELO's syntax check, against the regular expression it replaced. */
class HeloConditionTest {

    /** The reading before: labels of letters, digits, '_', non-ASCII; inner hyphens; 63 at most; a final dot. */
    private static final Pattern REFERENCE = Pattern.compile(
            "(?i)[a-z0-9\\u0080-\\uffff_]([a-z0-9\\u0080-\\uffff_-]{0,61}[a-z0-9\\u0080-\\uffff_])?"
                    + "(\\.[a-z0-9\\u0080-\\uffff_]([a-z0-9\\u0080-\\uffff_-]{0,61}[a-z0-9\\u0080-\\uffff_])?)*\\.?");

    /** What a HELO name is made of, and what breaks one: a pair beyond the BMP, a lone surrogate, space, '@'. */
    private static final String[] PIECES = {"a", "Z", "0", "9", "_", "-", ".", "é", "\ud83d\ude00", "\ud800", "\udc00", " ",
        "@", "[", "x".repeat(30), "y".repeat(61)};

    @Test
    void theScanAgreesWithTheRegularExpressionOnRandomNames() {
        Random random = new Random(20261206);
        for (int n = 0; n < 50_000; n++) {
            StringBuilder name = new StringBuilder();
            int pieces = random.nextInt(12);
            for (int i = 0; i < pieces; i++) {
                name.append(PIECES[random.nextInt(PIECES.length)]);
            }
            String s = name.toString();
            assertThat(HeloCondition.isHostName(s)).as("'%s'", s).isEqualTo(REFERENCE.matcher(s).matches());
        }
    }

    @Test
    void labelsAndTheirLimits() {
        assertThat(HeloCondition.isHostName("mail.example.org")).isTrue();
        assertThat(HeloCondition.isHostName("mail.example.org.")).isTrue();
        assertThat(HeloCondition.isHostName("x")).isTrue();
        assertThat(HeloCondition.isHostName("_dmarc.example")).isTrue();
        assertThat(HeloCondition.isHostName("bücher.example")).isTrue();
        assertThat(HeloCondition.isHostName("a".repeat(HeloCondition.MAX_LABEL) + ".org")).isTrue();
        assertThat(HeloCondition.isHostName("a".repeat(HeloCondition.MAX_LABEL + 1) + ".org")).isFalse();
        assertThat(HeloCondition.isHostName("")).isFalse();
        assertThat(HeloCondition.isHostName(".")).isFalse();
        assertThat(HeloCondition.isHostName("a..b")).isFalse();
        assertThat(HeloCondition.isHostName("-a.b")).isFalse();
        assertThat(HeloCondition.isHostName("a-.b")).isFalse();
        assertThat(HeloCondition.isHostName("a b")).isFalse();
        assertThat(HeloCondition.isHostName("smile\ud83d\ude00.example")).isFalse();
    }

    @Test
    void validHeloTakesNamesAndAddressLiteralsButNotBareAddresses() {
        assertThat(HeloCondition.validHelo("client.load.test")).isTrue();
        assertThat(HeloCondition.validHelo("[192.0.2.1]")).isTrue();
        assertThat(HeloCondition.validHelo("[IPv6:2001:db8::1]")).isTrue();
        assertThat(HeloCondition.validHelo("192.0.2.1")).isFalse();
        assertThat(HeloCondition.validHelo("a".repeat(HeloCondition.MAX_NAME + 1))).isFalse();
    }
}
