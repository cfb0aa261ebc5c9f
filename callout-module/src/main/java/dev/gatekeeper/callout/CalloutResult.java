package dev.gatekeeper.callout;

import java.util.Locale;

/** What a callout verification concluded about an address. */
public enum CalloutResult {
    /** The mail host accepted RCPT TO for the address. */
    ACCEPTED("accepted"),
    /** The mail host refused the address with a 5xx to RCPT TO. */
    REJECTED("rejected"),
    /** The mail host also accepted a random local part: its yes says nothing about this address. */
    CATCH_ALL("catch-all"),
    /** No definite answer: 4xx, timeout, refused or dropped connection on every host tried, or a limit reached. */
    TEMPFAIL("tempfail"),
    /** The domain publishes a null MX (RFC 7505): it accepts no mail at all. */
    NULL_MX("null-mx"),
    /** The domain has neither MX nor address records. */
    NO_MAIL_HOST("no-mail-host"),
    /** The mail host refused the probe itself (5xx to HELO/EHLO or to MAIL FROM): nothing learned about the address. */
    PROBE_REFUSED("probe-refused"),
    /** The address is not a well-formed RFC 5321 mailbox; nothing was sent anywhere. */
    INVALID("invalid"),
    /** A rule said not to probe. */
    SKIPPED("skipped");

    private final String keyword;

    CalloutResult(String keyword) {
        this.keyword = keyword;
    }

    /** The outcome word used in configuration, headers and the command line: {@code catch-all}, {@code null-mx}, ... */
    public String keyword() {
        return keyword;
    }

    /** Parses an outcome word, case-insensitively. */
    public static CalloutResult fromKeyword(String word) {
        String w = word.trim().toLowerCase(Locale.ROOT);
        for (CalloutResult s : values()) {
            if (s.keyword.equals(w)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown callout outcome '" + word + "'");
    }
}
