package dev.gatekeeper.sandbox;

import java.util.Objects;

/** One SMTP command of a demo transaction and the reply it expects. */
public final class DemoStep {
    /** What the step sends. */
    public enum Kind { EHLO, HELO, AUTH_PLAIN, MAIL, RCPT, DATA }

    private final Kind kind;
    private final String argument;
    private final String secret;
    private final Expected expected;

    private DemoStep(Kind kind, String argument, String secret, Expected expected) {
        this.kind = kind;
        this.argument = Objects.requireNonNull(argument, "argument");
        this.secret = secret;
        this.expected = Objects.requireNonNull(expected, "expected");
    }

    public static DemoStep ehlo(String name, Expected expected) {
        return new DemoStep(Kind.EHLO, name, null, expected);
    }

    public static DemoStep helo(String name, Expected expected) {
        return new DemoStep(Kind.HELO, name, null, expected);
    }

    public static DemoStep authPlain(String user, String password, Expected expected) {
        return new DemoStep(Kind.AUTH_PLAIN, user, password, expected);
    }

    /** MAIL FROM; an empty sender is the null reverse-path. */
    public static DemoStep mail(String sender, Expected expected) {
        return new DemoStep(Kind.MAIL, sender, null, expected);
    }

    public static DemoStep rcpt(String recipient, Expected expected) {
        return new DemoStep(Kind.RCPT, recipient, null, expected);
    }

    /** DATA and the message; the reply expected is the one after the final dot. */
    public static DemoStep data(String message, Expected expected) {
        return new DemoStep(Kind.DATA, message, null, expected);
    }

    public Kind kind() {
        return kind;
    }

    /** The HELO name, user, address or message. */
    public String argument() {
        return argument;
    }

    /** The password of an AUTH step. */
    String secret() {
        return secret;
    }

    public Expected expected() {
        return expected;
    }

    /** Sends the step and returns the reply. */
    ServerReply send(SmtpClient smtp) {
        switch (kind) {
            case EHLO:
                return smtp.ehlo(argument);
            case HELO:
                return smtp.helo(argument);
            case AUTH_PLAIN:
                return smtp.authPlain(argument, secret);
            case MAIL:
                return smtp.mailFrom(argument);
            case RCPT:
                return smtp.rcptTo(argument);
            case DATA:
                return smtp.data(argument);
            default:
                throw new IllegalStateException("unknown step " + kind);
        }
    }
}
