package dev.gatekeeper.policy;

import java.util.Objects;
import java.util.Optional;

/**
 * What an extension action decided: a closed set built by the static factories. The replies go
 * through {@link SmtpReply}'s builder, and soft-bounce and warn-only apply to them as to any other.
 */
public final class PolicyDecision {

    /** The kinds of decision. */
    public enum Kind {
        ACCEPT,
        REJECT,
        DEFER,
        DISCONNECT,
        /** No decision: the next rule is asked. */
        CONTINUE,
        /** Record a warning, then continue. */
        WARN,
        /** Record a tag, then continue. */
        TAG
    }

    private static final PolicyDecision ACCEPT = new PolicyDecision(Kind.ACCEPT, null, "");
    private static final PolicyDecision CONTINUE = new PolicyDecision(Kind.CONTINUE, null, "");

    private final Kind kind;
    private final SmtpReply reply;
    private final String text;

    private PolicyDecision(Kind kind, SmtpReply reply, String text) {
        this.kind = kind;
        this.reply = reply;
        this.text = text;
    }

    public static PolicyDecision accept() {
        return ACCEPT;
    }

    public static PolicyDecision next() {
        return CONTINUE;
    }

    /** @param reply a 5xx reply */
    public static PolicyDecision reject(SmtpReply reply) {
        if (!reply.isPermanent()) {
            throw new IllegalArgumentException("reject needs a 5xx reply, not " + reply.code());
        }
        return new PolicyDecision(Kind.REJECT, reply, "");
    }

    /** @param reply a 4xx reply */
    public static PolicyDecision defer(SmtpReply reply) {
        if (!reply.isTemporary()) {
            throw new IllegalArgumentException("defer needs a 4xx reply, not " + reply.code());
        }
        return new PolicyDecision(Kind.DEFER, reply, "");
    }

    public static PolicyDecision disconnect(SmtpReply reply) {
        return new PolicyDecision(Kind.DISCONNECT, Objects.requireNonNull(reply, "reply"), "");
    }

    public static PolicyDecision warn(String text) {
        return new PolicyDecision(Kind.WARN, null, Objects.requireNonNull(text, "text"));
    }

    public static PolicyDecision tag(String label) {
        return new PolicyDecision(Kind.TAG, null, Objects.requireNonNull(label, "label"));
    }

    public Kind kind() {
        return kind;
    }

    public Optional<SmtpReply> reply() {
        return Optional.ofNullable(reply);
    }

    /** The warning text or the tag label; "" otherwise. */
    public String text() {
        return text;
    }
}
