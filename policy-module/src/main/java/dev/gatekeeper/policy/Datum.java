package dev.gatekeeper.policy;

import java.util.Collection;
import java.util.Objects;

/**
 * What a condition reads, and so the stages at which it can be decided: from the first stage at
 * which that data is known to the last one that still has it (a recipient is known only while
 * its RCPT is decided). Each condition declares its datum where it is defined, by its type in the
 * {@link Vocabulary} (an extension by its {@link PolicyCondition#knownFrom()}); {@link Placement}
 * places every condition of a rule by it, in one place. Immutable.
 */
final class Datum {

    /** Address, verified reverse name and James's relay fact: given when the session opens. */
    static final Datum CLIENT = new Datum("the client's address and name", Stage.CONNECT, Stage.DATA);
    static final Datum HELO = new Datum("the HELO name", Stage.HELO, Stage.DATA);
    /**
     * SMTP AUTH comes after EHLO and outside a transaction (RFC 4954 §4); the adapter tells the
     * session before MAIL ({@link PolicySession#authenticated(String)}), so MAIL is the first
     * stage that knows it.
     */
    static final Datum AUTH = new Datum("the SMTP AUTH user", Stage.MAIL, Stage.DATA);
    static final Datum SENDER = new Datum("the sender", Stage.MAIL, Stage.DATA);
    /** One RCPT's address: the end of DATA has several and decides none of them. */
    static final Datum RECIPIENT = new Datum("the recipient", Stage.RCPT, Stage.RCPT);
    /** The message itself (its header fields, signatures, From): known once DATA has ended. */
    static final Datum MESSAGE = new Datum("the message", Stage.DATA, Stage.DATA);
    static final Datum RECIPIENT_COUNT = new Datum("the recipient count", Stage.RCPT, Stage.DATA);

    private final String what;
    private final Stage first;
    private final Stage last;

    private Datum(String what, Stage first, Stage last) {
        this.what = what;
        this.first = first;
        this.last = last;
    }

    /**
     * What a DNS list is asked about: the client's address and verified name from connect, the
     * HELO name from HELO, the sender's domain from MAIL. A score (or a list) over several subjects
     * is known once its last subject is.
     */
    static Datum of(dev.gatekeeper.reputation.DnsList.Subject subject) {
        switch (subject) {
            case HELO:
                return HELO;
            case SENDER_DOMAIN:
                return SENDER;
            default:
                return CLIENT;
        }
    }

    /** What an extension condition reads, known from the stage its factory declared on. */
    static Datum extension(String description, Stage first) {
        return new Datum("what " + description + " reads", Objects.requireNonNull(first, "knownFrom()"), Stage.DATA);
    }

    /** Of several data (the parts of one element), the one known last: it decides where they all can stand. */
    static Datum latest(Collection<Datum> data) {
        Datum latest = CLIENT;
        for (Datum d : data) {
            if (d.first.ordinal() > latest.first.ordinal()
                    || d.first == latest.first && d.last.ordinal() < latest.last.ordinal()) {
                latest = d;
            }
        }
        return latest;
    }

    boolean knownAt(Stage stage) {
        return stage.ordinal() >= first.ordinal() && stage.ordinal() <= last.ordinal();
    }

    /** {@code the SMTP AUTH user}. */
    String what() {
        return what;
    }

    Stage first() {
        return first;
    }

    /** {@code known from mail on}, {@code known at rcpt only}. */
    String known() {
        return first == last ? "known at " + first.keyword() + " only" : "known from " + first.keyword() + " on";
    }


    @Override
    public String toString() {
        return what + " is " + known();
    }
}
