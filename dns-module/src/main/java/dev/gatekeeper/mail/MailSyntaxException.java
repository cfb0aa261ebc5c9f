package dev.gatekeeper.mail;

/**
 * A mail address or domain name that breaks RFC 5321 or RFC 1035; the message says which rule,
 * in printable ASCII without echoing the input's control or 8-bit characters, so it can go into
 * a reply text or a log line as it is.
 */
public final class MailSyntaxException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    MailSyntaxException(String message) {
        super(message);
    }
}
