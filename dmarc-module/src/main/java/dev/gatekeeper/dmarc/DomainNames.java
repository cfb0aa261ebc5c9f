package dev.gatekeeper.dmarc;

import java.net.IDN;
import java.util.Locale;
import java.util.Optional;

/** Checks and normalizes the domain names DMARC meets: author domains, d= domains, SPF domains. */
final class DomainNames {

    /** RFC 1035 §2.3.4: 63 octets per label. */
    static final int MAX_LABEL_LENGTH = 63;
    /**
     * RFC 1035 §2.3.4: 255 octets on the wire, which is 253 characters in text form without the
     * trailing dot (each label costs its length plus one, and the root one more).
     */
    static final int MAX_NAME_LENGTH = 253;

    private DomainNames() {
    }

    /**
     * The name in the form DMARC compares and looks up: A-labels (RFC 7489 §6.6.1 wants U-labels
     * converted, IDNA 2008 §2.3 of RFC 5890 in spirit; the JDK's IDN implements IDNA 2003, which
     * gives the same A-labels for the names mail uses), lower case, no trailing dot. Empty when
     * it is no host name: an empty label, a label or name too long, or a character outside
     * letters, digits, hyphen and underscore (underscore for the names of RFC 8552 that DKIM and
     * DMARC themselves use).
     */
    static Optional<String> normalize(String name) {
        String text = name.trim();
        if (text.endsWith(".")) {
            text = text.substring(0, text.length() - 1);
        }
        if (text.isEmpty()) {
            return Optional.empty();
        }
        if (!isAscii(text)) {
            try {
                text = IDN.toASCII(text, IDN.ALLOW_UNASSIGNED);
            } catch (IllegalArgumentException e) {
                return Optional.empty();
            }
        }
        text = text.toLowerCase(Locale.ROOT);
        return isHostName(text) ? Optional.of(text) : Optional.empty();
    }

    /** Whether a lower-case ASCII name fits the limits and character set of {@link #normalize}. */
    static boolean isHostName(String text) {
        if (text.isEmpty() || text.length() > MAX_NAME_LENGTH) {
            return false;
        }
        int labelLength = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '.') {
                if (labelLength == 0) {
                    return false;
                }
                labelLength = 0;
                continue;
            }
            boolean allowed = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
            if (!allowed || ++labelLength > MAX_LABEL_LENGTH) {
                return false;
            }
        }
        return labelLength > 0;
    }

    /** Whether the name, with a prefix such as {@code _dmarc.}, can still be queried. */
    static boolean fits(String prefix, String name) {
        return prefix.length() + name.length() <= MAX_NAME_LENGTH;
    }

    private static boolean isAscii(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) > 0x7f) {
                return false;
            }
        }
        return true;
    }
}
