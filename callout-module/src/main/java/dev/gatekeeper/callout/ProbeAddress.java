package dev.gatekeeper.callout;

import dev.gatekeeper.mail.DomainName;
import dev.gatekeeper.mail.MailSyntaxException;
import dev.gatekeeper.mail.Mailbox;
import java.net.Inet6Address;

/**
 * Which mailboxes a probe may write to a peer inside {@code RCPT TO:<...>}: a {@link Mailbox} that
 * is printable ASCII (the probe never offers SMTPUTF8), an RFC 5321 §4.1.2 Dot-string or quoted
 * local part, a domain of at least two labels or an address literal, no source route and no
 * trailing dot. What the SMTP client wrote may be laxer; what we send to others is not.
 */
final class ProbeAddress {

    private ProbeAddress() {
    }

    /** Thrown with a reason fit for an outcome text (no control characters, no input echoed raw). */
    static final class InvalidAddressException extends Exception {
        private static final long serialVersionUID = 1L;

        InvalidAddressException(String reason) {
            super(reason);
        }
    }

    /**
     * Parses an address, with or without angle brackets, and checks it may be probed.
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
        if (!input.equals(input.strip())) {
            throw new InvalidAddressException("space around the address");
        }
        Mailbox m;
        try {
            m = Mailbox.parse(input);
        } catch (MailSyntaxException e) {
            throw new InvalidAddressException(e.getMessage());
        }
        if (m.isNullPath()) {
            throw new InvalidAddressException("empty address");
        }
        if (m.isBarePostmaster()) {
            throw new InvalidAddressException("missing '@domain' after the local part");
        }
        if (m.routing().contains(Mailbox.Routing.SOURCE_ROUTE)) {
            throw new InvalidAddressException("source route");
        }
        if (m.routing().contains(Mailbox.Routing.TRAILING_DOT)) {
            throw new InvalidAddressException("domain ends in a dot");
        }
        if (m.literal().map(a -> !(a instanceof Inet6Address) && m.domain().startsWith("[IPv6:")).orElse(false)) {
            // ::ffff:a.b.c.d would reach an IPv4 host past checks written for [a.b.c.d].
            throw new InvalidAddressException("IPv4-mapped IPv6 address literal");
        }
        if (!m.isStrictAscii()) {
            throw new InvalidAddressException("empty atom in local part (leading, trailing or double dot)");
        }
        if (m.domainName().map(d -> d.labelCount() < 2).orElse(false)) {
            // A single label cannot be a public mail domain; probing it would go to a local search domain.
            throw new InvalidAddressException("domain has a single label");
        }
        return m;
    }

    /** A host name of at least two labels (the {@code heloName} setting). */
    static void checkDomain(String domain) throws InvalidAddressException {
        DomainName name;
        try {
            name = DomainName.parse(domain);
        } catch (MailSyntaxException e) {
            throw new InvalidAddressException(e.getMessage());
        }
        if (name.hadTrailingDot()) {
            throw new InvalidAddressException("domain ends in a dot");
        }
        if (name.labelCount() < 2) {
            throw new InvalidAddressException("domain has a single label");
        }
    }
}
