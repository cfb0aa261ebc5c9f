package dev.gatekeeper.dkim;

import java.util.Base64;
import java.util.Locale;

/**
 * A parsed ARC-Seal field (RFC 8617 §4.1.3): a=, b=, cv=, d=, i=, s= and an optional t=; it has
 * no h= (the seal covers the ARC sets, not chosen fields), no bh= and no c= (the sets are always
 * hashed with relaxed header canonicalisation, §5.1.1). Unknown tags are ignored. Immutable.
 */
final class ArcSeal {

    /** The chain validation status a sealer recorded (RFC 8617 §4.1.3 cv=). */
    enum ChainValidation {
        NONE, PASS, FAIL;

        String keyword() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    final int instance;
    final ChainValidation chainValidation;
    /** Null for an a= this verifier does not know. */
    final SigningAlgorithm algorithm;
    final String algorithmText;
    final String signatureBase64;
    final byte[] signature;
    final String domain;
    final String selector;
    /** t=, or -1. */
    final long timestamp;

    private ArcSeal(TagList tags) throws DkimSyntaxException {
        for (String required : new String[] {"i", "cv", "a", "b", "d", "s"}) {
            if (!tags.has(required)) {
                throw new DkimSyntaxException("missing required tag " + required + "=");
            }
        }
        if (tags.has("h")) {
            // RFC 8617 §4.1.3: an ARC-Seal with an h= tag is invalid.
            throw new DkimSyntaxException("h= is not allowed in an ARC-Seal");
        }
        instance = DkimSignature.arcInstance(tags.get("i"));
        switch (tags.get("cv").toLowerCase(Locale.ROOT)) {
            case "none":
                chainValidation = ChainValidation.NONE;
                break;
            case "pass":
                chainValidation = ChainValidation.PASS;
                break;
            case "fail":
                chainValidation = ChainValidation.FAIL;
                break;
            default:
                throw new DkimSyntaxException("cv= is not none, pass or fail");
        }
        algorithmText = tags.get("a");
        algorithm = SigningAlgorithm.fromKeyword(algorithmText);
        signatureBase64 = TagList.withoutFws(tags.get("b"));
        if (signatureBase64.isEmpty()) {
            throw new DkimSyntaxException("b= is empty");
        }
        try {
            signature = Base64.getDecoder().decode(signatureBase64);
        } catch (IllegalArgumentException e) {
            throw new DkimSyntaxException("b= is not valid base64");
        }
        domain = DkimSignature.checkDomain("d", tags.get("d"));
        selector = DkimSignature.checkDomain("s", tags.get("s"));
        timestamp = tags.has("t") ? DkimSignature.number("t", tags.get("t"), DkimSignature.MAX_TIME_DIGITS) : -1;
    }

    /**
     * Parses and checks the value of an ARC-Seal field.
     *
     * @throws DkimSyntaxException when the field is not a valid seal (the chain fails)
     */
    static ArcSeal parse(String value) throws DkimSyntaxException {
        return new ArcSeal(TagList.parse(value));
    }

    /** The name the key record lives at: the same as DKIM's (RFC 8617 §4.1.3). */
    String keyName() {
        return selector + "._domainkey." + domain;
    }
}
