package dev.gatekeeper.dkim;

/** A DKIM-Signature field or a key record that does not follow its RFC 6376 grammar. */
final class DkimSyntaxException extends Exception {

    private static final long serialVersionUID = 1L;

    DkimSyntaxException(String message) {
        super(message);
    }
}
