package dev.gatekeeper.policy;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * A condition of a rule as the engine evaluates it. Built-in conditions are
 * {@link PolicyCondition}s made by their {@link ConditionType}, as an extension's are made by its
 * {@link PolicyConditionFactory}; they answer more than yes or no: what they saw, the table entry
 * that decided, or that their data is not known yet. An extension's condition takes part through
 * {@link #of(PolicyCondition)}. Immutable, shared by all sessions.
 */
interface Condition extends PolicyCondition {

    CompletionStage<Match> match(StageContext ev);

    /** For the trace: {@code sender domain=example.com}. */
    @Override
    String describe();

    /** What it reads, and so the stages at which it can be decided; for a combination, the part known last. */
    Datum datum();

    /** Whether it looks something up in a table, whose entry may then give the rule's action. */
    default boolean consultsTable() {
        return false;
    }

    @Override
    default Stage knownFrom() {
        return datum().first();
    }

    /** As an extension sees it; the engine, the only caller, always hands an {@link StageContext}. */
    @Override
    default CompletionStage<Boolean> test(PolicyContext context) {
        return match((StageContext) context).thenApply(m -> m.matched);
    }

    /** Matches always: a rule without conditions. */
    Condition ALWAYS = sync("always", Datum.CLIENT, ev -> Match.yes("always"));

    /** A condition that needs no lookup. */
    static Condition sync(String description, Datum datum, Function<StageContext, Match> test) {
        return sync(description, datum, false, test);
    }

    /** A lookup in a table ({@link Match#inTable}). */
    static Condition tableLookup(String description, Datum datum, Function<StageContext, Match> test) {
        return sync(description, datum, true, test);
    }

    private static Condition sync(String description, Datum datum, boolean table, Function<StageContext, Match> test) {
        return new Base(description, datum, table) {
            @Override
            public CompletionStage<Match> match(StageContext ev) {
                return CompletableFuture.completedFuture(test.apply(ev));
            }
        };
    }

    /** An extension's condition: true or false, read from the stage its {@link PolicyCondition#knownFrom()} names on. */
    static Condition of(PolicyCondition c) {
        return new Base(c.describe(), Datum.extension(c.describe(), c.knownFrom()), false) {
            @Override
            public CompletionStage<Match> match(StageContext ev) {
                return c.test(ev).thenApply(b -> Match.of(Boolean.TRUE.equals(b), c.describe()));
            }
        };
    }

    /** A condition that says of itself what it was made with. */
    abstract class Base implements Condition {
        private final String description;
        private final Datum datum;
        private final boolean table;

        Base(String description, Datum datum, boolean table) {
            this.description = description;
            this.datum = datum;
            this.table = table;
        }

        @Override
        public String describe() {
            return description;
        }

        @Override
        public Datum datum() {
            return datum;
        }

        @Override
        public boolean consultsTable() {
            return table;
        }
    }

    /**
     * Whether a condition matched, with what it saw and the table entry, if any, that decided it;
     * or, at a stage before the data it needs is known (delayed rejection), that it is pending:
     * neither yes nor no until RCPT decides it again.
     */
    final class Match {
        static final Match NO = new Match(false, false, "", null, false);

        final boolean matched;
        /** Not known yet: the rule is decided at RCPT. Never together with {@link #matched}. */
        final boolean pending;
        /**
         * What the condition saw: a String, or a {@code Supplier<String>} put into words only when
         * the trace is read. Every rule of every stage makes one; most traces are never read.
         */
        private final Object detail;
        final TableHit hit;
        /** Not matched, and the trace says what was seen (a score that was not high enough). */
        final boolean tracedWhenNot;

        private Match(boolean matched, boolean pending, Object detail, TableHit hit, boolean tracedWhenNot) {
            this.matched = matched;
            this.pending = pending;
            this.detail = detail;
            this.hit = hit;
            this.tracedWhenNot = tracedWhenNot;
        }

        /** What the condition saw, for the trace. A lazy detail reads only values captured when it was made. */
        @SuppressWarnings("unchecked")
        String detail() {
            return detail instanceof String ? (String) detail : ((Supplier<String>) detail).get();
        }

        static Match yes(String detail) {
            return new Match(true, false, detail, null, false);
        }

        /** As {@link #yes(String)}, the detail put into words when the trace is read. */
        static Match yes(Supplier<String> detail) {
            return new Match(true, false, detail, null, false);
        }

        static Match no(String detail) {
            return new Match(false, false, detail, null, false);
        }

        static Match of(boolean matched, String detail) {
            return new Match(matched, false, detail, null, false);
        }

        /** As {@link #of(boolean, String)}, the detail put into words when the trace is read. */
        static Match of(boolean matched, Supplier<String> detail) {
            return new Match(matched, false, detail, null, false);
        }

        /**
         * As {@link #of}, but a miss shows {@code detail} in the trace too: for the reputation
         * conditions, whose "why not" (the score, the greylist's answer) is what an administrator
         * tuning a threshold reads.
         */
        static Match ofTraced(boolean matched, String detail) {
            return new Match(matched, false, detail, null, !matched);
        }

        /** As {@link #ofTraced(boolean, String)}, the detail put into words when the trace is read. */
        static Match ofTraced(boolean matched, Supplier<String> detail) {
            return new Match(matched, false, detail, null, !matched);
        }

        /** A table's answer for {@code what}; an entry whose action is DUNNO counts as not found, as in Postfix. */
        static Match inTable(String what, AccessTable table, Optional<TableHit> hit) {
            if (hit.isEmpty() || !hit.get().counts()) {
                return NO;
            }
            return table(what + " in table " + table.name() + " at " + hit.get(), hit.get());
        }

        /** As {@link #inTable(String, AccessTable, Optional)}, {@code what} put into words when the trace is read. */
        static Match inTable(Supplier<String> what, AccessTable table, Optional<TableHit> hit) {
            if (hit.isEmpty() || !hit.get().counts()) {
                return NO;
            }
            TableHit h = hit.get();
            return table(() -> what.get() + " in table " + table.name() + " at " + h, h);
        }

        static Match table(String detail, TableHit hit) {
            return new Match(true, false, detail, hit, false);
        }

        /** As {@link #table(String, TableHit)}, the detail put into words when the trace is read. */
        static Match table(Supplier<String> detail, TableHit hit) {
            return new Match(true, false, detail, hit, false);
        }

        /** Depends on data not known yet; {@code detail} says which. */
        static Match pending(String detail) {
            return new Match(false, true, detail, null, false);
        }

        /** As {@link #pending(String)}, the detail put into words when the trace is read. */
        static Match pending(Supplier<String> detail) {
            return new Match(false, true, detail, null, false);
        }
    }
}
