package dev.gatekeeper.dkim;

import dev.gatekeeper.dns.DnsAnswer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * The ARC part of one message's verification (RFC 8617 §5.2), run by {@link DkimVerification}:
 * the chain's structure is judged when the header section arrives, the keys are fetched through
 * the same lookups as the DKIM keys, and each ARC-Message-Signature's body hash is one of the
 * shared {@link BodyHash}es, so a DKIM signature and an AMS with the same body canonicalisation
 * and hash cost one pass over the body.
 */
final class ArcVerification {

    static final String SEAL = "arc-seal";
    static final String MESSAGE_SIGNATURE = "arc-message-signature";
    static final String AUTHENTICATION_RESULTS = "arc-authentication-results";
    /** Three fields per set, 50 sets (RFC 8617 §4.2.1): more is a failed chain, read no further. */
    private static final int MAX_FIELDS = 3 * DkimSignature.MAX_ARC_INSTANCE;

    private final Function<BodyHash.Key, BodyHash> bodyHashes;
    private final Function<String, CompletableFuture<DnsAnswer>> keys;

    /** Set when the headers alone decide (none, or a malformed chain). */
    private ArcResult decided;
    private List<HeaderField> fields = List.of();
    private int sets;
    // Indexed by instance, 1..sets.
    private HeaderField[] aarFields;
    private HeaderField[] amsFields;
    private HeaderField[] asFields;
    private ArcAuthResults[] aars;
    private DkimSignature[] amss;
    private ArcSeal[] seals;
    /** An AMS decided without its key (syntax, algorithm, expiry). */
    private DkimResult[] amsDecided;
    private BodyHash[] amsBodyHashes;
    private CompletableFuture<DnsAnswer>[] amsKeys;
    private CompletableFuture<DnsAnswer>[] sealKeys;

    ArcVerification(Function<BodyHash.Key, BodyHash> bodyHashes, Function<String, CompletableFuture<DnsAnswer>> keys) {
        this.bodyHashes = bodyHashes;
        this.keys = keys;
    }

    /** Reads the ARC fields, judges the chain's structure and starts the key lookups. */
    void headers(List<HeaderField> all, long now) {
        try {
            readHeaders(all, now);
        } catch (RuntimeException e) {
            // Our own failure: a temperror, so the client retries rather than being judged by a bug.
            decided = ArcResult.temperror("internal error: " + e, sets, List.of());
        }
    }

    @SuppressWarnings("unchecked")
    private void readHeaders(List<HeaderField> all, long now) {
        this.fields = all;
        List<HeaderField> arc = new ArrayList<>();
        for (HeaderField f : all) {
            if (f.is(SEAL) || f.is(MESSAGE_SIGNATURE) || f.is(AUTHENTICATION_RESULTS)) {
                arc.add(f);
            }
        }
        if (arc.isEmpty()) {
            decided = ArcResult.none();
            return;
        }
        if (arc.size() > MAX_FIELDS) {
            decided = ArcResult.fail(arc.size() + " ARC header fields, more than " + DkimSignature.MAX_ARC_INSTANCE
                    + " sets", 0, List.of());
            return;
        }
        int highest = 0;
        int[] instances = new int[arc.size()];
        for (int k = 0; k < arc.size(); k++) {
            HeaderField f = arc.get(k);
            try {
                instances[k] = instance(f);
            } catch (DkimSyntaxException e) {
                decided = ArcResult.fail(displayName(f) + " with no valid instance: " + e.getMessage(), 0, List.of());
                return;
            }
            highest = Math.max(highest, instances[k]);
        }
        sets = highest;
        aarFields = new HeaderField[sets + 1];
        amsFields = new HeaderField[sets + 1];
        asFields = new HeaderField[sets + 1];
        for (int k = 0; k < arc.size(); k++) {
            HeaderField f = arc.get(k);
            HeaderField[] slot = f.is(SEAL) ? asFields : f.is(MESSAGE_SIGNATURE) ? amsFields : aarFields;
            if (slot[instances[k]] != null) {
                decided = ArcResult.fail("i=" + instances[k] + " has more than one " + displayName(f), sets, List.of());
                return;
            }
            slot[instances[k]] = f;
        }
        for (int i = 1; i <= sets; i++) {
            String missing = aarFields[i] == null ? "ARC-Authentication-Results"
                    : amsFields[i] == null ? "ARC-Message-Signature" : asFields[i] == null ? "ARC-Seal" : null;
            if (missing != null) {
                decided = ArcResult.fail("i=" + i + " has no " + missing, sets, List.of());
                return;
            }
        }
        aars = new ArcAuthResults[sets + 1];
        seals = new ArcSeal[sets + 1];
        for (int i = 1; i <= sets; i++) {
            try {
                aars[i] = ArcAuthResults.parse(aarFields[i].value());
                seals[i] = ArcSeal.parse(asFields[i].value());
            } catch (DkimSyntaxException e) {
                // Instances were read above; what is left is the seal's own syntax.
                decided = ArcResult.fail("ARC-Seal i=" + i + ": " + e.getMessage(), sets, List.of());
                return;
            }
        }
        // RFC 8617 §5.2 step 2 and 3: any cv=fail ends the chain; i=1 must say none, the rest pass.
        for (int i = sets; i >= 1; i--) {
            ArcSeal.ChainValidation cv = seals[i].chainValidation;
            ArcSeal.ChainValidation expected = i == 1 ? ArcSeal.ChainValidation.NONE : ArcSeal.ChainValidation.PASS;
            if (cv == ArcSeal.ChainValidation.FAIL) {
                decided = ArcResult.fail("ARC-Seal i=" + i + " has cv=fail", sets, List.of());
                return;
            }
            if (cv != expected) {
                decided = ArcResult.fail("ARC-Seal i=" + i + " has cv=" + cv.keyword() + ", not " + expected.keyword(),
                        sets, List.of());
                return;
            }
            if (seals[i].algorithm == null || seals[i].algorithm == SigningAlgorithm.RSA_SHA1) {
                String why = seals[i].algorithm == null ? "unsupported algorithm a=" : "rsa-sha1 not accepted (RFC 8301) a=";
                decided = ArcResult.fail("ARC-Seal i=" + i + ": " + why + seals[i].algorithmText, sets, List.of());
                return;
            }
        }
        amss = new DkimSignature[sets + 1];
        amsDecided = new DkimResult[sets + 1];
        amsBodyHashes = new BodyHash[sets + 1];
        amsKeys = new CompletableFuture[sets + 1];
        sealKeys = new CompletableFuture[sets + 1];
        for (int i = sets; i >= 1; i--) {
            prepareMessageSignature(i, now);
            if (i == sets && amsDecided[i] != null && amss[i] == null) {
                // The most recent AMS must verify (§5.2 step 4); one that cannot even be read fails the chain.
                decided = ArcResult.fail("ARC-Message-Signature i=" + i + ": " + amsDecided[i].detail(), sets, List.of());
                return;
            }
            sealKeys[i] = keys.apply(seals[i].keyName().toLowerCase(java.util.Locale.ROOT));
        }
    }

    private void prepareMessageSignature(int i, long now) {
        DkimSignature sig;
        try {
            sig = DkimSignature.parseArcMessageSignature(amsFields[i].value());
        } catch (DkimSyntaxException e) {
            amsDecided[i] = DkimResult.of(DkimReason.SIGNATURE_SYNTAX, e.getMessage(),
                    DkimResult.Claims.guess(amsFields[i].value()), false);
            return;
        }
        DkimResult.Claims claims = DkimResult.Claims.of(sig);
        if (sig.algorithm == null) {
            amsDecided[i] = DkimResult.of(DkimReason.UNSUPPORTED_ALGORITHM, "a=" + sig.algorithmText, claims, false);
        } else if (sig.algorithm == SigningAlgorithm.RSA_SHA1) {
            amsDecided[i] = DkimResult.of(DkimReason.SHA1_NOT_ACCEPTED, "", claims, false);
        } else if (sig.expiration >= 0 && now > sig.expiration) {
            amsDecided[i] = DkimResult.of(DkimReason.SIGNATURE_EXPIRED, "x=" + sig.expiration + ", now " + now,
                    claims, false);
        }
        amss[i] = sig;
        if (amsDecided[i] == null) {
            amsBodyHashes[i] = bodyHashes.apply(new BodyHash.Key(sig.bodyCanonicalization, -1, sig.algorithm.digestName));
            amsKeys[i] = keys.apply(sig.keyName().toLowerCase(java.util.Locale.ROOT));
        }
    }

    /** The key lookups this verification waits for. */
    List<CompletableFuture<DnsAnswer>> pending() {
        List<CompletableFuture<DnsAnswer>> pending = new ArrayList<>();
        if (decided == null) {
            for (int i = 1; i <= sets; i++) {
                if (amsKeys[i] != null) {
                    pending.add(amsKeys[i]);
                }
                pending.add(sealKeys[i]);
            }
        }
        return pending;
    }

    /** The chain's result, once the body is finished and the lookups are answered or timed out. */
    ArcResult result() {
        if (decided != null) {
            return decided;
        }
        try {
            return validate();
        } catch (RuntimeException e) {
            // Our own failure: a temperror, so the client retries rather than being judged by a bug.
            return ArcResult.temperror("internal error: " + e, sets, List.of());
        }
    }

    private ArcResult validate() {
        DkimResult[] amsResults = new DkimResult[sets + 1];
        DkimResult[] sealResults = new DkimResult[sets + 1];
        amsResults[sets] = checkMessageSignature(sets);
        String fail = null;
        String temp = null;
        if (!isPass(amsResults[sets])) {
            String why = "ARC-Message-Signature i=" + sets + ": " + describe(amsResults[sets]);
            if (amsResults[sets].status() == DkimStatus.TEMPERROR) {
                temp = why;
            } else {
                fail = why;
            }
        }
        // §5.2 step 6: every seal, newest first; a definite failure outranks a temporary one.
        for (int i = sets; i >= 1 && fail == null; i--) {
            sealResults[i] = checkSeal(i);
            if (!isPass(sealResults[i])) {
                String why = "ARC-Seal i=" + i + ": " + describe(sealResults[i]);
                if (sealResults[i].status() == DkimStatus.TEMPERROR) {
                    temp = temp == null ? why : temp;
                } else {
                    fail = why;
                }
            }
        }
        int oldestPass = -1;
        if (fail == null && temp == null) {
            // §5.2 step 5 (informational): walk the older AMS down to the first that fails.
            oldestPass = 0;
            for (int i = sets - 1; i >= 1; i--) {
                amsResults[i] = checkMessageSignature(i);
                if (!isPass(amsResults[i])) {
                    oldestPass = i + 1;
                    break;
                }
            }
        }
        List<ArcHop> hops = new ArrayList<>(sets);
        for (int i = 1; i <= sets; i++) {
            hops.add(new ArcHop(i, seals[i], amss[i], aars[i], amsResults[i], sealResults[i]));
        }
        if (fail != null) {
            return ArcResult.fail(fail, sets, hops);
        }
        if (temp != null) {
            return ArcResult.temperror(temp, sets, hops);
        }
        return ArcResult.pass(sets, oldestPass, hops);
    }

    private DkimResult checkMessageSignature(int i) {
        if (amsDecided[i] != null) {
            return amsDecided[i];
        }
        DkimSignature sig = amss[i];
        DkimResult.Claims claims = DkimResult.Claims.of(sig);
        VerifyingKey key = VerifyingKey.from(answer(amsKeys[i]), sig.keyName(), sig.algorithm, sig.algorithmText,
                sig.domain, null);
        if (!key.usable()) {
            return DkimResult.of(key.problem, key.detail, claims, key.testing);
        }
        if (!MessageDigest.isEqual(amsBodyHashes[i].value(), sig.bodyHash)) {
            return DkimResult.of(DkimReason.BODY_HASH_MISMATCH, "", claims, key.testing);
        }
        if (!key.verifies(SignatureCheck.headerData(sig, amsFields[i], fields), sig.signature)) {
            return DkimResult.of(DkimReason.SIGNATURE_MISMATCH, "", claims, key.testing);
        }
        return DkimResult.pass(claims, key.testing, 0);
    }

    private DkimResult checkSeal(int i) {
        ArcSeal seal = seals[i];
        DkimResult.Claims claims = new DkimResult.Claims(seal.domain, seal.selector, "", seal.algorithmText,
                seal.signatureBase64, -1);
        VerifyingKey key = VerifyingKey.from(answer(sealKeys[i]), seal.keyName(), seal.algorithm, seal.algorithmText,
                seal.domain, null);
        if (!key.usable()) {
            return DkimResult.of(key.problem, key.detail, claims, key.testing);
        }
        if (!key.verifies(sealData(i), seal.signature)) {
            return DkimResult.of(DkimReason.SIGNATURE_MISMATCH, "", claims, key.testing);
        }
        return DkimResult.pass(claims, key.testing, 0);
    }

    /**
     * RFC 8617 §5.1.1: the seal of instance i covers the sets 1 to i in increasing order, each as
     * ARC-Authentication-Results, ARC-Message-Signature, ARC-Seal, with relaxed header
     * canonicalisation; its own ARC-Seal last, b= emptied and without the final CRLF.
     */
    byte[] sealData(int i) {
        StringBuilder data = new StringBuilder();
        for (int j = 1; j <= i; j++) {
            data.append(Canonicalization.RELAXED.header(aarFields[j]));
            data.append(Canonicalization.RELAXED.header(amsFields[j]));
            if (j < i) {
                data.append(Canonicalization.RELAXED.header(asFields[j]));
            }
        }
        String own = Canonicalization.RELAXED.header(SignatureCheck.withoutSignatureValue(asFields[i].raw));
        data.append(own, 0, own.length() - 2);
        return data.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    private static DnsAnswer answer(CompletableFuture<DnsAnswer> lookup) {
        return lookup.getNow(DnsAnswer.tempfail("unanswered"));
    }

    private static boolean isPass(DkimResult r) {
        return r.status() == DkimStatus.PASS;
    }

    private static String describe(DkimResult r) {
        String text = r.reason().map(DkimReason::text).orElse(r.status().keyword());
        return r.detail().isEmpty() ? text : text + " (" + r.detail() + ")";
    }

    /**
     * The instance of an ARC field, read before its other tags are checked: the structure is
     * judged on instances alone (RFC 8617 §5.2 step 3).
     */
    private static int instance(HeaderField f) throws DkimSyntaxException {
        if (f.is(AUTHENTICATION_RESULTS)) {
            return ArcAuthResults.parse(f.value()).instance;
        }
        return DkimSignature.arcInstance(TagList.parse(f.value()).get("i"));
    }

    private static String displayName(HeaderField f) {
        return f.is(SEAL) ? "ARC-Seal" : f.is(MESSAGE_SIGNATURE) ? "ARC-Message-Signature" : "ARC-Authentication-Results";
    }
}
