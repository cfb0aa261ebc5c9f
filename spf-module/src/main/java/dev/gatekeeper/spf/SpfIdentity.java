package dev.gatekeeper.spf;

import java.util.Locale;

/** The identity an SPF check authorizes (RFC 7208 §2.3, §2.4). */
public enum SpfIdentity {
    /** The reverse-path of MAIL FROM; the null path is checked as {@code postmaster@<helo>}. */
    MAILFROM,
    /** The HELO/EHLO domain, checked as {@code postmaster@<helo>}. */
    HELO;

    /** Made once: every Received-SPF field names it. */
    private final String keyword = name().toLowerCase(Locale.ROOT);

    /** The name used by {@code identity=} in Received-SPF (RFC 7208 §9.1): {@code mailfrom} or {@code helo}. */
    public String keyword() {
        return keyword;
    }
}
