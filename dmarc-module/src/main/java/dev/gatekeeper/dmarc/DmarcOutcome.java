package dev.gatekeeper.dmarc;

import java.util.Locale;

/**
 * The DMARC method's results as an Authentication-Results field reports them (RFC 7489 §11.2,
 * RFC 8601 §2.7.1 for the meaning of temperror and permerror).
 */
public enum DmarcOutcome {
    /** An aligned identifier passed (SPF or DKIM). */
    PASS,
    /** A policy record was found and no aligned identifier passed. */
    FAIL,
    /** No policy to apply: no record, several records, or a record unusable under RFC 7489 §6.6.3 step 6. */
    NONE,
    /** The policy could not be looked up for now (DNS). Retrying later may give another answer. */
    TEMPERROR,
    /** The message itself cannot be evaluated: no usable author domain in its From field(s). */
    PERMERROR;

    /** Made once: replies, headers and attributes ask for it at every message. */
    private final String keyword = name().toLowerCase(Locale.ROOT);

    /** The result keyword: {@code pass}, {@code fail}, ... */
    public String keyword() {
        return keyword;
    }
}
