package dev.gatekeeper.dkim;

import dev.gatekeeper.dns.DnsResolver;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
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

    /**
     * The most of a header section {@link #read} holds (the body is never held). RFC 5322 sets
     * no limit; a megabyte is a thousand full 998-octet lines, far beyond any real mail.
     */
    public static final int MAX_HEADER_SECTION = 1 << 20;
    /** Most header sections fit the first read; the buffer doubles for the others. */
    private static final int FIRST_READ = 8 * 1024;
    private static final int BODY_CHUNK = 8 * 1024;
    /** The least first read, however short the stream says it is. */
    private static final int MIN_FIRST_READ = 1024;

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
     * Reads a message from a stream once, as received: the header section is held (at most
     * {@link #MAX_HEADER_SECTION} octets) and the key lookups start, the body is hashed as it
     * passes, for the DKIM signatures and the ARC chain alike. A message with no signature whose
     * body hash is to be checked is read only up to the end of its header section. The caller then asks
     * {@link DkimVerification#fieldValues}, {@link DkimVerification#finish()} and
     * {@link DkimVerification#arc()}.
     *
     * @throws IOException when the stream fails or the header section is longer than the limit
     */
    public DkimVerification read(InputStream message) throws IOException {
        // A message already in memory says how long it is: a 2 KB message gets no 8 KB buffer to
        // zero (and to push out of the CPU's caches) at every end of DATA.
        int known = message.available();
        byte[] head = new byte[known > 0 ? Math.max(MIN_FIRST_READ, Math.min(known, FIRST_READ)) : FIRST_READ];
        int len = 0;
        // Each read is scanned from the start of the line it continues, so a trickle of small
        // reads costs no rescans of the lines already seen.
        int scanFrom = 0;
        int bodyStart;
        while (true) {
            if (len == head.length) {
                if (len >= MAX_HEADER_SECTION) {
                    throw headerSectionTooLong();
                }
                head = Arrays.copyOf(head, Math.min(len * 2, MAX_HEADER_SECTION));
            }
            int n = message.read(head, len, head.length - len);
            if (n < 0) {
                // The stream ended: with an empty line, an empty body; without one, no body.
                bodyStart = HeaderSection.bodyOffset(head, scanFrom, len - scanFrom);
                break;
            }
            len += n;
            int found = HeaderSection.bodyOffset(head, scanFrom, len - scanFrom);
            if (found < len) {
                bodyStart = found;
                break;
            }
            scanFrom = lastLineStart(head, len);
        }
        DkimVerification v = beginWithArc().headers(head, 0, bodyStart);
        if (!v.needsBody()) {
            // No DKIM-Signature and no ARC-Message-Signature to check (most mail): nothing hashes
            // the body, so it is not read at all; a megabyte would otherwise be copied through
            // for nothing at the end of DATA.
            return v;
        }
        v.body(head, bodyStart, len - bodyStart);
        byte[] chunk = new byte[BODY_CHUNK];
        for (int n; (n = message.read(chunk)) >= 0; ) {
            v.body(chunk, 0, n);
        }
        return v;
    }

    /**
     * As {@link #read(InputStream)}, for a message its caller already holds in memory: the octets
     * are parsed and hashed where they are, not copied. They must not change until
     * {@link DkimVerification#finish()} has completed.
     *
     * @throws IOException when the header section is longer than {@link #MAX_HEADER_SECTION}
     */
    public DkimVerification read(byte[] message, int offset, int length) throws IOException {
        Objects.checkFromIndexSize(offset, length, message.length);
        int bodyStart = HeaderSection.bodyOffset(message, offset, length);
        if (bodyStart - offset > MAX_HEADER_SECTION) {
            throw headerSectionTooLong();
        }
        DkimVerification v = beginWithArc().headers(message, offset, bodyStart - offset);
        return v.needsBody() ? v.body(message, bodyStart, offset + length - bodyStart) : v;
    }

    /** The one refusal of both reads, the streamed and the held. */
    private static IOException headerSectionTooLong() {
        return new IOException("header section longer than " + MAX_HEADER_SECTION + " octets");
    }

    /** Where the line holding the last octet starts (an empty line that ends the block included). */
    private static int lastLineStart(byte[] b, int len) {
        int i = len - 2;
        while (i >= 0 && b[i] != '\n') {
            i--;
        }
        return i + 1;
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
