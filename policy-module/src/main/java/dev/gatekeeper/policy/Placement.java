package dev.gatekeeper.policy;

import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The one place that decides where a condition may stand, by the data it reads
 * ({@link Condition#datum()}): at a stage that knows that data; with delayed rejection also at
 * connect, HELO or MAIL for data that RCPT knows, since RCPT decides those stages' rules again
 * ({@link #later}). Under delayed rejection the conditions of those stages that their stage can
 * decide keep their answers for RCPT ({@link #remembered}). One per policy read.
 */
final class Placement {

    private final boolean delayReject;
    /** The stages with a condition whose data comes later. */
    private final Set<Stage> waiting = EnumSet.noneOf(Stage.class);

    Placement(boolean delayReject) {
        this.delayReject = delayReject;
    }

    /**
     * The condition as it stands at {@code stage}.
     *
     * @throws IllegalArgumentException when its data is not known there
     */
    Condition place(Condition c, Stage stage) {
        Datum d = c.datum();
        boolean early = stage.ordinal() < Stage.RCPT.ordinal();
        if (d.knownAt(stage)) {
            return delayReject && early ? remembered(c) : c;
        }
        boolean atRcpt = early && d.knownAt(Stage.RCPT);
        if (atRcpt && delayReject) {
            waiting.add(stage);
            return later(c);
        }
        throw new IllegalArgumentException("not known " + (stage.ordinal() < d.first().ordinal() ? "yet " : "")
                + "at the " + stage.keyword() + " stage (" + d.what() + " is " + d.known() + ")"
                + (atRcpt ? "; with delay-reject=\"true\" its rule would be decided again at RCPT" : ""));
    }

    /** The stages with a rule that waits for later data: their answers are kept for RCPT. */
    Set<Stage> waiting() {
        return waiting;
    }

    /**
     * A condition of connect, HELO or MAIL whose data that stage knows, under delayed rejection: the
     * answer it gave there (or, when the stage's evaluation stopped before it, the one it gives the
     * first time it is asked) is its answer whenever RCPT decides the stage's rules again. So a rule
     * that waits for nothing answers as at its stage, a table reloaded since does not change it, and
     * a rate counts its event once.
     */
    private static Condition remembered(Condition c) {
        return new Placed(c) {
            @Override
            public CompletionStage<Match> match(StageContext ev) {
                return ev.remembered(this, () -> c.match(ev));
            }
        };
    }

    /**
     * A condition of connect, HELO or MAIL whose data comes at a later stage, under delayed
     * rejection: pending at its stage, so that the rule is decided at RCPT with what is known then
     * (never taken as false for want of the data); tested as written when RCPT decides the stage's
     * rules again.
     */
    private static Condition later(Condition c) {
        Datum datum = c.datum();
        Condition.Match waiting = Condition.Match.pending(datum.what() + " is not known yet (" + datum.known() + ")");
        return new Placed(c) {
            @Override
            public CompletionStage<Match> match(StageContext ev) {
                return datum.knownAt(ev.now) ? c.match(ev) : CompletableFuture.completedFuture(waiting);
            }
        };
    }

    /** A condition as placed: it says what the condition says of itself. */
    private abstract static class Placed implements Condition {
        private final Condition c;

        Placed(Condition c) {
            this.c = c;
        }

        @Override
        public String describe() {
            return c.describe();
        }

        @Override
        public Datum datum() {
            return c.datum();
        }

        @Override
        public boolean consultsTable() {
            return c.consultsTable();
        }
    }
}
