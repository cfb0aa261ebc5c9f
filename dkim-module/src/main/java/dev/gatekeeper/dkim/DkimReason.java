package dev.gatekeeper.dkim;

/**
 * Why a signature did not pass, each with the one status it leads to: the table that decides
 * fail versus permerror versus temperror lives here and nowhere else.
 */
public enum DkimReason {
    /** The field is not a valid DKIM-Signature (RFC 6376 §6.1.1). */
    SIGNATURE_SYNTAX(DkimStatus.PERMERROR, "signature syntax error"),
    /** a= names an algorithm this verifier does not know (RFC 6376 §6.1.1). */
    UNSUPPORTED_ALGORITHM(DkimStatus.PERMERROR, "unsupported algorithm"),
    /** RFC 8301 §3.1: "Verifiers MUST NOT consider signatures using RSA SHA-1 to be valid". */
    SHA1_NOT_ACCEPTED(DkimStatus.PERMERROR, "rsa-sha1 not accepted (RFC 8301)"),
    /** x= is in the past (RFC 6376 §3.5). */
    SIGNATURE_EXPIRED(DkimStatus.FAIL, "signature expired"),
    /** No key record at the selector (RFC 6376 §6.1.2: NXDOMAIN or no TXT is PERMFAIL). */
    NO_KEY(DkimStatus.PERMERROR, "no key"),
    /** The key record does not parse, or p= is not a key of its type (RFC 6376 §6.1.2). */
    KEY_SYNTAX(DkimStatus.PERMERROR, "key syntax error"),
    /** The key record refuses this signature: k=, h=, s= or t=s (RFC 6376 §6.1.2). */
    KEY_NOT_ACCEPTABLE(DkimStatus.PERMERROR, "key not acceptable"),
    /** An empty p= (RFC 6376 §3.6.1). */
    KEY_REVOKED(DkimStatus.FAIL, "key revoked"),
    /** RFC 8301 §3.2: RSA keys under 1024 bits are not valid. */
    KEY_TOO_SHORT(DkimStatus.FAIL, "key too short"),
    /** An RSA key longer than this verifier checks (see {@code DkimVerification.MAX_RSA_KEY_BITS}). */
    KEY_TOO_LONG(DkimStatus.PERMERROR, "key too long"),
    /** l= is larger than the canonical body. */
    BODY_LENGTH_EXCEEDED(DkimStatus.PERMERROR, "l= exceeds body length"),
    BODY_HASH_MISMATCH(DkimStatus.FAIL, "body hash mismatch"),
    SIGNATURE_MISMATCH(DkimStatus.FAIL, "signature mismatch"),
    /** The key lookup failed temporarily or did not finish within the time budget. */
    KEY_LOOKUP_FAILED(DkimStatus.TEMPERROR, "key lookup failed"),
    /** Our own failure: the client retries rather than having mail judged by a bug. */
    INTERNAL_ERROR(DkimStatus.TEMPERROR, "internal error"),
    /** Beyond the per-message signature limit. */
    NOT_CHECKED(DkimStatus.POLICY, "not checked (signature limit)");

    private final DkimStatus status;
    private final String text;

    DkimReason(DkimStatus status, String text) {
        this.status = status;
        this.text = text;
    }

    public DkimStatus status() {
        return status;
    }

    /** A short phrase for the reason= of Authentication-Results. */
    public String text() {
        return text;
    }
}
