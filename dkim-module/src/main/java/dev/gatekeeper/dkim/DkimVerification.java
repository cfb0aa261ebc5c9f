package dev.gatekeeper.dkim;

import dev.gatekeeper.dns.DnsAnswer;
import dev.gatekeeper.dns.DnsResolver;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

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
    /** Null unless ARC is verified too. */
    private final ArcVerification arc;
    private CompletableFuture<ArcResult> arcResult;
    private List<HeaderField> fields = List.of();
    private State state = State.NEW;

    DkimVerification(DnsResolver resolver, DkimSettings settings, boolean withArc) {
        this.resolver = resolver;
        this.settings = settings;
        this.arc = withArc ? new ArcVerification(this::bodyHash, this::key) : null;
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
        if (arc != null) {
            arc.headers(fields, now);
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

    /**
     * Whether any signature (DKIM or ARC) wants the body hashed: false when the header section had
     * none to check, and the body need not be read at all.
     */
    boolean needsBody() {
        return !canonicalizers.isEmpty();
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
            // A message without a header section has no signature and no ARC set.
            state = State.FINISHED;
            arcResult = CompletableFuture.completedFuture(ArcResult.none());
            return CompletableFuture.completedFuture(List.of());
        }
        if (state == State.FINISHED) {
            throw new IllegalStateException("already finished");
        }
        state = State.FINISHED;
        for (BodyCanonicalizer c : canonicalizers.values()) {
            c.finish();
        }
        if (arc != null) {
            List<CompletableFuture<DnsAnswer>> arcKeys = arc.pending();
            // An unsigned message (most mail from outside) waits for nothing: no futures to combine.
            arcResult = arcKeys.isEmpty() ? CompletableFuture.completedFuture(arc.result())
                    : CompletableFuture.allOf(arcKeys.toArray(CompletableFuture<?>[]::new)).handle((v, e) -> arc.result());
        }
        if (candidates.isEmpty()) {
            return CompletableFuture.completedFuture(List.of());
        }
        CompletableFuture<?>[] pending = candidates.stream().filter(c -> c.key != null).map(c -> c.key)
                .toArray(CompletableFuture<?>[]::new);
        return CompletableFuture.allOf(pending).handle((v, e) -> results());
    }

    private List<DkimResult> results() {
        List<DkimResult> results = new ArrayList<>(candidates.size());
        for (Candidate c : candidates) {
            results.add(c.result != null ? c.result : settle(c));
        }
        return List.copyOf(results);
    }

    /**
     * The ARC chain's validation (RFC 8617 §5.2), for a verification begun with
     * {@link DkimVerifier#beginWithArc()}: available once {@link #finish()} is called, completing
     * when the ARC keys are answered or the time budget is spent. The stage never completes
     * exceptionally; it is the same stage on every call.
     *
     * @throws IllegalStateException before {@link #finish()}, or when ARC was not asked for
     */
    public CompletionStage<ArcResult> arc() {
        if (arc == null) {
            throw new IllegalStateException("ARC not requested: begin with DkimVerifier.beginWithArc()");
        }
        if (arcResult == null) {
            throw new IllegalStateException("finish() not called");
        }
        return arcResult;
    }

    /** The body hash for a (canonicalisation, l=, hash), one per message, fed by one canonicaliser per algorithm. */
    private BodyHash bodyHash(BodyHash.Key key) {
        return bodyHashes.computeIfAbsent(key, k -> {
            BodyHash h = new BodyHash(k);
            canonicalizers.computeIfAbsent(k.canonicalization, BodyCanonicalizer::new).addSink(h);
            return h;
        });
    }

    /** How many body hashes the message's signatures need, DKIM and ARC together: tests pin the sharing. */
    int bodyHashCount() {
        return bodyHashes.size();
    }

    /** The key record lookup for a name, one per name and message, DKIM and ARC alike. */
    private CompletableFuture<DnsAnswer> key(String lowerCaseName) {
        return lookups.computeIfAbsent(lowerCaseName, this::lookup);
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
        c.bodyHash = bodyHash(new BodyHash.Key(sig.bodyCanonicalization, sig.bodyLength, sig.algorithm.digestName));
        c.key = key(sig.keyName().toLowerCase(java.util.Locale.ROOT));
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
        VerifyingKey key = VerifyingKey.from(answer, sig.keyName(), sig.algorithm, sig.algorithmText, sig.domain,
                sig.identityDomain());
        boolean testing = key.testing;
        if (!key.usable()) {
            return DkimResult.of(key.problem, key.detail, claims, testing);
        }
        long bodyLength = c.bodyHash.canonicalLength();
        if (sig.bodyLength > bodyLength) {
            return DkimResult.of(DkimReason.BODY_LENGTH_EXCEEDED,
                    "l=" + sig.bodyLength + ", canonical body " + bodyLength, claims, testing);
        }
        if (!java.security.MessageDigest.isEqual(c.bodyHash.value(), sig.bodyHash)) {
            return DkimResult.of(DkimReason.BODY_HASH_MISMATCH, "", claims, testing);
        }
        if (!key.verifies(SignatureCheck.headerData(sig, c.field, fields), sig.signature)) {
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
