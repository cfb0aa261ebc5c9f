package dev.gatekeeper.mail;

import dev.gatekeeper.dns.IpAddresses;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * An RFC 5321 reverse-path or forward-path as given to MAIL FROM or RCPT TO, parsed once: the null
 * path {@code <>}, the bare {@code <Postmaster>} of RFC 5321 §4.5.1, or a local part and a domain
 * (a {@link DomainName} or an address literal), with the routing tricks the address carries.
 * Immutable; equal when written alike.
 *
 * <p>The parser is as lenient as a receiving MTA should be about what real senders write (dots
 * anywhere in an unquoted local part, UTF-8 as SMTPUTF8 allows) and strict about what could break
 * a protocol line or hide a route: control characters, unbalanced brackets and quotes, lengths.
 * Whoever writes a mailbox into a command to another server asks {@link #isStrictAscii()} first.
 *
 * <p>An address with any {@link Routing} hint is never taken for one of our own or our relay
 * domains' addresses: those forms are how an open relay is found ({@code u%other@ours},
 * {@code other!u@ours}, {@code @ours:u@other}, {@code "u@other"@ours}), and some delivery agent
 * downstream may still honour them.
 */
public final class Mailbox {

    /** RFC 5321 §4.5.3.1.1. */
    public static final int MAX_LOCAL_PART = 64;
    /** RFC 5321 §4.5.3.1.3: the path, angle brackets included. */
    public static final int MAX_PATH = 256;

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
    private static final Mailbox NULL = new Mailbox("", "", false, "", null, null, Collections.emptySet(), "");

    private final String localPart;
    private final String writtenLocalPart;
    private final boolean quoted;
    private final String domain;
    private final DomainName domainName;
    private final InetAddress literal;
    private final Set<Routing> routing;
    private final String original;
    /**
     * {@link #address()} and {@link #key()}, made on the first call: a transaction asks them of
     * the same sender and recipient at several stages. A race makes them twice, equal.
     */
    private String address;
    private String key;

    private Mailbox(String localPart, String writtenLocalPart, boolean quoted, String domain, DomainName domainName,
            InetAddress literal, Set<Routing> routing, String original) {
        this.localPart = localPart;
        this.writtenLocalPart = writtenLocalPart;
        this.quoted = quoted;
        this.domain = domain;
        this.domainName = domainName;
        this.literal = literal;
        this.routing = routing;
        this.original = original;
    }

    /** The null reverse-path {@code <>}. */
    public static Mailbox nullPath() {
        return NULL;
    }

    /**
     * Parses a path with or without angle brackets: {@code <user@example.org>}, {@code user@example.org},
     * {@code <>} (or "") for the null path, {@code <@a,@b:user@c>}, {@code <"a b"@c>},
     * {@code <user@[192.0.2.1]>}, {@code <user@[IPv6:2001:db8::1]>}, {@code <Postmaster>}.
     *
     * @throws MailSyntaxException naming the rule broken
     */
    public static Mailbox parse(String path) {
        Objects.requireNonNull(path, "path");
        String p = path.strip();
        for (int i = 0; i < p.length(); i++) {
            char c = p.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                throw new MailSyntaxException("control character in address");
            }
        }
        if (p.startsWith("<")) {
            if (!p.endsWith(">")) {
                throw new MailSyntaxException("unbalanced '<' in address");
            }
            p = p.substring(1, p.length() - 1).strip();
        }
        if (p.isEmpty()) {
            return NULL;
        }
        if (octets(p) + 2 > MAX_PATH) {
            throw new MailSyntaxException("path longer than " + MAX_PATH + " octets");
        }
        EnumSet<Routing> routing = EnumSet.noneOf(Routing.class);
        if (p.startsWith("@")) {
            p = stripSourceRoute(p);
            routing.add(Routing.SOURCE_ROUTE);
        }
        // RFC 5321 §4.1.1.3: a receiver ignores the source route; what is kept is the mailbox.
        String original = p;
        String local;
        String written;
        String rest;
        boolean quoted = p.startsWith("\"");
        if (quoted) {
            int end = quotedEnd(p);
            written = p.substring(0, end);
            local = unquote(written);
            rest = p.substring(end);
            if (local.indexOf('@') >= 0 || local.indexOf('%') >= 0 || local.indexOf('!') >= 0) {
                routing.add(Routing.QUOTED_ROUTING);
            }
        } else {
            int at = p.indexOf('@');
            local = at < 0 ? p : p.substring(0, at);
            written = local;
            rest = at < 0 ? "" : p.substring(at);
            checkDotString(local);
            if (local.indexOf('%') >= 0) {
                routing.add(Routing.PERCENT_HACK);
            }
            if (local.indexOf('!') >= 0) {
                routing.add(Routing.BANG_PATH);
            }
        }
        if (octets(written) > MAX_LOCAL_PART) {
            throw new MailSyntaxException("local part longer than " + MAX_LOCAL_PART + " octets");
        }
        if (rest.isEmpty()) {
            // RFC 5321 §4.5.1: RCPT TO:<Postmaster> without a domain must be accepted.
            if (!quoted && local.equalsIgnoreCase("postmaster") && routing.isEmpty()) {
                return new Mailbox("postmaster", "postmaster", false, "", null, null, Collections.emptySet(), original);
            }
            throw new MailSyntaxException("missing '@domain' after the local part");
        }
        if (rest.charAt(0) != '@') {
            throw new MailSyntaxException("expected '@' after the local part");
        }
        if (local.isEmpty()) {
            throw new MailSyntaxException("empty local part");
        }
        String d = rest.substring(1);
        if (d.startsWith("[")) {
            InetAddress address = parseLiteral(d);
            routing.add(Routing.ADDRESS_LITERAL);
            String canonical = address instanceof Inet6Address
                    ? "[IPv6:" + d.substring(6, d.length() - 1).toLowerCase(Locale.ROOT) + "]" : d;
            return new Mailbox(local, written, quoted, canonical, null, address,
                    Collections.unmodifiableSet(routing), original);
        }
        DomainName name = DomainName.parse(d);
        // A U-label domain grows when it becomes A-labels; the path must still fit as sent on.
        if (octets(written) + 1 + name.ascii().length() + 2 > MAX_PATH) {
            throw new MailSyntaxException("path longer than " + MAX_PATH + " octets with the domain in A-labels");
        }
        if (name.hadTrailingDot()) {
            routing.add(Routing.TRAILING_DOT);
        }
        return new Mailbox(local, written, quoted, name.ascii(), name, null, Collections.unmodifiableSet(routing), original);
    }

    private static int octets(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }

    /** {@code @a,@b:rest} gives {@code rest}, each hop checked as a domain. */
    private static String stripSourceRoute(String p) {
        int colon = p.indexOf(':');
        if (colon < 0) {
            throw new MailSyntaxException("source route without ':'");
        }
        for (String hop : p.substring(0, colon).split(",", -1)) {
            String h = hop.strip();
            if (h.length() < 2 || h.charAt(0) != '@') {
                throw new MailSyntaxException("bad source route hop");
            }
            DomainName.parse(h.substring(1));
        }
        return p.substring(colon + 1).strip();
    }

    /** Index just past the closing quote of a quoted-string local part. */
    private static int quotedEnd(String p) {
        for (int i = 1; i < p.length(); i++) {
            char c = p.charAt(i);
            if (c == '\\') {
                i++; // quoted-pairSMTP
            } else if (c == '"') {
                return i + 1;
            }
        }
        throw new MailSyntaxException("unterminated quoted local part");
    }

    private static String unquote(String written) {
        StringBuilder sb = new StringBuilder(written.length());
        for (int i = 1; i < written.length() - 1; i++) {
            char c = written.charAt(i);
            if (c == '\\') {
                c = written.charAt(++i);
            }
            sb.append(c);
        }
        return sb.toString();
    }

    private static void checkDotString(String local) {
        for (int i = 0; i < local.length(); i++) {
            char c = local.charAt(i);
            if (!isAtext(c) && c != '.' && c <= 0x7f) {
                throw new MailSyntaxException("character " + DomainName.shown(c) + " not allowed in an unquoted local part");
            }
        }
    }

    /** RFC 5322 §3.2.3 atext. */
    private static boolean isAtext(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || ATEXT_SPECIALS.indexOf(c) >= 0;
    }

    /** RFC 5321 §4.1.3 address literals: {@code [IPv4]} and {@code [IPv6:...]}; general literals are refused. */
    private static InetAddress parseLiteral(String d) {
        if (!d.endsWith("]") || d.length() < 3) {
            throw new MailSyntaxException("unterminated address literal");
        }
        String inner = d.substring(1, d.length() - 1);
        boolean v6 = inner.regionMatches(true, 0, "IPv6:", 0, 5);
        String ip = v6 ? inner.substring(5) : inner;
        if (v6 != (ip.indexOf(':') >= 0)) {
            throw new MailSyntaxException("malformed address literal");
        }
        return IpAddresses.parse(ip).orElseThrow(() -> new MailSyntaxException("malformed address literal"));
    }

    public boolean isNullPath() {
        return this == NULL;
    }

    /** The bare {@code <Postmaster>} of RFC 5321 §4.5.1, which has no domain. */
    public boolean isBarePostmaster() {
        return !isNullPath() && domain.isEmpty();
    }

    /** The local part, unquoted (case kept: RFC 5321 §2.4 leaves it to the receiving host). */
    public String localPart() {
        return localPart;
    }

    /** The domain: {@link DomainName#ascii()}, or an address literal with its brackets; "" for {@code <>} and {@code <Postmaster>}. */
    public String domain() {
        return domain;
    }

    /** The domain name; empty for an address literal, {@code <>} and {@code <Postmaster>}. */
    public Optional<DomainName> domainName() {
        return Optional.ofNullable(domainName);
    }

    /** The address of an address-literal domain ({@code user@[192.0.2.1]}); empty otherwise. */
    public Optional<InetAddress> literal() {
        return Optional.ofNullable(literal);
    }

    /** The routing tricks found; empty for an ordinary address. */
    public Set<Routing> routing() {
        return routing;
    }

    /** True when the address has no routing trick: only such an address may be ours. */
    public boolean isPlain() {
        return routing.isEmpty();
    }

    /**
     * True when this mailbox may be written into a command to another server as it is: printable
     * ASCII, a domain (or literal), an unquoted local part of dot-separated atoms (RFC 5321
     * §4.1.2 Dot-string) or a quoted one, no source route.
     */
    public boolean isStrictAscii() {
        if (isNullPath() || domain.isEmpty() || routing.contains(Routing.SOURCE_ROUTE)) {
            return false;
        }
        for (int i = 0; i < original.length(); i++) {
            char c = original.charAt(i);
            if (c > 0x7e) {
                return false;
            }
        }
        return quoted || (!localPart.startsWith(".") && !localPart.endsWith(".") && !localPart.contains(".."));
    }

    /** {@code local@domain} as a peer is sent it: the local part as written (quoted if it was), the canonical domain. */
    public String address() {
        String a = address;
        if (a == null) {
            a = isNullPath() ? "" : domain.isEmpty() ? writtenLocalPart : writtenLocalPart + "@" + domain;
            address = a;
        }
        return a;
    }

    /** {@link #address()} in lower case: the key for tables, caches and comparisons; "" for {@code <>}. */
    public String key() {
        String k = key;
        if (k == null) {
            k = address().toLowerCase(Locale.ROOT);
            key = k;
        }
        return k;
    }

    /** Another mailbox at the same domain; {@code dotString} must be a plain dot-string. */
    public Mailbox withLocalPart(String dotString) {
        checkDotString(dotString);
        String d = domain.isEmpty() ? "" : "@" + domain;
        return new Mailbox(dotString, dotString, false, domain, domainName, literal, routing, dotString + d);
    }

    /** The address as the client gave it, without angle brackets; "" for {@code <>}. */
    public String original() {
        return original;
    }

    @Override
    public String toString() {
        return "<" + original + ">";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Mailbox && original.equals(((Mailbox) o).original);
    }

    @Override
    public int hashCode() {
        return original.hashCode();
    }
}
