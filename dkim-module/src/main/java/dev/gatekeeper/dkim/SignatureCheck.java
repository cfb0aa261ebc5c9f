package dev.gatekeeper.dkim;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.RSAPublicKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;

/** The header hash and the public-key operation of RFC 6376 §3.7 and §6.1.3, and RFC 8463 §3. */
final class SignatureCheck {

    /** RFC 8301 §3.2: "Verifiers MUST NOT consider signatures using RSA keys of less than 1024 bits as valid". */
    static final int MIN_RSA_KEY_BITS = 1024;
    /**
     * RFC 8301 §3.2: verifiers "MUST be able to validate signatures with keys ranging from 1024
     * bits to 4096 bits"; larger keys are optional, and each doubling costs the verifier about 8
     * times the CPU time, which a hostile sender's DNS decides.
     */
    static final int MAX_RSA_KEY_BITS = 4096;
    /** RFC 8463 §4.2: an Ed25519 p= is the 32-octet public key itself. */
    static final int ED25519_KEY_LENGTH = 32;

    private SignatureCheck() {
    }

    /**
     * The data the signature covers (§3.7): the h= fields in canonical form, each occurrence of a
     * repeated name taken from the bottom up, a name with no occurrence left contributing nothing
     * (§5.4.2); then the signature field itself with b= emptied and no final CRLF.
     */
    static byte[] headerData(DkimSignature sig, HeaderField signatureField, List<HeaderField> fields) {
        Map<String, List<HeaderField>> byName = new HashMap<>();
        for (HeaderField f : fields) {
            if (f.name != null) {
                byName.computeIfAbsent(f.name, n -> new ArrayList<>()).add(f);
            }
        }
        Map<String, Integer> used = new HashMap<>();
        Canonicalization c = sig.headerCanonicalization;
        StringBuilder data = new StringBuilder();
        for (String name : sig.signedHeaders) {
            List<HeaderField> found = byName.get(name);
            int n = used.merge(name, 1, Integer::sum);
            if (found != null && n <= found.size()) {
                data.append(c.header(found.get(found.size() - n)));
            }
        }
        String own = c.header(withoutSignatureValue(signatureField.raw));
        data.append(own, 0, own.length() - 2);
        return data.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    /** The raw field with the value of its b= tag removed, whitespace around it included (§3.7). */
    static String withoutSignatureValue(String raw) {
        int colon = raw.indexOf(':');
        int valueEnd = raw.length() - 2;
        StringBuilder sb = new StringBuilder(raw.length());
        sb.append(raw, 0, colon + 1);
        int start = colon + 1;
        while (start <= valueEnd) {
            int semi = raw.indexOf(';', start);
            int end = semi < 0 || semi > valueEnd ? valueEnd : semi;
            String spec = raw.substring(start, end);
            int eq = spec.indexOf('=');
            if (eq >= 0 && TagList.trimFws(spec.substring(0, eq)).equals("b")) {
                sb.append(spec, 0, eq + 1);
            } else {
                sb.append(spec);
            }
            if (end == valueEnd) {
                break;
            }
            sb.append(';');
            start = end + 1;
        }
        return sb.append("\r\n").toString();
    }

    /** An RSA public key from p=: SubjectPublicKeyInfo as RFC 6376 §3.6.1 says, or bare RSAPublicKey as some publish. */
    static RSAPublicKey rsaKey(byte[] der) throws DkimSyntaxException {
        try {
            KeyFactory factory = KeyFactory.getInstance("RSA");
            try {
                PublicKey key = factory.generatePublic(new X509EncodedKeySpec(der));
                if (key instanceof RSAPublicKey) {
                    return (RSAPublicKey) key;
                }
            } catch (GeneralSecurityException | IllegalArgumentException spki) {
                // fall through to RSAPublicKey
            }
            org.bouncycastle.asn1.pkcs.RSAPublicKey bare = org.bouncycastle.asn1.pkcs.RSAPublicKey.getInstance(der);
            BigInteger modulus = bare.getModulus();
            return (RSAPublicKey) factory.generatePublic(new RSAPublicKeySpec(modulus, bare.getPublicExponent()));
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new DkimSyntaxException("p= is not an RSA public key");
        }
    }

    static Ed25519PublicKeyParameters ed25519Key(byte[] raw) throws DkimSyntaxException {
        if (raw.length != ED25519_KEY_LENGTH) {
            throw new DkimSyntaxException("p= is not a 32-octet Ed25519 key");
        }
        return new Ed25519PublicKeyParameters(raw, 0);
    }

    static boolean verifyRsa(RSAPublicKey key, String jdkAlgorithm, byte[] data, byte[] signature) {
        try {
            Signature s = Signature.getInstance(jdkAlgorithm);
            s.initVerify(key);
            s.update(data);
            return s.verify(signature);
        } catch (GeneralSecurityException e) {
            // A b= of the wrong length for the modulus and the like: the signature does not verify.
            return false;
        }
    }

    /** RFC 8463 §3: Ed25519 signs the SHA-256 hash of the header data, not the data itself. */
    static boolean verifyEd25519(Ed25519PublicKeyParameters key, byte[] data, byte[] signature) {
        byte[] hash;
        try {
            hash = MessageDigest.getInstance("SHA-256").digest(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
        Ed25519Signer signer = new Ed25519Signer();
        signer.init(false, key);
        signer.update(hash, 0, hash.length);
        return signer.verifySignature(signature);
    }
}
