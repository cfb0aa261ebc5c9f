package dev.gatekeeper.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatekeeper.dns.MutableClock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class FailoverStateTest {

    private final MutableClock clock = new MutableClock();

    /** A remote state that answers from memory, or fails like an unreachable Redis, counting its calls. */
    private final class Switchable implements SharedState {
        final SharedState inner = SharedState.local(clock, 100);
        final AtomicInteger calls = new AtomicInteger();
        volatile boolean down;

        private <T> CompletionStage<T> maybe(CompletionStage<T> s) {
            calls.incrementAndGet();
            return down ? CompletableFuture.failedFuture(new StateUnavailableException("redis test: refused", null)) : s;
        }

        @Override
        public CompletionStage<WindowCount> count(String counter, WindowRequest request) {
            return maybe(down ? null : inner.count(counter, request));
        }

        @Override
        public CompletionStage<Optional<String>> get(String key) {
            return maybe(down ? null : inner.get(key));
        }

        @Override
        public CompletionStage<Void> put(String key, String value, Duration lifetime) {
            return maybe(down ? null : inner.put(key, value, lifetime));
        }

        @Override
        public String describe() {
            return "redis test";
        }

        @Override
        public void close() {
        }
    }

    @Test
    void duringAnOutageTheFallbackAnswersAndRedisIsTriedOncePerInterval() {
        Switchable remote = new Switchable();
        FailoverState state = new FailoverState(remote, SharedState.local(clock, 100), clock, Duration.ofSeconds(5));
        state.put("k", "remote", Duration.ofMinutes(1)).toCompletableFuture().join();
        remote.down = true;
        assertThat(state.get("k").toCompletableFuture().join()).isEmpty(); // the fallback has not seen it
        assertThat(state.inOutage()).isTrue();
        int callsAtOutage = remote.calls.get();
        for (int i = 0; i < 10; i++) {
            state.put("k", "local", Duration.ofMinutes(1)).toCompletableFuture().join();
        }
        assertThat(remote.calls.get()).isEqualTo(callsAtOutage); // not asked during the retry interval
        assertThat(state.get("k").toCompletableFuture().join()).contains("local");

        remote.down = false;
        clock.advance(Duration.ofSeconds(5));
        assertThat(state.get("k").toCompletableFuture().join()).contains("remote");
        assertThat(state.inOutage()).isFalse();
        assertThat(remote.calls.get()).isEqualTo(callsAtOutage + 1);
    }

    @Test
    void withoutFallbackOperationsFailDuringTheOutage() {
        Switchable remote = new Switchable();
        remote.down = true;
        FailoverState state = new FailoverState(remote, null, clock, Duration.ofSeconds(5));
        assertThatThrownBy(() -> state.get("k").toCompletableFuture().join())
                .isInstanceOf(CompletionException.class)
                .hasCauseInstanceOf(StateUnavailableException.class);
        assertThatThrownBy(() -> state.count("c", WindowRequest.of(1, 1, Duration.ofMinutes(1), clock.instant()))
                .toCompletableFuture().join())
                .hasCauseInstanceOf(StateUnavailableException.class);
        assertThat(remote.calls.get()).isEqualTo(1);
        assertThat(state.describe()).isEqualTo("redis test (fallback fail)");
    }
}
