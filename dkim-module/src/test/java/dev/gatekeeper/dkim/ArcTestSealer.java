package dev.gatekeeper.dkim;

import dev.gatekeeper.dns.TxtRecord;
import dev.gatekeeper.dns.ZoneResolver;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.TreeMap;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;

/**
 * An ARC sealer for tests (RFC 8617 §5.1): adds one ARC set to a message, signing the
 * ARC-Message-Signature and the ARC-Seal with a test key, RSA-2048 through the JDK or Ed25519
 * through BouncyCastle. It reuses this module's canonicalisation, as {@link Ed25519TestSigner}
 * does: the dkimpy comparison test checks the sealing against an independent implementation.
 */
public final class ArcTestSealer {

    /** Seal time for the tests' t=; the tests' clock stands a few minutes later. */
    static final long SEALED_AT = 1_700_000_000L;

    final String domain;
    final String selector;
    final SigningAlgorithm algorithm;
    private final PrivateKey rsa;
    private final Ed25519PrivateKeyParameters ed25519;
    private final String keyRecord;

    private ArcTestSealer(String domain, String selector, SigningAlgorithm algorithm, PrivateKey rsa,
            Ed25519PrivateKeyParameters ed25519, String keyRecord) {
        this.domain = domain;
        this.selector = selector;
        this.algorithm = algorithm;
        this.rsa = rsa;
        this.ed25519 = ed25519;
        this.keyRecord = keyRecord;
    }

    public static ArcTestSealer rsa(String domain, String selector, KeyPair keys) {
        return new ArcTestSealer(domain, selector, SigningAlgorithm.RSA_SHA256, keys.getPrivate(), null,
                "v=DKIM1; k=rsa; p=" + Base64.getEncoder().encodeToString(keys.getPublic().getEncoded()));
    }

    public static ArcTestSealer ed25519(String domain, String selector, byte[] seed) {
        Ed25519PrivateKeyParameters key = new Ed25519PrivateKeyParameters(seed, 0);
        return new ArcTestSealer(domain, selector, SigningAlgorithm.ED25519_SHA256, null, key,
                "v=DKIM1; k=ed25519; p=" + Base64.getEncoder().encodeToString(key.generatePublicKey().getEncoded()));
    }

    public static KeyPair rsaKeys() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
            g.initialize(2048, new SecureRandom());
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public String keyName() {
        return selector + "._domainkey." + domain;
    }

    public String keyRecord() {
        return keyRecord;
    }

    /** Publishes the key, split into TXT strings of at most 255 octets as a real zone must. */
    public ZoneResolver.Builder publish(ZoneResolver.Builder zone) {
        List<String> strings = new ArrayList<>();
        for (int i = 0; i < keyRecord.length(); i += 255) {
            strings.add(keyRecord.substring(i, Math.min(keyRecord.length(), i + 255)));
        }
        return zone.add(keyName(), TxtRecord.of(strings));
    }

    /**
     * The message with this sealer's ARC set on top: the next instance, {@code cv} as given,
     * an AMS over {@code signedHeaders} with relaxed/relaxed canonicalisation.
     */
    public String seal(String message, String cv, String authResults, String signedHeaders) {
        return seal(message, cv, authResults, signedHeaders, "");
    }

    /** As {@link #seal(String, String, String, String)}, with extra AMS tags (e.g. {@code "x=1; "}). */
    public String seal(String message, String cv, String authResults, String signedHeaders, String extraAmsTags) {
        byte[] m = message.getBytes(StandardCharsets.ISO_8859_1);
        int bodyStart = HeaderSection.bodyOffset(m, 0, m.length);
        List<HeaderField> fields = HeaderSection.parse(m, 0, bodyStart);
        String body = message.substring(bodyStart);
        // The existing sets by instance, for the seal's hash (§5.1.1).
        TreeMap<Integer, HeaderField[]> sets = new TreeMap<>();
        for (HeaderField f : fields) {
            int slot = f.is("arc-authentication-results") ? 0 : f.is("arc-message-signature") ? 1 : f.is("arc-seal") ? 2 : -1;
            if (slot >= 0) {
                sets.computeIfAbsent(instanceOf(f), k -> new HeaderField[3])[slot] = f;
            }
        }
        int instance = sets.isEmpty() ? 1 : sets.lastKey() + 1;

        HeaderField aar = new HeaderField("ARC-Authentication-Results: i=" + instance + "; " + authResults + "\r\n");
        List<HeaderField> withAar = new ArrayList<>();
        withAar.add(aar);
        withAar.addAll(fields);

        String amsUnsigned = "ARC-Message-Signature: i=" + instance + "; a=" + algorithm.keyword + ";\r\n"
                + " c=relaxed/relaxed; d=" + domain + "; s=" + selector + "; t=" + SEALED_AT + "; " + extraAmsTags
                + "h=" + signedHeaders + ";\r\n bh=" + bodyHash(body) + ";\r\n b=";
        try {
            // Only h= and c= matter to the header hash: a DKIM draft carries them even when the AMS
            // is deliberately invalid (an l=, for the tests of older AMS failures).
            DkimSignature draft = DkimSignature.parse("v=1; a=" + algorithm.keyword + "; c=relaxed/relaxed; d=" + domain
                    + "; s=" + selector + "; h=" + signedHeaders + "; bh=AAAA; b=AAAA");
            byte[] amsData = SignatureCheck.headerData(draft, new HeaderField(amsUnsigned + "\r\n"), withAar);
            String ams = amsUnsigned + fold(sign(amsData)) + "\r\n";

            String asUnsigned = "ARC-Seal: i=" + instance + "; a=" + algorithm.keyword + "; cv=" + cv + ";\r\n"
                    + " d=" + domain + "; s=" + selector + "; t=" + SEALED_AT + ";\r\n b=";
            StringBuilder sealData = new StringBuilder();
            for (HeaderField[] set : sets.values()) {
                for (HeaderField f : set) {
                    sealData.append(Canonicalization.RELAXED.header(f));
                }
            }
            sealData.append(Canonicalization.RELAXED.header(aar));
            sealData.append(Canonicalization.RELAXED.header(ams));
            String own = Canonicalization.RELAXED.header(asUnsigned + "\r\n");
            sealData.append(own, 0, own.length() - 2);
            String as = asUnsigned + fold(sign(sealData.toString().getBytes(StandardCharsets.ISO_8859_1))) + "\r\n";
            return as + ams + aar.raw + message;
        } catch (DkimSyntaxException | GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static int instanceOf(HeaderField f) {
        try {
            if (f.is("arc-authentication-results")) {
                return ArcAuthResults.parse(f.value()).instance;
            }
            return DkimSignature.arcInstance(TagList.parse(f.value()).get("i"));
        } catch (DkimSyntaxException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static String bodyHash(String body) {
        BodyHash hash = new BodyHash(new BodyHash.Key(Canonicalization.RELAXED, -1, "SHA-256"));
        BodyCanonicalizer canon = new BodyCanonicalizer(Canonicalization.RELAXED);
        canon.addSink(hash);
        byte[] b = body.getBytes(StandardCharsets.ISO_8859_1);
        canon.update(b, 0, b.length);
        canon.finish();
        return Base64.getEncoder().encodeToString(hash.value());
    }

    private byte[] sign(byte[] data) throws GeneralSecurityException {
        if (rsa != null) {
            Signature s = Signature.getInstance("SHA256withRSA");
            s.initSign(rsa);
            s.update(data);
            return s.sign();
        }
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(data);
        Ed25519Signer signer = new Ed25519Signer();
        signer.init(true, ed25519);
        signer.update(digest, 0, digest.length);
        return signer.generateSignature();
    }

    /** b= folded at 72 characters, as signers do, so that verifiers must unfold it. */
    private static String fold(byte[] signature) {
        String b64 = Base64.getEncoder().encodeToString(signature);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < b64.length(); i += 72) {
            if (i > 0) {
                sb.append("\r\n ");
            }
            sb.append(b64, i, Math.min(b64.length(), i + 72));
        }
        return sb.toString();
    }
}
