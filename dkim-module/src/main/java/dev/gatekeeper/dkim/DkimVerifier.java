package dev.gatekeeper.dkim;

import dev.gatekeeper.dns.DnsResolver;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletionStage;

/**
 * Verifies the DKIM signatures of messages (RFC 6376, with RFC 8301's algorithm and key-size
 * rules and RFC 8463's Ed25519). Thread-safe and reusable; each message gets its own
 * {@link DkimVerification} from {@link #begin()}, fed as the message arrives:
 *
 * <pre>{@code
 * DkimVerification v = verifier.begin();
 * v.headers(headerBlock, 0, headerBlock.length);    // starts the key lookups
 * v.body(chunk, 0, n); ...                            // hashed as it streams, never kept
 * v.finish().thenAccept(results -> ...);              // one DkimResult per DKIM-Signature field
 * }</pre>
 *
 * <p>{@link #beginWithArc()} validates the ARC chain (RFC 8617) too, over the same body pass:
 * after {@code finish()}, {@link DkimVerification#arc()} gives the {@link ArcResult}.
 */
public final class DkimVerifier {

    private final DnsResolver resolver;
    private final DkimSettings settings;

    public DkimVerifier(DnsResolver resolver, DkimSettings settings) {
        this.resolver = Objects.requireNonNull(resolver, "resolver");
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    public DkimVerifier(DnsResolver resolver) {
        this(resolver, DkimSettings.defaults());
    }

    public DkimSettings settings() {
        return settings;
    }

    /** Starts the verification of one message's DKIM signatures. */
    public DkimVerification begin() {
        return new DkimVerification(resolver, settings, false);
    }

    /**
     * Starts the verification of one message's DKIM signatures and ARC chain (RFC 8617), over one
     * pass of the body: feed it as {@link #begin()}'s, then read {@link DkimVerification#arc()}
     * after {@link DkimVerification#finish()}.
     */
    public DkimVerification beginWithArc() {
        return new DkimVerification(resolver, settings, true);
    }

    /**
     * Verifies a whole message held in memory (octets as received, CRLF or LF line ends): for the
     * command line and tests; a server streams through {@link #begin()} instead.
     */
    public CompletionStage<List<DkimResult>> verify(byte[] message) {
        int bodyStart = HeaderSection.bodyOffset(message, 0, message.length);
        return begin().headers(message, 0, bodyStart)
                .body(message, bodyStart, message.length - bodyStart)
                .finish();
    }

    /**
     * Validates the ARC chain of a whole message held in memory (as {@link #verify(byte[])}, for
     * the command line and tests).
     */
    public CompletionStage<ArcResult> verifyArc(byte[] message) {
        int bodyStart = HeaderSection.bodyOffset(message, 0, message.length);
        DkimVerification v = beginWithArc().headers(message, 0, bodyStart)
                .body(message, bodyStart, message.length - bodyStart);
        v.finish();
        return v.arc();
    }
}
