package dev.gatekeeper.dkim;

import dev.gatekeeper.dns.DnsAnswer;
import dev.gatekeeper.dns.DnsResolver;
import dev.gatekeeper.dns.TxtRecord;
import java.security.interfaces.RSAPublicKey;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;

/**
 * The verification of one message, fed in order: {@link #headers} once, {@link #body} for each
 * chunk, then {@link #finish}. Not thread-safe (one message arrives on one connection). Memory is
 * bounded by the header section: the body is canonicalised and hashed as it passes, once per
 * distinct (canonicalisation, l=, hash) among the signatures.
 */
public final class DkimVerification {

    private static final String SIGNATURE_FIELD = "dkim-signature";

    private enum State { NEW, BODY, FINISHED }

    private final DnsResolver resolver;
    private final DkimSettings settings;
    private final List<Candidate> candidates = new ArrayList<>();
    private final Map<Canonicalization, BodyCanonicalizer> canonicalizers = new EnumMap<>(Canonicalization.class);
    private final Map<BodyHash.Key, BodyHash> bodyHashes = new HashMap<>();
    private final Map<String, CompletableFuture<DnsAnswer>> lookups = new HashMap<>();
    private List<HeaderField> fields = List.of();
    private State state = State.NEW;

    DkimVerification(DnsResolver resolver, DkimSettings settings) {
        this.resolver = resolver;
        this.settings = settings;
    }

    /**
     * Takes the header section (with or without the empty line after it). Reads the
     * DKIM-Signature fields, decides what needs no key, and starts the key lookups.
     *
     * @throws IllegalStateException when called twice or after the body
     */
    public DkimVerification headers(byte[] block, int off, int len) {
        if (state != State.NEW) {
            throw new IllegalStateException("headers already given");
        }
        state = State.BODY;
        fields = HeaderSection.parse(block, off, len);
        long now = settings.clock().instant().getEpochSecond();
        for (HeaderField field : fields) {
            if (!field.is(SIGNATURE_FIELD)) {
                continue;
            }
            Candidate c = new Candidate(field);
            candidates.add(c);
            if (candidates.size() > settings.maxSignatures()) {
                c.decide(DkimReason.NOT_CHECKED, "more than " + settings.maxSignatures() + " signatures",
                        DkimResult.Claims.guess(field.value()));
                continue;
            }
            prepare(c, now);
        }
        return this;
    }

    /**
     * The values of the header fields named {@code name} (any case), top to bottom, as
     * {@link #headers} read them: folding kept, without the final CRLF. For the callers that read
     * other fields of the same header section (DMARC's From), so it is parsed once.
     */
    public List<String> fieldValues(String name) {
        String lower = name.toLowerCase(java.util.Locale.ROOT);
        List<String> values = new ArrayList<>();
        for (HeaderField f : fields) {
            if (f.is(lower)) {
                values.add(f.value());
            }
        }
        return values;
    }

    /** Takes the next chunk of the body, as received. */
    public DkimVerification body(byte[] b, int off, int len) {
        if (state != State.BODY) {
            throw new IllegalStateException(state == State.NEW ? "headers not given" : "already finished");
        }
        for (BodyCanonicalizer c : canonicalizers.values()) {
            c.update(b, off, len);
        }
        return this;
    }

    /**
     * Ends the body and completes with one result per DKIM-Signature field, top to bottom (the
     * most recent signature first), once the key lookups are answered or the time budget is spent.
     * The stage never completes exceptionally.
     */
    public CompletionStage<List<DkimResult>> finish() {
        if (state == State.NEW) {
            // A message without a header section has no signature.
            state = State.FINISHED;
            return CompletableFuture.completedFuture(List.of());
        }
        if (state == State.FINISHED) {
            throw new IllegalStateException("already finished");
        }
        state = State.FINISHED;
        for (BodyCanonicalizer c : canonicalizers.values()) {
            c.finish();
        }
        CompletableFuture<?>[] pending = candidates.stream().filter(c -> c.key != null).map(c -> c.key)
                .toArray(CompletableFuture<?>[]::new);
        return CompletableFuture.allOf(pending).handle((v, e) -> {
            List<DkimResult> results = new ArrayList<>(candidates.size());
            for (Candidate c : candidates) {
                results.add(c.result != null ? c.result : settle(c));
            }
            return List.copyOf(results);
        });
    }

    private void prepare(Candidate c, long now) {
        DkimSignature sig;
        try {
            sig = DkimSignature.parse(c.field.value());
        } catch (DkimSyntaxException e) {
            c.decide(DkimReason.SIGNATURE_SYNTAX, e.getMessage(), DkimResult.Claims.guess(c.field.value()));
            return;
        }
        c.signature = sig;
        DkimResult.Claims claims = DkimResult.Claims.of(sig);
        if (sig.algorithm == null) {
            c.decide(DkimReason.UNSUPPORTED_ALGORITHM, "a=" + sig.algorithmText, claims);
            return;
        }
        if (sig.algorithm == SigningAlgorithm.RSA_SHA1) {
            c.decide(DkimReason.SHA1_NOT_ACCEPTED, "", claims);
            return;
        }
        if (sig.expiration >= 0 && now > sig.expiration) {
            // §6.1.1 lets a verifier ignore an expired signature without fetching its key.
            c.decide(DkimReason.SIGNATURE_EXPIRED, "x=" + sig.expiration + ", now " + now, claims);
            return;
        }
        BodyHash.Key key = new BodyHash.Key(sig.bodyCanonicalization, sig.bodyLength, sig.algorithm.digestName);
        c.bodyHash = bodyHashes.computeIfAbsent(key, k -> {
            BodyHash h = new BodyHash(k);
            canonicalizers.computeIfAbsent(k.canonicalization, BodyCanonicalizer::new).addSink(h);
            return h;
        });
        c.key = lookups.computeIfAbsent(sig.keyName().toLowerCase(java.util.Locale.ROOT), this::lookup);
    }

    /** A key lookup that always completes, with TEMPFAIL once the time budget is spent. */
    private CompletableFuture<DnsAnswer> lookup(String name) {
        CompletableFuture<DnsAnswer> answer = new CompletableFuture<>();
        try {
            resolver.lookup(name, dev.gatekeeper.dns.RecordType.TXT).whenComplete((a, e) -> {
                answer.complete(a != null ? a : DnsAnswer.tempfail(String.valueOf(e)));
            });
        } catch (RuntimeException e) {
            answer.complete(DnsAnswer.tempfail(String.valueOf(e)));
        }
        // A copy of our own gets the timeout, so a future a caching resolver shares is left alone.
        return answer.completeOnTimeout(
                DnsAnswer.tempfail("no answer within the time budget of " + settings.timeBudget().toMillis() + " ms"),
                settings.timeBudget().toMillis(), TimeUnit.MILLISECONDS);
    }

    private DkimResult settle(Candidate c) {
        DkimSignature sig = c.signature;
        DkimResult.Claims claims = DkimResult.Claims.of(sig);
        try {
            return check(sig, claims, c.key.getNow(DnsAnswer.tempfail("unanswered")), c);
        } catch (RuntimeException e) {
            return DkimResult.of(DkimReason.INTERNAL_ERROR, String.valueOf(e), claims, false);
        }
    }

    private DkimResult check(DkimSignature sig, DkimResult.Claims claims, DnsAnswer answer, Candidate c) {
        if (answer.isTempfail()) {
            return DkimResult.of(DkimReason.KEY_LOOKUP_FAILED, answer.problem(), claims, false);
        }
        List<TxtRecord> txts = answer.records(TxtRecord.class);
        if (txts.isEmpty()) {
            return DkimResult.of(DkimReason.NO_KEY, sig.keyName() + " " + answer.status(), claims, false);
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
            return DkimResult.of(DkimReason.KEY_SYNTAX, problem, claims, false);
        }
        boolean testing = key.testing;
        if (!key.allowsEmail()) {
            return DkimResult.of(DkimReason.KEY_NOT_ACCEPTABLE, "s= does not allow email", claims, testing);
        }
        if (!key.acceptsHash(sig.algorithm.hashName)) {
            return DkimResult.of(DkimReason.KEY_NOT_ACCEPTABLE, "h= does not allow " + sig.algorithm.hashName, claims, testing);
        }
        if (key.strictIdentity && !sig.identityDomain().equalsIgnoreCase(sig.domain)) {
            return DkimResult.of(DkimReason.KEY_NOT_ACCEPTABLE, "t=s and i= is a subdomain of d=", claims, testing);
        }
        if (!key.keyType.equals(sig.algorithm.keyType)) {
            boolean known = key.keyType.equals("rsa") || key.keyType.equals("ed25519");
            return DkimResult.of(known ? DkimReason.KEY_NOT_ACCEPTABLE : DkimReason.KEY_SYNTAX,
                    "k=" + key.keyType + " for a=" + sig.algorithmText, claims, testing);
        }
        if (key.isRevoked()) {
            return DkimResult.of(DkimReason.KEY_REVOKED, "", claims, testing);
        }
        RSAPublicKey rsa = null;
        Ed25519PublicKeyParameters ed = null;
        try {
            if (sig.algorithm == SigningAlgorithm.ED25519_SHA256) {
                ed = SignatureCheck.ed25519Key(key.publicKey);
            } else {
                rsa = SignatureCheck.rsaKey(key.publicKey);
            }
        } catch (DkimSyntaxException e) {
            return DkimResult.of(DkimReason.KEY_SYNTAX, e.getMessage(), claims, testing);
        }
        if (rsa != null) {
            int bits = rsa.getModulus().bitLength();
            if (bits < SignatureCheck.MIN_RSA_KEY_BITS) {
                return DkimResult.of(DkimReason.KEY_TOO_SHORT, bits + " bits", claims, testing);
            }
            if (bits > SignatureCheck.MAX_RSA_KEY_BITS) {
                return DkimResult.of(DkimReason.KEY_TOO_LONG, bits + " bits", claims, testing);
            }
        }
        long bodyLength = c.bodyHash.canonicalLength();
        if (sig.bodyLength > bodyLength) {
            return DkimResult.of(DkimReason.BODY_LENGTH_EXCEEDED,
                    "l=" + sig.bodyLength + ", canonical body " + bodyLength, claims, testing);
        }
        if (!java.security.MessageDigest.isEqual(c.bodyHash.value(), sig.bodyHash)) {
            return DkimResult.of(DkimReason.BODY_HASH_MISMATCH, "", claims, testing);
        }
        byte[] data = SignatureCheck.headerData(sig, c.field, fields);
        boolean valid = rsa != null
                ? SignatureCheck.verifyRsa(rsa, "SHA256withRSA", data, sig.signature)
                : SignatureCheck.verifyEd25519(ed, data, sig.signature);
        if (!valid) {
            return DkimResult.of(DkimReason.SIGNATURE_MISMATCH, "", claims, testing);
        }
        long uncovered = sig.bodyLength < 0 ? 0 : bodyLength - sig.bodyLength;
        return DkimResult.pass(claims, testing, uncovered);
    }

    /** One DKIM-Signature field on its way to a result. */
    private static final class Candidate {
        final HeaderField field;
        DkimSignature signature;
        DkimResult result;
        BodyHash bodyHash;
        CompletableFuture<DnsAnswer> key;

        Candidate(HeaderField field) {
            this.field = field;
        }

        void decide(DkimReason reason, String detail, DkimResult.Claims claims) {
            result = DkimResult.of(reason, detail, claims, false);
        }
    }
}
