package dev.gatekeeper.dkim;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.List;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;

/**
 * Signs test messages with RFC 8463 A.1's Ed25519 key (selector brisbane, d=football.example.com),
 * reusing this module's canonicalisation: for tests of the verifier's plumbing (l=, repeated
 * fields), not of canonicalisation itself, which the RFC examples and the dkimpy corpus cover.
 */
final class Ed25519TestSigner {

    private static final byte[] SEED = Base64.getDecoder().decode("nWGxne/9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A=");

    private Ed25519TestSigner() {
    }

    /** The message with a DKIM-Signature on top whose tags are {@code tags} plus bh= and b=. */
    static String sign(String headers, String body, String tags) throws Exception {
        String unsigned = "DKIM-Signature: v=1; a=ed25519-sha256; d=football.example.com; s=brisbane; " + tags + "; bh=";
        DkimSignature draft = DkimSignature.parse(unsigned.substring(unsigned.indexOf(':') + 1) + "AAAA; b=AAAA");
        BodyHash hash = new BodyHash(new BodyHash.Key(draft.bodyCanonicalization, draft.bodyLength, "SHA-256"));
        BodyCanonicalizer canon = new BodyCanonicalizer(draft.bodyCanonicalization);
        canon.addSink(hash);
        byte[] b = body.getBytes(StandardCharsets.ISO_8859_1);
        canon.update(b, 0, b.length);
        canon.finish();
        String field = unsigned + Base64.getEncoder().encodeToString(hash.value()) + ";\r\n b=\r\n";
        byte[] h = headers.getBytes(StandardCharsets.ISO_8859_1);
        List<HeaderField> fields = HeaderSection.parse(h, 0, h.length);
        DkimSignature sig = DkimSignature.parse(field.substring(field.indexOf(':') + 1).replace("b=\r\n", "b=AAAA\r\n"));
        byte[] data = SignatureCheck.headerData(sig, new HeaderField(field), fields);
        Ed25519Signer signer = new Ed25519Signer();
        signer.init(true, new Ed25519PrivateKeyParameters(SEED, 0));
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(data);
        signer.update(digest, 0, digest.length);
        String signed = field.replace("b=\r\n", "b=" + Base64.getEncoder().encodeToString(signer.generateSignature()) + "\r\n");
        return signed + headers + "\r\n" + body;
    }
}
