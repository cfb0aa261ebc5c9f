package dev.gatekeeper.dkim;

import java.util.Locale;

/**
 * One header field as received: its raw text (ISO-8859-1, so each char is one octet) with every
 * line ending as CRLF and a final CRLF, and its name lower-cased for matching against h=.
 */
final class HeaderField {

    /** The raw field, folding kept, ending in CRLF. */
    final String raw;
    /** The name before the colon, trailing whitespace removed, lower case; null when there is no colon. */
    final String name;

    HeaderField(String raw) {
        this.raw = raw;
        int colon = raw.indexOf(':');
        if (colon <= 0) {
            this.name = null;
        } else {
            int end = colon;
            while (end > 0 && (raw.charAt(end - 1) == ' ' || raw.charAt(end - 1) == '\t')) {
                end--;
            }
            this.name = raw.substring(0, end).toLowerCase(Locale.ROOT);
        }
    }

    /** The value after the colon, folding kept, without the final CRLF. */
    String value() {
        int colon = raw.indexOf(':');
        return raw.substring(colon + 1, raw.length() - 2);
    }

    boolean is(String lowerCaseName) {
        return lowerCaseName.equals(name);
    }

    @Override
    public String toString() {
        return raw;
    }
}
