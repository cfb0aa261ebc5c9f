package dev.gatekeeper.policy;

import dev.gatekeeper.dns.IpAddresses;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * An RFC 5321 reverse-path or forward-path as given to MAIL FROM or RCPT TO, parsed once and used
 * by every condition, table and relay check of the policy: a null sender, or a local part and a
 * domain (lower case, without a trailing dot), with the routing tricks the address carries.
 *
 * <p>An address with any {@link Routing} hint is never taken for one of our own or our relay
 * domains' addresses: those forms are how an open relay is found ({@code u%other@ours},
 * {@code other!u@ours}, {@code @ours:u@other}, {@code "u@other"@ours}), and some delivery agent
 * downstream may still honour them.
 */
public final class SmtpAddress {

    /** A way in which an address may route mail somewhere other than its domain says. */
    public enum Routing {
        /** {@code user%other.example@ours}: the old percent hack. */
        PERCENT_HACK,
        /** {@code other.example!user@ours}: a UUCP bang path. */
        BANG_PATH,
        /** {@code @relay1,@relay2:user@domain}: an RFC 821 source route (RFC 5321 §4.1.1.3, Appendix C). */
        SOURCE_ROUTE,
        /** A quoted local part holding '@', '%' or '!': {@code "user@other"@ours}. */
        QUOTED_ROUTING,
        /** {@code user@[192.0.2.1]}: an address literal instead of a domain. */
        ADDRESS_LITERAL,
        /** {@code user@ours.example.}: a trailing dot, which resolvers and delivery agents read differently. */
        TRAILING_DOT
    }

    private static final String ATEXT_SPECIALS = "!#$%&'*+-/=?^_`{|}~";
    private static final SmtpAddress NULL = new SmtpAddress("", "", false, Collections.emptySet(), "<>");

    private final String localPart;
    private final String domain;
    private final boolean quoted;
    private final Set<Routing> routing;
    private final String original;

    private SmtpAddress(String localPart, String domain, boolean quoted, Set<Routing> routing, String original) {
        this.localPart = localPart;
        this.domain = domain;
        this.quoted = quoted;
        this.routing = routing;
        this.original = original;
    }

    /** The null reverse-path {@code <>}. */
    public static SmtpAddress nullSender() {
        return NULL;
    }

    /**
     * Parses a path with or without angle brackets: {@code <user@example.org>}, {@code user@example.org},
     * {@code <>} (or "") for the null sender, {@code <@a,@b:user@c>}, {@code <"a b"@c>},
     * {@code <user@[192.0.2.1]>}, {@code <Postmaster>} (RFC 5321 §4.5.1).
     *
     * @throws AddressSyntaxException with what is wrong
     */
    public static SmtpAddress parse(String path) {
        Objects.requireNonNull(path, "path");
        String p = path.strip();
        for (int i = 0; i < p.length(); i++) {
            char c = p.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                throw new AddressSyntaxException("control character in address");
            }
        }
        if (p.startsWith("<")) {
            if (!p.endsWith(">")) {
                throw new AddressSyntaxException("unbalanced '<' in " + p);
            }
            p = p.substring(1, p.length() - 1).strip();
        }
        if (p.isEmpty()) {
            return NULL;
        }
        if (p.length() > 256) {
            throw new AddressSyntaxException("path longer than 256 octets (RFC 5321 §4.5.3.1.3)");
        }
        EnumSet<Routing> routing = EnumSet.noneOf(Routing.class);
        if (p.startsWith("@")) {
            int colon = p.indexOf(':');
            if (colon < 0) {
                throw new AddressSyntaxException("source route without ':' in " + p);
            }
            for (String hop : p.substring(0, colon).split(",", -1)) {
                String h = hop.strip();
                if (h.length() < 2 || h.charAt(0) != '@') {
                    throw new AddressSyntaxException("bad source route hop '" + h + "'");
                }
                parseDomain(h.substring(1), EnumSet.noneOf(Routing.class));
            }
            routing.add(Routing.SOURCE_ROUTE);
            p = p.substring(colon + 1).strip();
        }
        String local;
        String rest;
        boolean quoted = false;
        if (p.startsWith("\"")) {
            StringBuilder sb = new StringBuilder();
            int i = 1;
            boolean closed = false;
            for (; i < p.length(); i++) {
                char c = p.charAt(i);
                if (c == '\\') {
                    if (++i >= p.length()) {
                        break;
                    }
                    sb.append(p.charAt(i));
                } else if (c == '"') {
                    closed = true;
                    i++;
                    break;
                } else {
                    sb.append(c);
                }
            }
            if (!closed) {
                throw new AddressSyntaxException("unterminated quoted local part");
            }
            local = sb.toString();
            quoted = true;
            rest = p.substring(i);
            if (local.indexOf('@') >= 0 || local.indexOf('%') >= 0 || local.indexOf('!') >= 0) {
                routing.add(Routing.QUOTED_ROUTING);
            }
        } else {
            int at = p.indexOf('@');
            local = at < 0 ? p : p.substring(0, at);
            rest = at < 0 ? "" : p.substring(at);
            checkDotString(local);
            if (local.indexOf('%') >= 0) {
                routing.add(Routing.PERCENT_HACK);
            }
            if (local.indexOf('!') >= 0) {
                routing.add(Routing.BANG_PATH);
            }
        }
        if (local.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > 64) {
            throw new AddressSyntaxException("local part longer than 64 octets (RFC 5321 §4.5.3.1.1)");
        }
        if (rest.isEmpty()) {
            // RFC 5321 §4.5.1: RCPT TO:<Postmaster> without a domain must be accepted.
            if (!quoted && local.equalsIgnoreCase("postmaster") && routing.isEmpty()) {
                return new SmtpAddress("postmaster", "", false, Collections.emptySet(), p);
            }
            throw new AddressSyntaxException("missing '@domain' in " + p);
        }
        if (rest.charAt(0) != '@') {
            throw new AddressSyntaxException("expected '@' after the local part in " + p);
        }
        if (local.isEmpty()) {
            throw new AddressSyntaxException("empty local part in " + p);
        }
        String domain = parseDomain(rest.substring(1), routing);
        return new SmtpAddress(local, domain, quoted, Collections.unmodifiableSet(routing), p);
    }

    private static void checkDotString(String local) {
        for (int i = 0; i < local.length(); i++) {
            char c = local.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || ATEXT_SPECIALS.indexOf(c) >= 0 || c == '.' || c > 0x7f;
            if (!ok) {
                throw new AddressSyntaxException("character '" + c + "' not allowed in an unquoted local part");
            }
        }
    }

    private static String parseDomain(String d, Set<Routing> routing) {
        if (d.isEmpty()) {
            throw new AddressSyntaxException("empty domain");
        }
        if (d.startsWith("[")) {
            if (!d.endsWith("]")) {
                throw new AddressSyntaxException("unterminated address literal " + d);
            }
            String lit = d.substring(1, d.length() - 1);
            String ip = lit.regionMatches(true, 0, "IPv6:", 0, 5) ? lit.substring(5) : lit;
            if (lit.regionMatches(true, 0, "IPv6:", 0, 5) != (ip.indexOf(':') >= 0)) {
                throw new AddressSyntaxException("bad address literal " + d);
            }
            IpAddresses.parse(ip).orElseThrow(() -> new AddressSyntaxException("bad address literal " + d));
            routing.add(Routing.ADDRESS_LITERAL);
            return d.toLowerCase(Locale.ROOT);
        }
        String name = d;
        if (name.endsWith(".")) {
            routing.add(Routing.TRAILING_DOT);
            name = name.substring(0, name.length() - 1);
        }
        if (name.length() > 255) {
            throw new AddressSyntaxException("domain longer than 255 octets");
        }
        for (String label : name.split("\\.", -1)) {
            if (label.isEmpty() || label.length() > 63 || label.startsWith("-") || label.endsWith("-")) {
                throw new AddressSyntaxException("bad domain '" + d + "'");
            }
            for (int i = 0; i < label.length(); i++) {
                char c = label.charAt(i);
                boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c > 0x7f;
                if (!ok) {
                    throw new AddressSyntaxException("character '" + c + "' not allowed in domain '" + d + "'");
                }
            }
        }
        return name.toLowerCase(Locale.ROOT);
    }

    public boolean isNullSender() {
        return this == NULL;
    }

    /** The local part, unquoted, as given (case kept: RFC 5321 §2.4 leaves it to the receiving host). */
    public String localPart() {
        return localPart;
    }

    /** The domain in lower case without trailing dot; an address literal keeps its brackets; "" for {@code <>} and {@code <Postmaster>}. */
    public String domain() {
        return domain;
    }

    /** The routing tricks found; empty for an ordinary address. */
    public Set<Routing> routing() {
        return routing;
    }

    /** True when the address has no routing trick: only such an address may be ours. */
    public boolean isPlain() {
        return routing.isEmpty();
    }

    /** {@code local@domain} in lower case, the key for tables and comparisons; "" for {@code <>}. */
    public String key() {
        if (isNullSender()) {
            return "";
        }
        String l = quoted ? '"' + localPart + '"' : localPart;
        return (domain.isEmpty() ? l : l + "@" + domain).toLowerCase(Locale.ROOT);
    }

    /** The address as the client gave it, without angle brackets; "" for {@code <>}. */
    public String original() {
        return isNullSender() ? "" : original;
    }

    @Override
    public String toString() {
        return "<" + original() + ">";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SmtpAddress && original.equals(((SmtpAddress) o).original);
    }

    @Override
    public int hashCode() {
        return original.hashCode();
    }

    /** An address that is not an RFC 5321 path. */
    public static final class AddressSyntaxException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        AddressSyntaxException(String message) {
            super(message);
        }
    }

    static List<String> parentDomains(String domain) {
        List<String> out = new ArrayList<>();
        int dot = domain.indexOf('.');
        while (dot >= 0) {
            out.add(domain.substring(dot + 1));
            dot = domain.indexOf('.', dot + 1);
        }
        return out;
    }
}
