package dev.gatekeeper.dkim;

import java.util.Locale;

/** The result of one signature's check, as RFC 8601 §2.7.1 names the dkim method's results. */
public enum DkimStatus {
    PASS,
    FAIL,
    NEUTRAL,
    /** Signed, but not acceptable to this receiver; here: a signature left unchecked by the limit. */
    POLICY,
    TEMPERROR,
    PERMERROR;

    /** Made once: replies, headers and attributes ask for it at every message. */
    private final String keyword = name().toLowerCase(Locale.ROOT);

    /** The result's name as Authentication-Results writes it: {@code pass}, {@code permerror}, ... */
    public String keyword() {
        return keyword;
    }
}
