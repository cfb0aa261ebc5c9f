package dev.gatekeeper.dkim;

import java.util.Locale;

/** The two canonicalisation algorithms of RFC 6376 §3.4, for header fields and for the body. */
enum Canonicalization {
    SIMPLE,
    RELAXED;

    /** The algorithm's name in c=. */
    String keyword() {
        return name().toLowerCase(Locale.ROOT);
    }

    static Canonicalization fromKeyword(String keyword) throws DkimSyntaxException {
        switch (keyword) {
            case "simple":
                return SIMPLE;
            case "relaxed":
                return RELAXED;
            default:
                throw new DkimSyntaxException("unknown canonicalization '" + TagList.abbreviate(keyword) + "'");
        }
    }

    /** A header field in canonical form, ending in CRLF. */
    String header(HeaderField field) {
        return header(field.raw);
    }

    /** As {@link #header(HeaderField)}, for a raw field that ends in CRLF. */
    String header(String raw) {
        if (this == SIMPLE) {
            // §3.4.1: the field exactly as it is, folding and case untouched.
            return raw;
        }
        // §3.4.2: lower-case name; unfold; runs of WSP to one SP; no WSP at the value's end,
        // none before or after the colon.
        int colon = raw.indexOf(':');
        String name = raw.substring(0, colon);
        StringBuilder sb = new StringBuilder(raw.length());
        sb.append(stripTrailingWsp(name).toLowerCase(Locale.ROOT)).append(':');
        int valueStart = sb.length();
        boolean pendingSpace = false;
        for (int i = colon + 1; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '\r' || c == '\n') {
                continue;
            }
            if (c == ' ' || c == '\t') {
                pendingSpace = true;
                continue;
            }
            if (pendingSpace && sb.length() > valueStart) {
                sb.append(' ');
            }
            pendingSpace = false;
            sb.append(c);
        }
        return sb.append("\r\n").toString();
    }

    private static String stripTrailingWsp(String s) {
        int end = s.length();
        while (end > 0 && (s.charAt(end - 1) == ' ' || s.charAt(end - 1) == '\t')) {
            end--;
        }
        return s.substring(0, end);
    }
}
