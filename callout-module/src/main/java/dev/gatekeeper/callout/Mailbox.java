package dev.gatekeeper.callout;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;

/**
 * An RFC 5321 §4.1.2 {@code Mailbox} that has passed every check, so it may be written to a peer
 * inside {@code RCPT TO:<...>}. Only ASCII is accepted: the probe never offers SMTPUTF8.
 */
final class Mailbox {

    /** RFC 5321 §4.5.3.1.1. */
    static final int MAX_LOCAL_PART = 64;
    /** RFC 5321 §4.5.3.1.2. */
    static final int MAX_DOMAIN = 255;
    /** RFC 5321 §4.5.3.1.3: the path includes its angle brackets. */
    static final int MAX_PATH = 256;
    /** RFC 1035 §2.3.4. */
    static final int MAX_LABEL = 63;

    private final String localPart;
    private final String domain;
    private final InetAddress literal;

    private Mailbox(String localPart, String domain, InetAddress literal) {
        this.localPart = localPart;
        this.domain = domain;
        this.literal = literal;
    }

    /** The local part as written (dot-string or quoted-string); case is kept, RFC 5321 §2.4. */
    String localPart() {
        return localPart;
    }

    /** The domain in lower case, or the address literal with its brackets. */
    String domain() {
        return domain;
    }

    /** The address of an address-literal domain ({@code user@[192.0.2.1]}); empty for a domain name. */
    Optional<InetAddress> literal() {
        return Optional.ofNullable(literal);
    }

    /** {@code local@domain}, the form sent to peers and used as the cache key. */
    String address() {
        return localPart + "@" + domain;
    }

    /** Another mailbox at the same domain; the local part must be a dot-string built by us. */
    Mailbox sibling(String dotStringLocalPart) {
        return new Mailbox(dotStringLocalPart, domain, literal);
    }

    @Override
    public String toString() {
        return address();
    }

    /** Thrown with a reason fit for an outcome text (no control characters, no input echoed raw). */
    static final class InvalidAddressException extends Exception {
        private static final long serialVersionUID = 1L;

        InvalidAddressException(String reason) {
            super(reason);
        }
    }

    /**
     * Parses an address, with or without angle brackets.
     *
     * @throws InvalidAddressException naming the rule broken
     */
    static Mailbox parse(String input) throws InvalidAddressException {
        if (input == null) {
            throw new InvalidAddressException("no address");
        }
        for (int i = 0; i < input.length(); i++) {
            char c = input.charAt(i);
            if (c == '\r' || c == '\n' || c == 0) {
                throw new InvalidAddressException("address contains CR, LF or NUL");
            }
            if (c < 0x20 || c > 0x7e) {
                throw new InvalidAddressException("address contains a control or non-ASCII character");
            }
        }
        String s = input;
        if (s.startsWith("<") && s.endsWith(">") && s.length() >= 2) {
            s = s.substring(1, s.length() - 1);
        }
        if (s.isEmpty()) {
            throw new InvalidAddressException("empty address");
        }
        if (s.length() + 2 > MAX_PATH) {
            throw new InvalidAddressException("path longer than " + MAX_PATH + " octets");
        }
        int at = localPartEnd(s);
        if (at >= s.length() || s.charAt(at) != '@') {
            throw new InvalidAddressException("no @domain after the local part");
        }
        String local = s.substring(0, at);
        String domain = s.substring(at + 1);
        if (local.getBytes(StandardCharsets.US_ASCII).length > MAX_LOCAL_PART) {
            throw new InvalidAddressException("local part longer than " + MAX_LOCAL_PART + " octets");
        }
        if (domain.startsWith("[")) {
            InetAddress literal = parseLiteral(domain);
            String canonical = domain.regionMatches(true, 1, "IPv6:", 0, 5)
                    ? "[IPv6:" + domain.substring(6).toLowerCase(Locale.ROOT) : domain;
            return new Mailbox(local, canonical, literal);
        }
        checkDomain(domain);
        return new Mailbox(local, domain.toLowerCase(Locale.ROOT), null);
    }

    /** Index just past a valid local part; throws if the local part is malformed. */
    private static int localPartEnd(String s) throws InvalidAddressException {
        if (s.startsWith("\"")) {
            int i = 1;
            while (i < s.length()) {
                char c = s.charAt(i);
                if (c == '\\') {
                    if (i + 1 >= s.length()) {
                        throw new InvalidAddressException("quoted local part ends in a backslash");
                    }
                    i += 2; // quoted-pairSMTP: any printable ASCII, checked above
                } else if (c == '"') {
                    if (i == 1) {
                        // RFC 5321 allows "" but a null local part is no mailbox anyone can verify.
                        throw new InvalidAddressException("empty quoted local part");
                    }
                    return i + 1;
                } else {
                    i++; // qtextSMTP: printable ASCII except " and \ (both handled above)
                }
            }
            throw new InvalidAddressException("unterminated quoted local part");
        }
        int i = 0;
        boolean atomStart = true;
        while (i < s.length() && s.charAt(i) != '@') {
            char c = s.charAt(i);
            if (c == '.') {
                if (atomStart) {
                    throw new InvalidAddressException("empty atom in local part (leading, trailing or double dot)");
                }
                atomStart = true;
            } else if (isAtext(c)) {
                atomStart = false;
            } else {
                throw new InvalidAddressException("character '" + c + "' not allowed in an unquoted local part");
            }
            i++;
        }
        if (i == 0) {
            throw new InvalidAddressException("empty local part");
        }
        if (atomStart) {
            throw new InvalidAddressException("empty atom in local part (leading, trailing or double dot)");
        }
        return i;
    }

    /** RFC 5322 §3.2.3 atext. */
    private static boolean isAtext(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || "!#$%&'*+-/=?^_`{|}~".indexOf(c) >= 0;
    }

    /** RFC 5321 §4.1.2 Domain: dot-separated labels of letters, digits and inner hyphens. */
    static void checkDomain(String domain) throws InvalidAddressException {
        if (domain.isEmpty()) {
            throw new InvalidAddressException("empty domain");
        }
        if (domain.length() > MAX_DOMAIN) {
            throw new InvalidAddressException("domain longer than " + MAX_DOMAIN + " octets");
        }
        String[] labels = domain.split("\\.", -1);
        for (String label : labels) {
            if (label.isEmpty()) {
                throw new InvalidAddressException("empty label in domain");
            }
            if (label.length() > MAX_LABEL) {
                throw new InvalidAddressException("domain label longer than " + MAX_LABEL + " octets");
            }
            for (int i = 0; i < label.length(); i++) {
                char c = label.charAt(i);
                boolean letDig = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
                if (!letDig && !(c == '-' && i > 0 && i < label.length() - 1)) {
                    String shown = c >= 0x20 && c < 0x7f ? "'" + c + "'" : String.format("U+%04X", (int) c);
                    throw new InvalidAddressException("character " + shown + " not allowed in domain label");
                }
            }
        }
        if (labels.length < 2) {
            // A single label cannot be a public mail domain; probing it would go to a local search domain.
            throw new InvalidAddressException("domain has a single label");
        }
    }

    /** RFC 5321 §4.1.3 address literals: {@code [IPv4]} and {@code [IPv6:...]}; general literals are refused. */
    private static InetAddress parseLiteral(String domain) throws InvalidAddressException {
        if (!domain.endsWith("]") || domain.length() < 3) {
            throw new InvalidAddressException("unterminated address literal");
        }
        String inner = domain.substring(1, domain.length() - 1);
        if (inner.regionMatches(true, 0, "IPv6:", 0, 5)) {
            String v6 = inner.substring(5);
            if (v6.isEmpty() || !v6.matches("[0-9A-Fa-f:.]+") || !v6.contains(":")) {
                throw new InvalidAddressException("malformed IPv6 address literal");
            }
            InetAddress a = numeric(v6);
            if (!(a instanceof Inet6Address)) {
                throw new InvalidAddressException("malformed IPv6 address literal");
            }
            return a;
        }
        if (!inner.matches("(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])(\\.(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])){3}")) {
            throw new InvalidAddressException("malformed or unsupported address literal");
        }
        return numeric(inner);
    }

    private static InetAddress numeric(String literal) throws InvalidAddressException {
        try {
            // Only digits, dots, colons and hex letters reach here, so no name lookup can happen.
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new InvalidAddressException("malformed address literal");
        }
    }
}
