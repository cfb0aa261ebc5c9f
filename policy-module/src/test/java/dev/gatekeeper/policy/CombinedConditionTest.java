package dev.gatekeeper.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * all-of, any-of and not over parts answered at once and parts whose answer comes later: the walk
 * takes answered parts without a continuation, and must keep the order in which parts are asked,
 * the short-circuit, the pending rules, the details and a later part's failure.
 */
class CombinedConditionTest {

    private final List<String> asked = new ArrayList<>();

    private Condition part(String name, Supplier<CompletableFuture<Condition.Match>> answer) {
        return new Condition.Base(name, Datum.CLIENT, false) {
            @Override
            public CompletionStage<Match> match(StageContext ev) {
                asked.add(name);
                return answer.get();
            }
        };
    }

    private Condition now(String name, Condition.Match m) {
        return part(name, () -> CompletableFuture.completedFuture(m));
    }

    private static Condition.Match join(Condition c) {
        return c.match(null).toCompletableFuture().join();
    }

    @Test
    void allOfStopsAtTheFirstFalsePartAnsweredAtOnce() {
        Condition c = CombinedCondition.allOf(List.of(now("a", Condition.Match.yes("a")), now("b", Condition.Match.NO),
                now("c", Condition.Match.yes("c"))));
        assertThat(join(c).matched).isFalse();
        assertThat(asked).containsExactly("a", "b");
    }

    @Test
    void allOfJoinsDetailsAndGoesOnWhenALaterAnswerComes() {
        CompletableFuture<Condition.Match> later = new CompletableFuture<>();
        Condition c = CombinedCondition.allOf(List.of(now("a", Condition.Match.yes("a")), part("b", () -> later),
                now("c", Condition.Match.pending("c"))));
        CompletableFuture<Condition.Match> whole = c.match(null).toCompletableFuture();
        assertThat(whole).isNotDone();
        assertThat(asked).containsExactly("a", "b");
        later.complete(Condition.Match.yes("b"));
        Condition.Match m = whole.join();
        assertThat(asked).containsExactly("a", "b", "c");
        assertThat(m.matched).isFalse();
        assertThat(m.pending).isTrue();
        assertThat(m.detail()).isEqualTo("a and b and c");
    }

    @Test
    void anyOfTakesTheFirstMatchAndIsPendingOnlyWhenNoneHolds() {
        Condition.Match b = Condition.Match.yes("b");
        Condition c = CombinedCondition.anyOf(List.of(now("a", Condition.Match.NO), now("b", b), now("c", Condition.Match.yes("c"))));
        assertThat(join(c)).isSameAs(b);
        assertThat(asked).containsExactly("a", "b");
        asked.clear();
        Condition p = CombinedCondition.anyOf(List.of(now("a", Condition.Match.pending("a")), now("b", Condition.Match.NO),
                now("c", Condition.Match.pending("c"))));
        Condition.Match m = join(p);
        assertThat(m.pending).isTrue();
        assertThat(m.detail()).isEqualTo("a or c");
        assertThat(asked).containsExactly("a", "b", "c");
    }

    @Test
    void notOfAnyOfAnsweredAtOnce() {
        Condition c = CombinedCondition.not(CombinedCondition.anyOf(List.of(now("my-networks", Condition.Match.NO),
                now("authenticated", Condition.Match.NO))));
        assertThat(join(c).matched).isTrue();
        asked.clear();
        Condition d = CombinedCondition.not(CombinedCondition.anyOf(List.of(now("my-networks", Condition.Match.NO),
                now("authenticated", Condition.Match.yes("user")))));
        assertThat(join(d).matched).isFalse();
    }

    @Test
    void laterPartThatThrowsFailsTheWholeAndAFailedPartIsPassedOn() {
        IllegalStateException boom = new IllegalStateException("boom");
        Condition c = CombinedCondition.anyOf(List.of(now("a", Condition.Match.NO), part("b", () -> {
            throw boom;
        })));
        CompletableFuture<Condition.Match> whole = c.match(null).toCompletableFuture();
        assertThatThrownBy(whole::join).isInstanceOf(CompletionException.class).hasCause(boom);
        Condition d = CombinedCondition.allOf(List.of(now("a", Condition.Match.yes("a")),
                part("b", () -> CompletableFuture.failedFuture(boom)), now("c", Condition.Match.yes("c"))));
        assertThatThrownBy(() -> join(d)).isInstanceOf(CompletionException.class).hasCause(boom);
        assertThat(asked).containsExactly("a", "b", "a", "b");
    }
}
