package dev.gatekeeper.dkim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DkimSignatureTest {

    private static final String VALID = "v=1; a=rsa-sha256; d=example.org; s=sel; h=From:To; bh=AAAA; b=AA\r\n AA";

    @Test
    void readsTheRequiredTagsAndDefaults() throws Exception {
        DkimSignature s = DkimSignature.parse(VALID);
        assertThat(s.algorithm).isEqualTo(SigningAlgorithm.RSA_SHA256);
        assertThat(s.signatureBase64).isEqualTo("AAAA");
        assertThat(s.headerCanonicalization).isEqualTo(Canonicalization.SIMPLE);
        assertThat(s.bodyCanonicalization).isEqualTo(Canonicalization.SIMPLE);
        assertThat(s.identity).isEqualTo("@example.org");
        assertThat(s.signedHeaders).containsExactly("from", "to");
        assertThat(s.bodyLength).isEqualTo(-1);
        assertThat(s.keyName()).isEqualTo("sel._domainkey.example.org");
    }

    @Test
    void relaxedAloneMeansRelaxedHeadersAndSimpleBody() throws Exception {
        DkimSignature s = DkimSignature.parse(VALID + "; c=relaxed");
        assertThat(s.headerCanonicalization).isEqualTo(Canonicalization.RELAXED);
        assertThat(s.bodyCanonicalization).isEqualTo(Canonicalization.SIMPLE);
    }

    @Test
    void readsOptionalTags() throws Exception {
        DkimSignature s = DkimSignature.parse(VALID + "; c=relaxed/relaxed; i=user@mail.example.org; l=120; t=100; x=200; q=dns/txt");
        assertThat(s.identityDomain()).isEqualTo("mail.example.org");
        assertThat(s.bodyLength).isEqualTo(120);
        assertThat(s.timestamp).isEqualTo(100);
        assertThat(s.expiration).isEqualTo(200);
    }

    @Test
    void anUnknownAlgorithmParsesForTheCallerToReport() throws Exception {
        assertThat(DkimSignature.parse(VALID.replace("rsa-sha256", "rsa-md5")).algorithm).isNull();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "v=1; a=rsa-sha256; d=example.org; s=sel; h=From; bh=AAAA                      | missing required tag b=",
        "v=2; a=rsa-sha256; d=example.org; s=sel; h=From; bh=AAAA; b=AAAA               | v= is not 1",
        "v=1; a=rsa-sha256; d=example.org; s=sel; h=To:Subject; bh=AAAA; b=AAAA         | h= does not include From",
        "v=1; a=rsa-sha256; d=example.org; s=sel; h=From::To; bh=AAAA; b=AAAA           | h= has an empty field name",
        "v=1; a=rsa-sha256; d=example.org; s=sel; h=From; bh=AAAA; b=AA!A               | b= is not valid base64",
        "v=1; a=rsa-sha256; d=example.org; s=sel; h=From; bh=AAAA; b=AAAA; i=@example.com    | i= domain is not within d=",
        "v=1; a=rsa-sha256; d=example.org; s=sel; h=From; bh=AAAA; b=AAAA; i=@badexample.org | i= domain is not within d=",
        "v=1; a=rsa-sha256; d=example.org; s=sel; h=From; bh=AAAA; b=AAAA; t=200; x=100 | x= is before t=",
        "v=1; a=rsa-sha256; d=example.org; s=sel; h=From; bh=AAAA; b=AAAA; l=-1         | l= is not a number",
        "v=1; a=rsa-sha256; d=example.org; s=sel; h=From; bh=AAAA; b=AAAA; c=fancy      | unknown canonicalization 'fancy'",
        "v=1; a=rsa-sha256; d=example.org; s=sel; h=From; bh=AAAA; b=AAAA; q=http       | q= offers no dns/txt",
        "v=1; a=rsa-sha256; d=exa mple.org; s=sel; h=From; bh=AAAA; b=AAAA              | d= is not a domain name: character ' ' not allowed in domain label",
        "v=1; a=rsa-sha256; d=example..org; s=sel; h=From; bh=AAAA; b=AAAA              | d= is not a domain name: empty label in domain",
        "v=1; a=rsa-sha256; d=example.org; d=example.org; s=sel; h=From; bh=AAAA; b=AAAA | duplicate tag d=",
    })
    void invalidSignaturesAreSyntaxErrors(String value, String message) {
        assertThatThrownBy(() -> DkimSignature.parse(value)).isInstanceOf(DkimSyntaxException.class).hasMessage(message);
    }

    @Test
    void bIsEmptiedForTheHeaderHashWithItsSurroundingWhitespace() {
        String raw = "DKIM-Signature: v=1; b= AB\r\n CD ; bh=xyz; d=x\r\n";
        assertThat(SignatureCheck.withoutSignatureValue(raw)).isEqualTo("DKIM-Signature: v=1; b=; bh=xyz; d=x\r\n");
        String last = "DKIM-Signature: v=1; bh=xyz;\r\n b=AB\r\n CD\r\n";
        assertThat(SignatureCheck.withoutSignatureValue(last)).isEqualTo("DKIM-Signature: v=1; bh=xyz;\r\n b=\r\n");
    }
}
