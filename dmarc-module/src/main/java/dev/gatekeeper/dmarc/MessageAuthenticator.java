package dev.gatekeeper.dmarc;

import dev.gatekeeper.dkim.ArcResult;
import dev.gatekeeper.dkim.DkimResult;
import dev.gatekeeper.dkim.DkimStatus;
import dev.gatekeeper.dkim.DkimVerification;
import dev.gatekeeper.dkim.DkimVerifier;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * DKIM, ARC (RFC 8617) and then DMARC for one received message, reading its octets once: what
 * the end of DATA asks. DMARC takes SPF's result for the MAIL FROM domain (or, for the null sender, the HELO
 * name: RFC 7489 §4.1) and every DKIM signature's d= and result (§4.2), so one Authentication-Results
 * field can carry all three. Thread-safe; engines know nothing of James.
 */
public final class MessageAuthenticator {

    private final DkimVerifier dkim;
    private final DmarcEvaluator dmarc;

    public MessageAuthenticator(DkimVerifier dkim, DmarcEvaluator dmarc) {
        this.dkim = Objects.requireNonNull(dkim, "dkim");
        this.dmarc = Objects.requireNonNull(dmarc, "dmarc");
    }

    /**
     * Authenticates the message {@code octets} (as received, CRLF or LF line ends). The stream is
     * read here, on the caller's thread: to its end when a signature needs the body hashed, else
     * to the end of its header section; the DNS lookups run as it streams. The stage never
     * completes exceptionally: DNS trouble is a temperror in the results.
     *
     * @throws IOException when the stream fails or its header section passes
     *     {@link DkimVerifier#MAX_HEADER_SECTION}
     */
    public CompletionStage<MessageAuthentication> authenticate(InputStream octets, SpfEvidence spf) throws IOException {
        return authenticate(octets, CompletableFuture.completedFuture(spf));
    }

    /**
     * As {@link #authenticate(InputStream, SpfEvidence)}, with SPF's answer still on its way (an
     * SMTP server starts it at MAIL FROM): the signatures are verified meanwhile. {@code spf}
     * must complete (normally), bounded by its caller.
     */
    public CompletionStage<MessageAuthentication> authenticate(InputStream octets, CompletionStage<SpfEvidence> spf) throws IOException {
        return authenticate(dkim.read(octets), spf);
    }

    /**
     * As {@link #authenticate(InputStream, CompletionStage)}, for a message its caller holds in
     * memory: read where it is ({@link DkimVerifier#read(byte[], int, int)}), not copied.
     */
    public CompletionStage<MessageAuthentication> authenticate(byte[] message, int offset, int length,
            CompletionStage<SpfEvidence> spf) throws IOException {
        return authenticate(dkim.read(message, offset, length), spf);
    }

    private CompletionStage<MessageAuthentication> authenticate(DkimVerification verification, CompletionStage<SpfEvidence> spf) {
        List<String> from = verification.fieldValues("From");
        CompletionStage<List<DkimResult>> signatures = verification.finish();
        CompletionStage<ArcResult> arc = verification.arc();
        return signatures.thenCombine(spf, (dkimResults, evidence) -> dmarc.evaluate(from, evidence, evidence(dkimResults))
                .thenCombine(arc, (result, chain) -> MessageAuthentication.of(dkimResults, chain, result)))
                .thenCompose(stage -> stage);
    }

    /** RFC 7489 §4.2: each signature's d= and whether it verified (a testing key, t=y, still counts). */
    private static List<DkimEvidence> evidence(List<DkimResult> signatures) {
        List<DkimEvidence> out = new ArrayList<>(signatures.size());
        for (DkimResult r : signatures) {
            if (!r.domain().isEmpty()) {
                out.add(DkimEvidence.of(r.domain(), r.status() == DkimStatus.PASS));
            }
        }
        return out;
    }
}
