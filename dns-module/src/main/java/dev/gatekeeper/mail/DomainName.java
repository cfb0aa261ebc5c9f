package dev.gatekeeper.mail;

import java.net.IDN;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A domain name as mail uses it: compared without regard to case (RFC 4343) or to the trailing dot
 * of an absolute name, and in its ASCII form, so {@code Bücher.Example.} and
 * {@code xn--bcher-kva.example} are the same name (IDNA, RFC 5890: a U-label is converted to its
 * A-label). Immutable.
 */
public final class DomainName {

    /** RFC 1035 §2.3.4: a name of at most 255 octets on the wire, 253 characters written out. */
    public static final int MAX_LENGTH = 253;
    /** RFC 1035 §2.3.4. */
    public static final int MAX_LABEL = 63;

    private final String ascii;
    private final boolean trailingDot;

    private DomainName(String ascii, boolean trailingDot) {
        this.ascii = ascii;
        this.trailingDot = trailingDot;
    }

    /**
     * Parses a host name: letters, digits and inner hyphens in each label (RFC 1123 §2.1; an
     * underscore is refused, as in a mail domain), or U-labels, which are converted.
     *
     * @throws MailSyntaxException naming the rule broken
     */
    public static DomainName parse(String name) {
        return parse(name, false);
    }

    /**
     * Parses a DNS owner name, which may also hold underscores ({@code _dmarc.example.org},
     * {@code sel._domainkey.example.org}: RFC 8552 attribute leaves).
     *
     * @throws MailSyntaxException naming the rule broken
     */
    public static DomainName parseOwnerName(String name) {
        return parse(name, true);
    }

    private static DomainName parse(String name, boolean underscores) {
        if (name == null || name.isEmpty()) {
            throw new MailSyntaxException("empty domain");
        }
        boolean dot = name.endsWith(".");
        String n = dot ? name.substring(0, name.length() - 1) : name;
        if (!isAscii(n)) {
            try {
                n = IDN.toASCII(n, IDN.ALLOW_UNASSIGNED);
            } catch (IllegalArgumentException e) {
                throw new MailSyntaxException("domain is no valid internationalised name");
            }
        }
        n = n.toLowerCase(Locale.ROOT);
        checkLabels(n, underscores);
        return new DomainName(n, dot);
    }

    /**
     * A name as the resolvers and tables compare it: lower case, without the trailing dot of an
     * absolute name, nothing else checked. For names that are keys, not identities to validate.
     */
    public static String canonical(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return n.endsWith(".") ? n.substring(0, n.length() - 1) : n;
    }

    /** True when {@code name} parses as a host name. */
    public static boolean isValid(String name) {
        try {
            parse(name);
            return true;
        } catch (MailSyntaxException e) {
            return false;
        }
    }

    private static void checkLabels(String n, boolean underscores) {
        if (n.isEmpty()) {
            throw new MailSyntaxException("empty domain");
        }
        if (n.length() > MAX_LENGTH) {
            throw new MailSyntaxException("domain longer than " + MAX_LENGTH + " characters");
        }
        int start = 0;
        while (start <= n.length()) {
            int end = n.indexOf('.', start);
            if (end < 0) {
                end = n.length();
            }
            int len = end - start;
            if (len == 0) {
                throw new MailSyntaxException("empty label in domain");
            }
            if (len > MAX_LABEL) {
                throw new MailSyntaxException("domain label longer than " + MAX_LABEL + " octets");
            }
            for (int i = start; i < end; i++) {
                char c = n.charAt(i);
                boolean ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                        || (c == '-' && i > start && i < end - 1)
                        || (c == '_' && underscores);
                if (!ok) {
                    throw new MailSyntaxException("character " + shown(c) + " not allowed in domain label");
                }
            }
            start = end + 1;
        }
    }

    static String shown(char c) {
        return c >= 0x20 && c < 0x7f ? "'" + c + "'" : String.format("U+%04X", (int) c);
    }

    private static boolean isAscii(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) > 0x7f) {
                return false;
            }
        }
        return true;
    }

    /** Lower case, A-labels, no trailing dot: the form for DNS queries, tables and comparison. */
    public String ascii() {
        return ascii;
    }

    /** The name with its U-labels for display; {@link #ascii()} when it has none. */
    public String unicode() {
        return IDN.toUnicode(ascii, IDN.ALLOW_UNASSIGNED);
    }

    /** True when the name was written absolute ({@code example.org.}). */
    public boolean hadTrailingDot() {
        return trailingDot;
    }

    public int labelCount() {
        int count = 1;
        for (int i = 0; i < ascii.length(); i++) {
            if (ascii.charAt(i) == '.') {
                count++;
            }
        }
        return count;
    }

    /** True when this is {@code other} or one of its subdomains. */
    public boolean isWithin(DomainName other) {
        return ascii.equals(other.ascii)
                || (ascii.endsWith(other.ascii) && ascii.charAt(ascii.length() - other.ascii.length() - 1) == '.');
    }

    /** The parent domains from the nearest up to the top-level label: {@code a.b.c} gives {@code b.c}, {@code c}. */
    public List<String> parents() {
        return parentsOf(ascii);
    }

    /** {@link #parents()} of a name already in canonical form (a table key, a domain of a parsed {@link Mailbox}). */
    public static List<String> parentsOf(String canonicalName) {
        List<String> out = new ArrayList<>();
        int dot = canonicalName.indexOf('.');
        while (dot >= 0) {
            out.add(canonicalName.substring(dot + 1));
            dot = canonicalName.indexOf('.', dot + 1);
        }
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DomainName && ascii.equals(((DomainName) o).ascii);
    }

    @Override
    public int hashCode() {
        return ascii.hashCode();
    }

    @Override
    public String toString() {
        return ascii;
    }
}
