package dev.gatekeeper.policy;

import java.util.EnumMap;
import java.util.Map;

/**
 * Delayed rejection's memory (Postfix's {@code smtpd_delay_reject}): a refusal decided at connect,
 * HELO or MAIL and held for RCPT, and the stages whose rules RCPT decides again because one of
 * them waited for later data. One for the connection (connect, HELO) and one in each
 * {@link TransactionState} (MAIL), so each lasts as long as the scope it belongs to. Thread-safe.
 */
final class HeldDecisions {

    /** A refusal held for RCPT, and the stage that decided it. */
    static final class Held {
        final SmtpReply reply;
        final Stage origin;

        Held(SmtpReply reply, Stage origin) {
            this.reply = reply;
            this.origin = origin;
        }
    }

    /**
     * A connect, HELO or MAIL stage whose rule {@code from} waited for data known later: RCPT decides
     * the stage's rules from there, with the answers {@code memo} kept of the stage's own data.
     */
    static final class Pending {
        final int from;
        final StageContext.Memo memo;

        Pending(int from, StageContext.Memo memo) {
            this.from = from;
            this.memo = memo;
        }
    }

    private Held held;
    private final Map<Stage, Pending> pending = new EnumMap<>(Stage.class);

    synchronized void hold(SmtpReply reply, Stage origin) {
        held = new Held(reply, origin);
    }

    /** The refusal held; null when none. */
    synchronized Held held() {
        return held;
    }

    /** The refusal held, when {@code stage} decided it; null otherwise. */
    synchronized Held heldFrom(Stage stage) {
        return held != null && held.origin == stage ? held : null;
    }

    /** Leaves {@code stage}'s rules from {@code from} on for RCPT. */
    synchronized void leave(Stage stage, int from, StageContext.Memo memo) {
        pending.put(stage, new Pending(from, memo));
    }

    /** What {@code stage} left for RCPT; null when nothing. */
    synchronized Pending left(Stage stage) {
        return pending.get(stage);
    }

    /** {@code stage} is decided again from the start (a new HELO). */
    synchronized void forget(Stage stage) {
        pending.remove(stage);
    }
}
