package dev.gatekeeper.dkim;

import dev.gatekeeper.dns.DnsAnswer;
import dev.gatekeeper.dns.TxtRecord;
import java.security.interfaces.RSAPublicKey;
import java.util.List;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;

/**
 * The outcome of a key lookup for one signature (RFC 6376 §6.1.2), shared by DKIM-Signature,
 * ARC-Message-Signature and ARC-Seal (RFC 8617 §4.1.2, §4.1.3: the same key records): either a
 * public key ready to verify with, or the reason there is none. Immutable.
 */
final class VerifyingKey {

    /** Null when the key is usable. */
    final DkimReason problem;
    final String detail;
    final boolean testing;
    private final RSAPublicKey rsa;
    private final Ed25519PublicKeyParameters ed25519;

    private VerifyingKey(DkimReason problem, String detail, boolean testing, RSAPublicKey rsa,
            Ed25519PublicKeyParameters ed25519) {
        this.problem = problem;
        this.detail = detail;
        this.testing = testing;
        this.rsa = rsa;
        this.ed25519 = ed25519;
    }

    private static VerifyingKey refused(DkimReason reason, String detail, boolean testing) {
        return new VerifyingKey(reason, detail, testing, null, null);
    }

    boolean usable() {
        return problem == null;
    }

    /**
     * Reads the key for a signature from its lookup's answer and checks it against the signature's
     * algorithm.
     *
     * @param strictIdentityDomain the domain of a DKIM i=, checked against t=s; null where the
     *     signature has no AUID (ARC)
     */
    static VerifyingKey from(DnsAnswer answer, String keyName, SigningAlgorithm algorithm, String algorithmText,
            String domain, String strictIdentityDomain) {
        if (answer.isTempfail()) {
            return refused(DkimReason.KEY_LOOKUP_FAILED, answer.problem(), false);
        }
        List<TxtRecord> txts = answer.records(TxtRecord.class);
        if (txts.isEmpty()) {
            return refused(DkimReason.NO_KEY, keyName + " " + answer.status(), false);
        }
        // §3.6.2.2 leaves several records undefined; the first that parses is used.
        KeyRecord key = null;
        String problem = "";
        for (TxtRecord txt : txts) {
            try {
                key = KeyRecord.parse(txt.text());
                break;
            } catch (DkimSyntaxException e) {
                problem = e.getMessage();
            }
        }
        if (key == null) {
            return refused(DkimReason.KEY_SYNTAX, problem, false);
        }
        boolean testing = key.testing;
        if (!key.allowsEmail()) {
            return refused(DkimReason.KEY_NOT_ACCEPTABLE, "s= does not allow email", testing);
        }
        if (!key.acceptsHash(algorithm.hashName)) {
            return refused(DkimReason.KEY_NOT_ACCEPTABLE, "h= does not allow " + algorithm.hashName, testing);
        }
        if (strictIdentityDomain != null && key.strictIdentity && !strictIdentityDomain.equalsIgnoreCase(domain)) {
            return refused(DkimReason.KEY_NOT_ACCEPTABLE, "t=s and i= is a subdomain of d=", testing);
        }
        if (!key.keyType.equals(algorithm.keyType)) {
            boolean known = key.keyType.equals("rsa") || key.keyType.equals("ed25519");
            return refused(known ? DkimReason.KEY_NOT_ACCEPTABLE : DkimReason.KEY_SYNTAX,
                    "k=" + key.keyType + " for a=" + algorithmText, testing);
        }
        if (key.isRevoked()) {
            return refused(DkimReason.KEY_REVOKED, "", testing);
        }
        try {
            if (algorithm == SigningAlgorithm.ED25519_SHA256) {
                return new VerifyingKey(null, "", testing, null, SignatureCheck.ed25519Key(key.publicKey));
            }
            RSAPublicKey rsa = SignatureCheck.rsaKey(key.publicKey);
            int bits = rsa.getModulus().bitLength();
            if (bits < SignatureCheck.MIN_RSA_KEY_BITS) {
                return refused(DkimReason.KEY_TOO_SHORT, bits + " bits", testing);
            }
            if (bits > SignatureCheck.MAX_RSA_KEY_BITS) {
                return refused(DkimReason.KEY_TOO_LONG, bits + " bits", testing);
            }
            return new VerifyingKey(null, "", testing, rsa, null);
        } catch (DkimSyntaxException e) {
            return refused(DkimReason.KEY_SYNTAX, e.getMessage(), testing);
        }
    }

    /** Whether {@code signature} is this key's signature over {@code data} (the header hash input). */
    boolean verifies(byte[] data, byte[] signature) {
        if (!usable()) {
            throw new IllegalStateException("no usable key: " + problem);
        }
        return rsa != null
                ? SignatureCheck.verifyRsa(rsa, "SHA256withRSA", data, signature)
                : SignatureCheck.verifyEd25519(ed25519, data, signature);
    }
}
