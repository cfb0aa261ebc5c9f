package dev.gatekeeper.dkim;

import java.util.Locale;

/**
 * The result of validating a message's ARC chain (RFC 8617 §5.2), as the {@code arc} method of
 * Authentication-Results names it, with one addition: {@link #TEMPERROR}.
 */
public enum ArcStatus {
    /** The message has no ARC header fields. */
    NONE,
    /** Every seal verifies, the most recent ARC-Message-Signature verifies, the cv= sequence is right. */
    PASS,
    /**
     * The chain is malformed (missing, duplicate or out-of-range instances, more than 50 sets, a
     * cv= out of sequence, any cv=fail) or a seal or the most recent ARC-Message-Signature does
     * not verify.
     */
    FAIL,
    /**
     * A key needed to decide could not be fetched (temporary DNS failure or the time budget spent)
     * and nothing else failed: no verdict yet. RFC 8617 §5.2 has no such outcome; calling it
     * {@code fail} would condemn a chain for our resolver's trouble, and {@code none} would
     * claim the message carries no chain, so the engine keeps it apart and the policy defers.
     */
    TEMPERROR;

    /** Made once: replies, headers and attributes ask for it at every message. */
    private final String keyword = name().toLowerCase(Locale.ROOT);

    /** The name Authentication-Results writes: {@code none}, {@code pass}, {@code fail}, {@code temperror}. */
    public String keyword() {
        return keyword;
    }
}
