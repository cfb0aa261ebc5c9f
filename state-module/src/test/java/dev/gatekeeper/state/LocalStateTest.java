package dev.gatekeeper.state;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatekeeper.dns.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class LocalStateTest {

    /** A window boundary: 2026-01-01T00:00:00Z is a multiple of one minute. */
    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    private final SharedState state = SharedState.local(clock, 1000);
    private static final Duration MINUTE = Duration.ofMinutes(1);

    private WindowCount count(long amount, long limit) {
        return state.count("c", WindowRequest.of(amount, limit, MINUTE, clock.instant())).toCompletableFuture().join();
    }

    @Test
    void theEventThatWouldPassTheLimitIsRefusedAndNotCounted() {
        for (int i = 1; i <= 3; i++) {
            WindowCount c = count(1, 3);
            assertThat(c.exceeded()).isFalse();
            assertThat(c.current()).isEqualTo(i);
        }
        WindowCount over = count(1, 3);
        assertThat(over.exceeded()).isTrue();
        assertThat(over.added()).isFalse();
        assertThat(over.current()).isEqualTo(3);
        // Nothing slides out before the next bucket: the 3 events leave between 1 and 2 minutes from now.
        assertThat(over.retryAfter()).isEqualTo(Duration.ofSeconds(80));
    }

    @Test
    void thePreviousBucketSlidesOutInProportion() {
        for (int i = 0; i < 4; i++) {
            count(1, 4);
        }
        clock.advance(Duration.ofSeconds(75)); // 15 s into the next bucket: 3/4 of the previous one still counts
        WindowCount c = count(1, 4);
        assertThat(c.previous()).isEqualTo(4);
        assertThat(c.exceeded()).isFalse(); // 4 × 0.75 + 0 + 1 = 4
        WindowCount over = count(1, 4);
        assertThat(over.exceeded()).isTrue(); // 3 + 1 + 1 = 5
        // Fits again when 4 × w + 1 + 1 <= 4, w <= 1/2: 30 s into the bucket, 15 s from now.
        assertThat(over.retryAfter()).isEqualTo(Duration.ofSeconds(15));
        clock.advance(Duration.ofSeconds(15));
        assertThat(count(1, 4).exceeded()).isFalse();
    }

    @Test
    void strictCountsRefusedEventsToo() {
        WindowRequest r = WindowRequest.of(1, 2, MINUTE, clock.instant()).strict();
        for (int i = 0; i < 5; i++) {
            state.count("s", r).toCompletableFuture().join();
        }
        WindowCount c = state.count("s", r).toCompletableFuture().join();
        assertThat(c.exceeded()).isTrue();
        assertThat(c.added()).isTrue();
        assertThat(c.current()).isEqualTo(6);
    }

    @Test
    void readOnlyComparesWithoutCounting() {
        WindowRequest r = WindowRequest.of(1, 1, MINUTE, clock.instant()).readOnly();
        WindowCount c = state.count("r", r).toCompletableFuture().join();
        assertThat(c.exceeded()).isFalse();
        assertThat(c.added()).isFalse();
        assertThat(state.count("r", r).toCompletableFuture().join().current()).isZero();
    }

    @Test
    void anEventLargerThanTheLimitNeverFits() {
        WindowCount c = count(5000, 1000);
        assertThat(c.exceeded()).isTrue();
        assertThat(c.retryAfter()).isEqualTo(Duration.ofMinutes(2));
    }

    @Test
    void countsAreForgottenTwoWindowsLater() {
        count(1, 1);
        clock.advance(Duration.ofMinutes(2));
        WindowCount c = count(1, 1);
        assertThat(c.previous()).isZero();
        assertThat(c.exceeded()).isFalse();
    }

    @Test
    void entriesLiveForTheirLifetime() {
        state.put("k", "v", Duration.ofSeconds(30)).toCompletableFuture().join();
        assertThat(state.get("k").toCompletableFuture().join()).contains("v");
        clock.advance(Duration.ofSeconds(29));
        assertThat(state.get("k").toCompletableFuture().join()).contains("v");
        clock.advance(Duration.ofSeconds(1));
        assertThat(state.get("k").toCompletableFuture().join()).isEqualTo(Optional.empty());
        assertThat(state.describe()).isEqualTo("in-process");
    }

    @Test
    void aTallyAddsPerFieldLivesItsLifetimeAfterTheLastUpdateAndStopsAtItsMostFields() {
        Duration life = Duration.ofHours(2);
        assertThat(state.tally("t", "a", 1, life, 2).toCompletableFuture().join()).isTrue();
        assertThat(state.tally("t", "a", 4, life, 2).toCompletableFuture().join()).isTrue();
        assertThat(state.tally("t", "b", 1, life, 2).toCompletableFuture().join()).isTrue();
        assertThat(state.tally("t", "c", 1, life, 2).toCompletableFuture().join()).as("full: a new field is left out").isFalse();
        assertThat(state.tally("t", "b", 1, life, 2).toCompletableFuture().join()).as("full: a known field still counts").isTrue();
        assertThat(state.tallies("t").toCompletableFuture().join()).isEqualTo(Map.of("a", 5L, "b", 2L));
        assertThat(state.tallies("other").toCompletableFuture().join()).isEmpty();

        clock.advance(Duration.ofMinutes(90));
        state.tally("t", "a", 1, life, 2).toCompletableFuture().join(); // a new lifetime from now
        clock.advance(Duration.ofMinutes(90));
        assertThat(state.tallies("t").toCompletableFuture().join()).containsEntry("a", 6L);
        clock.advance(Duration.ofMinutes(31));
        assertThat(state.tallies("t").toCompletableFuture().join()).isEmpty();
    }
}
