package dev.gatekeeper.benchmarks;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.Signature;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;

/**
 * One message signed for {@link DkimBenchmark}, relaxed/relaxed, with the key record that
 * verifies it. The signer is written here from RFC 6376 §3.4 and §3.7 rather than taken from
 * dkim-module, so that neither verifier is checked against its own canonicalisation.
 *
 * <p>The keys come from fixed seeds, so every JMH fork signs the very same octets; RSA and
 * Ed25519 signatures are deterministic.
 */
final class DkimSignedMessage {

    static final String DOMAIN = "bench.example";
    /** t= of the signatures; the verifiers' clocks stand later. */
    static final long SIGNED_AT = 1_700_000_000L;

    private static final String[] HEADERS = {
        "From: Joe SixPack <joe@bench.example>",
        "To: Suzie Q <suzie@shopping.example>",
        "Subject: Is dinner ready?",
        "Date: Tue, 14 Nov 2023 22:13:20 +0000",
        "Message-ID: <20231114221320.4711@bench.example>",
    };
    private static final String SIGNED_HEADERS = "from:to:subject:date:message-id";

    /** The whole message, signature field first, CRLF line ends. */
    final byte[] octets;
    /** Where the body starts: the header section's length with the empty line that ends it. */
    final int bodyStart;
    /** Where the key record lives: {@code <selector>._domainkey.bench.example}. */
    final String keyName;
    /** The key record's text, {@code v=DKIM1; k=...; p=...}. */
    final String keyRecord;

    private DkimSignedMessage(byte[] octets, int bodyStart, String keyName, String keyRecord) {
        this.octets = octets;
        this.bodyStart = bodyStart;
        this.keyName = keyName;
        this.keyRecord = keyRecord;
    }

    /**
     * @param algorithm {@code rsa} (rsa-sha256, RSA-2048, through the JDK) or {@code ed25519}
     *     (ed25519-sha256, RFC 8463, through BouncyCastle)
     * @param bodyOctets the body's size, rounded up to a whole line
     */
    static DkimSignedMessage sign(String algorithm, int bodyOctets) {
        try {
            String body = body(bodyOctets);
            String bh = Base64.getEncoder().encodeToString(sha256(body.getBytes(StandardCharsets.US_ASCII)));
            boolean rsa = algorithm.equals("rsa");
            String selector = algorithm;
            String unsigned = "DKIM-Signature: v=1; a=" + (rsa ? "rsa-sha256" : "ed25519-sha256")
                    + "; c=relaxed/relaxed; d=" + DOMAIN + "; s=" + selector + ";\r\n"
                    + " t=" + SIGNED_AT + "; h=" + SIGNED_HEADERS + ";\r\n"
                    + " bh=" + bh + ";\r\n"
                    + " b=";
            // RFC 6376 §3.7: the signed fields in h= order, then the signature field with b=
            // empty and without its final CRLF.
            StringBuilder signed = new StringBuilder();
            for (String field : HEADERS) {
                signed.append(relaxed(field)).append("\r\n");
            }
            signed.append(relaxed(unsigned));
            byte[] data = signed.toString().getBytes(StandardCharsets.US_ASCII);

            byte[] b;
            String keyRecord;
            if (rsa) {
                KeyPair keys = rsaKeys();
                Signature s = Signature.getInstance("SHA256withRSA");
                s.initSign(keys.getPrivate());
                s.update(data);
                b = s.sign();
                keyRecord = "v=DKIM1; k=rsa; p=" + Base64.getEncoder().encodeToString(keys.getPublic().getEncoded());
            } else {
                // RFC 8463 §3: PureEdDSA over the SHA-256 hash of the header data.
                Ed25519PrivateKeyParameters key = new Ed25519PrivateKeyParameters(sha256(bytes("ed25519 key")), 0);
                Ed25519Signer s = new Ed25519Signer();
                s.init(true, key);
                byte[] digest = sha256(data);
                s.update(digest, 0, digest.length);
                b = s.generateSignature();
                keyRecord = "v=DKIM1; k=ed25519; p=" + Base64.getEncoder().encodeToString(key.generatePublicKey().getEncoded());
            }
            String headerSection = unsigned + Base64.getEncoder().encodeToString(b) + "\r\n"
                    + String.join("\r\n", HEADERS) + "\r\n\r\n";
            return new DkimSignedMessage(bytes(headerSection + body), headerSection.length(),
                    selector + "._domainkey." + DOMAIN, keyRecord);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The key record as a zone serves it: TXT strings of at most 255 octets (RFC 6376 §3.6.2.2). */
    List<String> keyRecordStrings() {
        List<String> strings = new ArrayList<>();
        for (int i = 0; i < keyRecord.length(); i += 255) {
            strings.add(keyRecord.substring(i, Math.min(keyRecord.length(), i + 255)));
        }
        return strings;
    }

    /**
     * Plain text lines, already in relaxed canonical form (single spaces, no trailing blanks, one
     * CRLF at the end), so the body hash is of the octets as they stand.
     */
    private static String body(int octets) {
        StringBuilder body = new StringBuilder(octets + 100);
        for (int line = 1; body.length() < octets; line++) {
            body.append(String.format(Locale.ROOT,
                    "%06d The quick brown fox jumps over the lazy dog, and the dog sleeps on.\r\n", line));
        }
        return body.toString();
    }

    /** RFC 6376 §3.4.2, for one field without its final CRLF. */
    private static String relaxed(String field) {
        int colon = field.indexOf(':');
        String value = field.substring(colon + 1).replace("\r\n", "").replaceAll("[ \t]+", " ").strip();
        return field.substring(0, colon).strip().toLowerCase(Locale.ROOT) + ":" + value;
    }

    private static KeyPair rsaKeys() throws GeneralSecurityException {
        SecureRandom seeded = SecureRandom.getInstance("SHA1PRNG");
        seeded.setSeed(bytes("rsa-2048 key"));
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048, seeded);
        return g.generateKeyPair();
    }

    private static byte[] sha256(byte[] data) throws GeneralSecurityException {
        return MessageDigest.getInstance("SHA-256").digest(data);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
