package dev.gatekeeper.spf;

/** A record, domain-spec or explanation string that breaks the RFC 7208 §12 grammar. Internal: it never leaves the engine. */
final class SpfSyntaxException extends Exception {

    private static final long serialVersionUID = 1L;

    SpfSyntaxException(String message) {
        super(message, null, false, false);
    }
}
