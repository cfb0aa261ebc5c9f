package dev.gatekeeper.policy;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/** A built-in condition of a rule. Immutable, shared by all sessions. */
interface Condition {

    CompletionStage<Match> test(Evaluation ev);

    /** For the trace: {@code sender domain=example.com}. */
    String describe();

    /** What it reads, and so the stages at which it can be decided; for a composite, the part known last. */
    Datum datum();

    /** A condition that needs no lookup. */
    static Condition sync(String description, Datum datum, Function<Evaluation, Match> test) {
        return new Condition() {
            @Override
            public CompletionStage<Match> test(Evaluation ev) {
                return CompletableFuture.completedFuture(test.apply(ev));
            }

            @Override
            public String describe() {
                return description;
            }

            @Override
            public Datum datum() {
                return datum;
            }
        };
    }

    /**
     * Whether a condition matched, with what it saw and the table entry, if any, that decided it;
     * or, at a stage before the data it needs is known (delayed rejection), that it is pending:
     * neither yes nor no until RCPT decides it again.
     */
    final class Match {
        static final Match NO = new Match(false, false, "", null);

        final boolean matched;
        /** Not known yet: the rule is decided at RCPT. Never together with {@link #matched}. */
        final boolean pending;
        final String detail;
        final TableHit hit;

        private Match(boolean matched, boolean pending, String detail, TableHit hit) {
            this.matched = matched;
            this.pending = pending;
            this.detail = detail;
            this.hit = hit;
        }

        static Match yes(String detail) {
            return new Match(true, false, detail, null);
        }

        static Match no(String detail) {
            return new Match(false, false, detail, null);
        }

        static Match of(boolean matched, String detail) {
            return new Match(matched, false, detail, null);
        }

        static Match table(String detail, TableHit hit) {
            return new Match(true, false, detail, hit);
        }

        /** Depends on data not known yet; {@code detail} says which. */
        static Match pending(String detail) {
            return new Match(false, true, detail, null);
        }
    }
}
