package dev.gatekeeper.policy;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.StringJoiner;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * {@code <all-of>}, {@code <any-of>} and {@code <not>}: conditions of conditions, each part placed
 * at the stage by itself. A part that is pending (its data comes later) makes the whole pending
 * unless the whole is already decided without it.
 */
final class CombinedCondition {

    static final ConditionType ALL_OF = combining("all-of", CombinedCondition::allOf);
    static final ConditionType ANY_OF = combining("any-of", CombinedCondition::anyOf);
    /** Of several parts, negates their all-of. */
    static final ConditionType NOT = combining("not", parts -> not(allOf(parts)));

    private CombinedCondition() {
    }

    private static ConditionType combining(String name, Function<List<Condition>, Condition> combine) {
        return ConditionType.holding(ConditionType.Content.CONDITIONS, name, Set.of(), config -> {
            List<Condition> parts = config.conditions();
            if (parts.isEmpty()) {
                throw config.problem("<" + name + "> needs at least one condition");
            }
            return combine.apply(parts);
        });
    }

    /**
     * All parts hold. A part that is pending makes the whole pending, unless another part is
     * false: then the whole is false at once, whatever the pending part will say.
     */
    static Condition allOf(List<Condition> parts) {
        if (parts.size() == 1) {
            return parts.get(0);
        }
        return new Combination("all-of", parts) {
            @Override
            public CompletionStage<Match> match(StageContext ev) {
                return step(ev, 0, new ArrayList<>(), null, false);
            }

            /**
             * Parts whose answer is already there (my-networks, authenticated, a cached answer) are
             * taken in this loop, without a future per part; the first that is still to come
             * continues the walk when it completes. Same order, same short-circuit.
             */
            private CompletionStage<Match> step(StageContext ev, int i, List<Match> matched, TableHit hit, boolean pending) {
                for (; i < parts.size(); i++) {
                    CompletableFuture<Match> f = partMatch(parts.get(i), ev, i > 0);
                    if (!isAnswered(f)) {
                        int next = i + 1;
                        TableHit hitSoFar = hit;
                        boolean pendingSoFar = pending;
                        return f.thenCompose(m -> {
                            if (!m.matched && !m.pending) {
                                return CompletableFuture.completedFuture(Match.NO);
                            }
                            matched.add(m);
                            return step(ev, next, matched, hitSoFar != null ? hitSoFar : m.hit, pendingSoFar || m.pending);
                        });
                    }
                    Match m = f.join();
                    if (!m.matched && !m.pending) {
                        return CompletableFuture.completedFuture(Match.NO);
                    }
                    matched.add(m);
                    hit = hit != null ? hit : m.hit;
                    pending = pending || m.pending;
                }
                Supplier<String> detail = () -> details(matched, " and ");
                return CompletableFuture.completedFuture(pending ? Match.pending(detail)
                        : hit != null ? Match.table(detail, hit) : Match.yes(detail));
            }
        };
    }

    /** One part holds. Pending when no part holds and one of them is pending. */
    static Condition anyOf(List<Condition> parts) {
        return new Combination("any-of", parts) {
            @Override
            public CompletionStage<Match> match(StageContext ev) {
                return step(ev, 0, new ArrayList<>());
            }

            /** As all-of's walk: parts already answered are taken in the loop. */
            private CompletionStage<Match> step(StageContext ev, int i, List<Match> waiting) {
                for (; i < parts.size(); i++) {
                    CompletableFuture<Match> f = partMatch(parts.get(i), ev, i > 0);
                    if (!isAnswered(f)) {
                        int next = i + 1;
                        return f.thenCompose(m -> {
                            if (m.matched) {
                                return CompletableFuture.completedFuture(m);
                            }
                            if (m.pending) {
                                waiting.add(m);
                            }
                            return step(ev, next, waiting);
                        });
                    }
                    Match m = f.join();
                    if (m.matched) {
                        return f;
                    }
                    if (m.pending) {
                        waiting.add(m);
                    }
                }
                return CompletableFuture.completedFuture(waiting.isEmpty() ? Match.NO
                        : Match.pending(() -> details(waiting, " or ")));
            }
        };
    }

    /** The inner condition does not hold; pending while it is. */
    static Condition not(Condition inner) {
        return new Combination("not", List.of(inner)) {
            @Override
            public CompletionStage<Match> match(StageContext ev) {
                return inner.match(ev).thenApply(m -> m.pending ? m : Match.of(!m.matched, describe()));
            }

            @Override
            public Datum datum() {
                return inner.datum();
            }
        };
    }

    /**
     * A part's answer. A later part that throws is a failed answer, as it was when each part was
     * asked from the previous part's continuation; the first part's exception goes to the caller.
     */
    private static CompletableFuture<Condition.Match> partMatch(Condition part, StageContext ev, boolean later) {
        if (!later) {
            return part.match(ev).toCompletableFuture();
        }
        try {
            return part.match(ev).toCompletableFuture();
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(new CompletionException(e));
        }
    }

    /** Completed with a match (not failed, not to come): the walk can take it at once. */
    private static boolean isAnswered(CompletableFuture<Condition.Match> f) {
        return f.isDone() && !f.isCompletedExceptionally();
    }

    /** The parts' details joined, for the trace (the list is complete once the combination has answered). */
    private static String details(List<Condition.Match> parts, String joiner) {
        StringJoiner text = new StringJoiner(joiner);
        for (Condition.Match m : parts) {
            text.add(m.detail());
        }
        return text.toString();
    }

    /** A combination: its parts' descriptions, the datum known last, and whether a part consults a table. */
    private abstract static class Combination extends Condition.Base {
        Combination(String name, List<Condition> parts) {
            super(name + "(" + parts.stream().map(Condition::describe).collect(Collectors.joining(", ")) + ")",
                    Datum.latest(parts.stream().map(Condition::datum).collect(Collectors.toList())),
                    parts.stream().anyMatch(Condition::consultsTable));
        }
    }
}
