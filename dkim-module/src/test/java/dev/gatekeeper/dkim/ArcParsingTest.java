package dev.gatekeeper.dkim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The three ARC fields' own syntax (RFC 8617 §4.1). */
class ArcParsingTest {

    @Test
    void arcAuthenticationResultsKeepTheSealersFindings() throws Exception {
        ArcAuthResults aar = ArcAuthResults.parse(" i=2; mx.example.net (trusted forwarder);\r\n"
                + " spf=pass (sender ok; really) smtp.mailfrom=alice@origin.example;\r\n"
                + " dkim=pass header.d=origin.example header.s=\"sel\" header.b=abcdefgh;\r\n"
                + " arc=none smtp.remote-ip = 127.0.0.7");
        assertThat(aar.instance).isEqualTo(2);
        assertThat(aar.authservId).isEqualTo("mx.example.net");
        assertThat(aar.results).extracting(ArcHop.Resinfo::method).containsExactly("spf", "dkim", "arc");
        assertThat(aar.results).extracting(ArcHop.Resinfo::result).containsExactly("pass", "pass", "none");
        assertThat(aar.results.get(0).properties()).containsEntry("smtp.mailfrom", "alice@origin.example");
        assertThat(aar.results.get(1).properties()).containsEntry("header.s", "sel").containsEntry("header.b", "abcdefgh");
        assertThat(aar.results.get(2).properties()).containsEntry("smtp.remote-ip", "127.0.0.7");
        assertThat(aar.payload).startsWith("mx.example.net (trusted forwarder);");
    }

    @Test
    void noResultsAVersionAQuotedReasonAndNestedComments() throws Exception {
        ArcAuthResults none = ArcAuthResults.parse("i=1; mx.example 1; none");
        assertThat(none.authservId).isEqualTo("mx.example");
        assertThat(none.results).isEmpty();
        ArcAuthResults quoted = ArcAuthResults.parse(
                "i=1; \"mx.example\"; dmarc=fail (p=reject (nested; comment)) reason=\"a; b\" header.from=origin.example");
        assertThat(quoted.authservId).isEqualTo("mx.example");
        assertThat(quoted.results).hasSize(1);
        assertThat(quoted.results.get(0).properties()).containsEntry("reason", "a; b")
                .containsEntry("header.from", "origin.example");
        ArcAuthResults versioned = ArcAuthResults.parse("i=1; mx.example; spf/1=softfail smtp.mailfrom=x");
        assertThat(versioned.results.get(0).method()).isEqualTo("spf");
        assertThat(versioned.results.get(0).result()).isEqualTo("softfail");
    }

    @Test
    void anArcAuthenticationResultsMustStartWithAValidInstance() {
        assertThatThrownBy(() -> ArcAuthResults.parse("mx.example; spf=pass")).hasMessage("does not start with i=");
        assertThatThrownBy(() -> ArcAuthResults.parse("x=1; mx.example; spf=pass")).hasMessage("does not start with i=");
        assertThatThrownBy(() -> ArcAuthResults.parse("i=51; mx.example; none"))
                .hasMessage("i=51 is not an ARC instance from 1 to 50");
    }

    @Test
    void anArcSealHasItsTagsAndNoH() throws Exception {
        ArcSeal seal = ArcSeal.parse(" i=3; a=ed25519-sha256; cv=Pass; d=Lists.Example.org; s=ed;\r\n t=1700000000; x_new=1;\r\n b=AB CD\r\n EF==");
        assertThat(seal.instance).isEqualTo(3);
        assertThat(seal.algorithm).isEqualTo(SigningAlgorithm.ED25519_SHA256);
        assertThat(seal.chainValidation).isEqualTo(ArcSeal.ChainValidation.PASS);
        assertThat(seal.domain).isEqualTo("lists.example.org");
        assertThat(seal.keyName()).isEqualTo("ed._domainkey.lists.example.org");
        assertThat(seal.timestamp).isEqualTo(1700000000L);
        assertThat(seal.signatureBase64).isEqualTo("ABCDEF==");
        assertThatThrownBy(() -> ArcSeal.parse("i=1; a=rsa-sha256; cv=none; d=x.example; s=s; h=from; b=AAAA"))
                .hasMessage("h= is not allowed in an ARC-Seal");
        assertThatThrownBy(() -> ArcSeal.parse("i=1; a=rsa-sha256; cv=none; d=x.example; s=s; b=AA!A"))
                .hasMessage("b= is not valid base64");
        assertThatThrownBy(() -> ArcSeal.parse("i=1; a=rsa-sha256; cv=none; d=x.example; s=s; b=AAAA; b=AAAA"))
                .hasMessage("duplicate tag b=");
    }

    @Test
    void anArcMessageSignatureIsADkimSignatureWithAnInstance() throws Exception {
        DkimSignature ams = DkimSignature.parseArcMessageSignature(
                "i=2; a=rsa-sha256; c=relaxed/relaxed; d=lists.example.org; s=arc; h=from:to; bh=AAAA; b=AAAA");
        assertThat(ams.instance).isEqualTo(2);
        assertThat(ams.identityGiven).isFalse();
        assertThat(ams.identity).isEqualTo("@lists.example.org");
        // RFC 8617 §4.1.2: a v= is ignored, not required.
        assertThat(DkimSignature.parseArcMessageSignature(
                "v=7; i=1; a=rsa-sha256; d=x.example; s=arc; h=from; bh=AAAA; b=AAAA").instance).isEqualTo(1);
        assertThatThrownBy(() -> DkimSignature.parseArcMessageSignature(
                "a=rsa-sha256; d=x.example; s=arc; h=from; bh=AAAA; b=AAAA")).hasMessage("missing required tag i=");
        // The DKIM-Signature parser is unchanged: i= is an AUID there.
        assertThatThrownBy(() -> DkimSignature.parse("v=1; a=rsa-sha256; d=x.example; s=s; h=from; bh=AAAA; b=AAAA; i=2"))
                .hasMessage("i= has no '@'");
    }
}
