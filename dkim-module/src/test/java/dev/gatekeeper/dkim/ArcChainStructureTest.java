package dev.gatekeeper.dkim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatekeeper.dns.ZoneResolver;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/**
 * RFC 8617 §5.2's structure rules (steps 1 to 3), decided from the header fields alone: no key is
 * published, so a chain that got as far as the keys would report "no key", not these reasons.
 */
class ArcChainStructureTest {

    private static final String BODY_PART = "From: a@origin.example\r\nSubject: s\r\n\r\nbody\r\n";

    static String aar(int i) {
        return "ARC-Authentication-Results: i=" + i + "; mx" + i + ".example; spf=pass smtp.mailfrom=origin.example\r\n";
    }

    static String ams(int i) {
        return "ARC-Message-Signature: i=" + i + "; a=rsa-sha256; c=relaxed/relaxed; d=mx" + i + ".example; s=arc;\r\n"
                + " h=from:subject; bh=AAAA; b=AAAA\r\n";
    }

    static String seal(int i, String cv) {
        return "ARC-Seal: i=" + i + "; a=rsa-sha256; cv=" + cv + "; d=mx" + i + ".example; s=arc; t=1; b=AAAA\r\n";
    }

    static String set(int i) {
        return seal(i, i == 1 ? "none" : "pass") + ams(i) + aar(i);
    }

    /** Sets n down to 1, newest on top, as sealers add them. */
    static String chain(int n) {
        StringBuilder sb = new StringBuilder();
        for (int i = n; i >= 1; i--) {
            sb.append(set(i));
        }
        return sb.toString();
    }

    static ArcResult verify(String headers) {
        try {
            byte[] m = (headers + BODY_PART).getBytes(StandardCharsets.ISO_8859_1);
            return new DkimVerifier(ZoneResolver.builder().build()).verifyArc(m).toCompletableFuture()
                    .get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void aWellFormedChainGetsAsFarAsTheKeys() {
        ArcResult r = verify(chain(3));
        assertThat(r.status()).isEqualTo(ArcStatus.FAIL);
        assertThat(r.reason()).startsWith("ARC-Message-Signature i=3: no key");
        assertThat(r.sets()).isEqualTo(3);
        assertThat(r.hops()).extracting(ArcHop::authservId).containsExactly("mx1.example", "mx2.example", "mx3.example");
    }

    @Test
    void aMissingInstanceFails() {
        ArcResult r = verify(set(3) + set(1));
        assertThat(r.status()).isEqualTo(ArcStatus.FAIL);
        assertThat(r.reason()).isEqualTo("i=2 has no ARC-Authentication-Results");
        assertThat(r.hops()).isEmpty();
        assertThat(r.resinfo()).isEqualTo("arc=fail (\"i=2 has no ARC-Authentication-Results\")");
    }

    @Test
    void aSetWithoutItsSealFails() {
        assertThat(verify(ams(1) + aar(1)).reason()).isEqualTo("i=1 has no ARC-Seal");
        assertThat(verify(seal(1, "none") + aar(1)).reason()).isEqualTo("i=1 has no ARC-Message-Signature");
        assertThat(verify(seal(2, "pass") + ams(2) + aar(2)).reason()).isEqualTo("i=1 has no ARC-Authentication-Results");
    }

    @Test
    void aDuplicateFieldFails() {
        assertThat(verify(seal(1, "none") + chain(1)).reason()).isEqualTo("i=1 has more than one ARC-Seal");
        assertThat(verify(chain(2) + ams(2)).reason()).isEqualTo("i=2 has more than one ARC-Message-Signature");
        assertThat(verify(chain(1) + aar(1)).reason()).isEqualTo("i=1 has more than one ARC-Authentication-Results");
    }

    @Test
    void fiftySetsAreAllowedFiftyOneAreNot() {
        assertThat(verify(chain(50)).reason()).startsWith("ARC-Message-Signature i=50: no key");
        ArcResult r = verify(chain(51));
        assertThat(r.status()).isEqualTo(ArcStatus.FAIL);
        assertThat(r.reason()).isEqualTo("153 ARC header fields, more than 50 sets");
        // A single set numbered beyond 50 is as bad.
        assertThat(verify(set(51)).reason())
                .isEqualTo("ARC-Seal with no valid instance: i=51 is not an ARC instance from 1 to 50");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "i=0 | ARC-Seal with no valid instance: i=0 is not an ARC instance from 1 to 50",
        "i=x | ARC-Seal with no valid instance: i= is not an ARC instance from 1 to 50",
        "i=001 | ARC-Seal with no valid instance: i= is not an ARC instance from 1 to 50",
    })
    void anInvalidInstanceFails(String instance, String reason) {
        String bad = seal(1, "none").replace("i=1", instance) + ams(1) + aar(1);
        assertThat(verify(bad).reason()).isEqualTo(reason);
    }

    @Test
    void anInstanceMustBeReadableInEveryField() {
        assertThat(verify(seal(1, "none") + ams(1).replace("i=1; ", "") + aar(1)).reason())
                .isEqualTo("ARC-Message-Signature with no valid instance: i= is not an ARC instance from 1 to 50");
        assertThat(verify(seal(1, "none") + ams(1) + aar(1).replace("i=1; ", "")).reason())
                .isEqualTo("ARC-Authentication-Results with no valid instance: does not start with i=");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "none/none | ARC-Seal i=2 has cv=none, not pass",
        "none/pass | ARC-Message-Signature i=2: no key (arc._domainkey.mx2.example NXDOMAIN)",
        "pass/pass | ARC-Seal i=1 has cv=pass, not none",
        "none/fail | ARC-Seal i=2 has cv=fail",
        "fail/pass | ARC-Seal i=1 has cv=fail",
        "none/bogus | ARC-Seal i=2: cv= is not none, pass or fail",
    })
    void theCvSequenceIsNoneThenPass(String cvs, String reason) {
        String[] cv = cvs.split("/");
        String headers = seal(2, cv[1]) + ams(2) + aar(2) + seal(1, cv[0]) + ams(1) + aar(1);
        assertThat(verify(headers).reason()).isEqualTo(reason);
    }

    @Test
    void aSealWithHOrWithoutRequiredTagsOrWithSha1Fails() {
        assertThat(verify(seal(1, "none").replace("t=1;", "t=1; h=from;") + ams(1) + aar(1)).reason())
                .isEqualTo("ARC-Seal i=1: h= is not allowed in an ARC-Seal");
        assertThat(verify(seal(1, "none").replace("s=arc; ", "") + ams(1) + aar(1)).reason())
                .isEqualTo("ARC-Seal i=1: missing required tag s=");
        assertThat(verify(seal(1, "none").replace("rsa-sha256", "rsa-sha1") + ams(1) + aar(1)).reason())
                .isEqualTo("ARC-Seal i=1: rsa-sha1 not accepted (RFC 8301) a=rsa-sha1");
        assertThat(verify(seal(1, "none").replace("rsa-sha256", "dsa-md5") + ams(1) + aar(1)).reason())
                .isEqualTo("ARC-Seal i=1: unsupported algorithm a=dsa-md5");
        // Unknown tags are ignored.
        assertThat(verify(seal(1, "none").replace("t=1;", "t=1; foo=bar;") + ams(1) + aar(1)).reason())
                .startsWith("ARC-Message-Signature i=1: no key");
    }

    @Test
    void anUnreadableLatestMessageSignatureFails() {
        assertThat(verify(seal(1, "none") + ams(1).replace("h=from:subject;", "h=from:subject; l=4;") + aar(1)).reason())
                .isEqualTo("ARC-Message-Signature i=1: l= is not used in an ARC-Message-Signature");
        assertThat(verify(seal(1, "none") + ams(1).replace("h=from:subject;", "h=from:arc-seal;") + aar(1)).reason())
                .isEqualTo("ARC-Message-Signature i=1: h= includes ARC-Seal");
        assertThat(verify(seal(1, "none") + ams(1).replace("h=from:subject;", "h=subject;") + aar(1)).reason())
                .isEqualTo("ARC-Message-Signature i=1: h= does not include From");
    }

    @Test
    void fieldNamesAreCaseInsensitiveAndTheirOrderInTheHeaderDoesNotMatter() {
        String mixed = aar(1).replace("ARC-Authentication-Results", "arc-authentication-results")
                + seal(1, "none").replace("ARC-Seal", "ARC-SEAL") + ams(1);
        assertThat(verify(mixed).reason()).startsWith("ARC-Message-Signature i=1: no key");
    }
}
