package dev.gatekeeper.benchmarks.latency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The driver's command line: defaults pinned, every mistake refused by name. */
class TarpitLatencySettingsTest {

    @Test
    void defaults() {
        TarpitLatencySettings s = TarpitLatencySettings.parse();
        assertThat(s.james).isEqualTo("3.9.0");
        assertThat(s.neighbours).isEqualTo(20);
        assertThat(s.sessions).isEqualTo(50);
        assertThat(s.interval).isEqualTo(Duration.ofMillis(250));
        assertThat(s.tarpits).isEqualTo(50);
        assertThat(s.tarpitDelay).isEqualTo(Duration.ofSeconds(20));
        assertThat(s.calloutWait).isEqualTo(Duration.ofSeconds(2));
        assertThat(s.commandTimeout).isEqualTo(Duration.ofSeconds(15));
        assertThat(s.warmup).isEqualTo(3000);
        assertThat(s.rounds).isEqualTo(1);
        assertThat(s.mailboxes).isEqualTo(200);
        assertThat(s.hostsFile).as("James's reverse lookups otherwise wait for the machine's resolver").isTrue();
        assertThat(s.jvmArg).isNull();
        assertThat(s.ioWorkerCount).as("conf/'s").isZero();
        assertThat(s.maxExecutorCount).as("conf/'s").isZero();
    }

    @Test
    void threadCountsForJamesAreWholeNumbersAboveZero() {
        TarpitLatencySettings s = TarpitLatencySettings.parse("ioWorkerCount=4", "maxExecutorCount=16");
        assertThat(s.ioWorkerCount).isEqualTo(4);
        assertThat(s.maxExecutorCount).isEqualTo(16);
        assertThatThrownBy(() -> TarpitLatencySettings.parse("ioWorkerCount=0"))
                .hasMessage("ioWorkerCount=0: must be within 1-1024");
    }

    @Test
    void givenValuesReplaceTheDefaults() {
        TarpitLatencySettings s = TarpitLatencySettings.parse("james=3.8.1", "neighbours=5", "interval=1s",
                "tarpitDelay=2m", "calloutWait=500ms", "hostsFile=false", "jvmArg=-XX:+UseSerialGC", "warmup=0");
        assertThat(s.james).isEqualTo("3.8.1");
        assertThat(s.neighbours).isEqualTo(5);
        assertThat(s.interval).isEqualTo(Duration.ofSeconds(1));
        assertThat(s.tarpitDelay).isEqualTo(Duration.ofMinutes(2));
        assertThat(s.calloutWait).isEqualTo(Duration.ofMillis(500));
        assertThat(s.hostsFile).isFalse();
        assertThat(s.jvmArg).isEqualTo("-XX:+UseSerialGC");
        assertThat(s.warmup).isZero();
    }

    @Test
    void anOptionWhoseValueHoldsAnEqualsSignKeepsIt() {
        assertThat(TarpitLatencySettings.parse("jvmArg=-Dx=y").jvmArg).isEqualTo("-Dx=y");
    }

    @Test
    void unknownRepeatedAndMalformedKeysAreRefusedByName() {
        assertThatThrownBy(() -> TarpitLatencySettings.parse("sesions=5"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("unknown key 'sesions'");
        assertThatThrownBy(() -> TarpitLatencySettings.parse("rounds=2", "rounds=3"))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("key 'rounds' given twice");
        assertThatThrownBy(() -> TarpitLatencySettings.parse("3.8.1"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("not key=value: '3.8.1'");
    }

    @Test
    void badValuesAreRefusedNamingKeyAndValue() {
        assertThatThrownBy(() -> TarpitLatencySettings.parse("neighbours=0"))
                .hasMessage("neighbours=0: must be within 1-1000");
        assertThatThrownBy(() -> TarpitLatencySettings.parse("tarpits=many"))
                .hasMessage("tarpits=many: not a whole number");
        assertThatThrownBy(() -> TarpitLatencySettings.parse("interval=2h"))
                .hasMessage("interval=2h: a duration is a whole number with ms, s or m");
        assertThatThrownBy(() -> TarpitLatencySettings.parse("hostsFile=yes"))
                .hasMessage("hostsFile=yes: true or false");
        assertThatThrownBy(() -> TarpitLatencySettings.parse("warmup=-1"))
                .hasMessage("warmup=-1: must not be negative");
        assertThatThrownBy(() -> TarpitLatencySettings.parse("calloutWait=0s"))
                .hasMessage("calloutWait and commandTimeout must be above zero");
    }

    @Test
    void usageListsEveryKeyWithItsDefault() {
        assertThat(TarpitLatencySettings.usage()).startsWith("keys: james=3.9.0 neighbours=20 sessions=50 interval=250ms")
                .endsWith("hostsFile=true jvmArg=<none> ioWorkerCount=<none> maxExecutorCount=<none>");
    }
}
