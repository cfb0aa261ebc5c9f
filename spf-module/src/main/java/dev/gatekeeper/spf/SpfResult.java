package dev.gatekeeper.spf;

import java.util.Locale;

/** The seven results of an SPF check (RFC 7208 §2.6). */
public enum SpfResult {
    NONE,
    NEUTRAL,
    PASS,
    FAIL,
    SOFTFAIL,
    TEMPERROR,
    PERMERROR;

    /** Computed once: the headers and the policy ask for it at every message. */
    private final String keyword = name().toLowerCase(Locale.ROOT);

    /** The result's name as RFC 7208 and the headers write it: {@code pass}, {@code softfail}, ... */
    public String keyword() {
        return keyword;
    }

    /** Parses a keyword, case-insensitively. */
    public static SpfResult fromKeyword(String keyword) {
        return valueOf(keyword.trim().toUpperCase(Locale.ROOT));
    }
}
