package dev.gatekeeper.policy;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/** A built-in condition of a rule. Immutable, shared by all sessions. */
interface Condition {

    CompletionStage<Match> test(Evaluation ev);

    /** For the trace: {@code sender domain=example.com}. */
    String describe();

    /** A condition that needs no lookup. */
    static Condition sync(String description, Function<Evaluation, Match> test) {
        return new Condition() {
            @Override
            public CompletionStage<Match> test(Evaluation ev) {
                return CompletableFuture.completedFuture(test.apply(ev));
            }

            @Override
            public String describe() {
                return description;
            }
        };
    }

    /** Whether a condition matched, with what it saw and the table entry, if any, that decided it. */
    final class Match {
        static final Match NO = new Match(false, "", null);

        final boolean matched;
        final String detail;
        final TableHit hit;

        private Match(boolean matched, String detail, TableHit hit) {
            this.matched = matched;
            this.detail = detail;
            this.hit = hit;
        }

        static Match yes(String detail) {
            return new Match(true, detail, null);
        }

        static Match no(String detail) {
            return new Match(false, detail, null);
        }

        static Match of(boolean matched, String detail) {
            return new Match(matched, detail, null);
        }

        static Match table(String detail, TableHit hit) {
            return new Match(true, detail, hit);
        }
    }
}
