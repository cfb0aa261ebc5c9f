package dev.gatekeeper.sandbox;

import java.time.Duration;
import java.util.Objects;

/**
 * One SMTP command of a demo transaction and the reply it expects; or a retry: the client ends
 * the session, waits and connects again, as an MTA does after a 4xx (the reply is the greeting).
 */
public final class DemoStep {
    /** What the step sends. */
    public enum Kind { EHLO, HELO, AUTH_PLAIN, MAIL, RCPT, DATA, RECONNECT }

    /** The longest a demo waits before it retries: the demos are a walkthrough, not a soak test. */
    static final Duration MAX_WAIT = Duration.ofSeconds(30);

    private final Kind kind;
    private final String argument;
    private final String secret;
    private final Duration wait;
    private final Expected expected;

    private DemoStep(Kind kind, String argument, String secret, Duration wait, Expected expected) {
        this.kind = kind;
        this.argument = Objects.requireNonNull(argument, "argument");
        this.secret = secret;
        this.wait = wait;
        this.expected = Objects.requireNonNull(expected, "expected");
    }

    private DemoStep(Kind kind, String argument, String secret, Expected expected) {
        this(kind, argument, secret, Duration.ZERO, expected);
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

    /**
     * QUIT, wait, and connect again from the same address; the steps after it are the new
     * session's. A refusal before it does not end the demo: the client retries here.
     *
     * @param wait     more than zero, at most {@link #MAX_WAIT}
     * @param greeting the greeting expected on the new connection
     */
    public static DemoStep reconnectAfter(Duration wait, Expected greeting) {
        if (wait.isNegative() || wait.isZero() || wait.compareTo(MAX_WAIT) > 0) {
            throw new IllegalArgumentException("a demo waits more than 0 s and at most " + MAX_WAIT.toSeconds()
                + " s before it retries, not " + wait.toMillis() + " ms");
        }
        return new DemoStep(Kind.RECONNECT, "", null, wait, greeting);
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

    /** How long a {@link Kind#RECONNECT} waits before it connects again; zero for the others. */
    public Duration waitBefore() {
        return wait;
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
            case RECONNECT:
                throw new IllegalStateException("a reconnection opens a new session: DemoResult runs it");
            default:
                throw new IllegalStateException("unknown step " + kind);
        }
    }
}
