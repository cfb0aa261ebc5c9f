package dev.gatekeeper.benchmarks.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** A James still delivering is waited for; one whose count stands still is not. */
class DeliveryWaitTest {

    @Test
    void aCountThatKeepsGrowingIsWaitedForPastTheStallBound() throws Exception {
        AtomicLong delivered = new AtomicLong();
        long started = System.nanoTime();
        // One message a look: 40 looks of 5 ms, ten times the 20 ms stall bound in all.
        long seen = DeliveryWait.until(delivered::incrementAndGet, () -> 40, Duration.ofMillis(5), Duration.ofMillis(20));
        assertThat(seen).isEqualTo(40);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThan(Duration.ofMillis(20));
    }

    @Test
    void aCountThatStandsStillEndsTheWaitAfterTheStallBound() throws Exception {
        AtomicLong looks = new AtomicLong();
        long seen = DeliveryWait.until(() -> {
            looks.incrementAndGet();
            return 7;
        }, () -> 10, Duration.ofMillis(5), Duration.ofMillis(50));
        assertThat(seen).isEqualTo(7);
        assertThat(looks.get()).isBetween(2L, DeliveryWait.MAX_LOOKS - 1);
    }

    @Test
    void aCountAlreadyThereIsLookedAtOnce() throws Exception {
        AtomicLong looks = new AtomicLong();
        assertThat(DeliveryWait.until(() -> {
            looks.incrementAndGet();
            return 12;
        }, () -> 10, Duration.ofMillis(5), Duration.ofMinutes(1))).isEqualTo(12);
        assertThat(looks.get()).isEqualTo(1);
    }
}
