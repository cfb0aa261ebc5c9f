package dev.gatekeeper.spf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SpfSettingsTest {

    @Test
    void defaultsAreTheRfcLimits() {
        SpfSettings s = SpfSettings.defaults();
        assertThat(s.maxDnsTerms()).isEqualTo(10);
        assertThat(s.maxMxNames()).isEqualTo(10);
        assertThat(s.maxPtrNames()).isEqualTo(10);
        assertThat(s.maxVoidLookups()).isEqualTo(2);
        assertThat(s.timeBudget()).isEqualTo(Duration.ofSeconds(20));
        assertThat(s.explanationTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(s.receiver()).isEqualTo("unknown");
        assertThat(s.defaultExplanation()).isEqualTo("%{o} does not designate %{c} as permitted sender");
        assertThat(s.clock()).isEqualTo(Clock.systemUTC());
    }

    @Test
    void builderKeepsWhatItIsGivenAndToBuilderCopies() {
        SpfSettings s = SpfSettings.builder().maxDnsTerms(20).maxMxNames(5).maxPtrNames(3).maxVoidLookups(0)
                .timeBudget(Duration.ofSeconds(5)).explanationTimeout(Duration.ofMillis(500)).defaultExplanation("Denied by %{d}").receiver("mx.example.org").build();
        SpfSettings copy = s.toBuilder().build();
        for (SpfSettings x : new SpfSettings[] {s, copy}) {
            assertThat(x.maxDnsTerms()).isEqualTo(20);
            assertThat(x.maxMxNames()).isEqualTo(5);
            assertThat(x.maxPtrNames()).isEqualTo(3);
            assertThat(x.maxVoidLookups()).isZero();
            assertThat(x.timeBudget()).isEqualTo(Duration.ofSeconds(5));
            assertThat(x.explanationTimeout()).isEqualTo(Duration.ofMillis(500));
            assertThat(x.defaultExplanation()).isEqualTo("Denied by %{d}");
            assertThat(x.receiver()).isEqualTo("mx.example.org");
        }
    }

    @Test
    void refusesInvalidValuesNamingTheSetting() {
        assertThatThrownBy(() -> SpfSettings.builder().maxDnsTerms(0)).hasMessage("maxDnsTerms: 0 is less than 1");
        assertThatThrownBy(() -> SpfSettings.builder().maxVoidLookups(-1))
                .hasMessage("maxVoidLookups: -1 is negative");
        assertThatThrownBy(() -> SpfSettings.builder().timeBudget(Duration.ZERO)).hasMessageContaining("timeBudget");
        assertThatThrownBy(() -> SpfSettings.builder().explanationTimeout(Duration.ofSeconds(-1)))
                .hasMessage("explanationTimeout: -1s is not positive");
        assertThatThrownBy(() -> SpfSettings.builder().defaultExplanation("%{x}"))
                .hasMessageContaining("defaultExplanation");
        assertThatThrownBy(() -> SpfSettings.builder().defaultExplanation("from %{p}"))
                .hasMessageContaining("%{p}");
        assertThatThrownBy(() -> SpfSettings.builder().receiver("mx\r\nX: y")).hasMessageContaining("receiver");
    }

    @Test
    void parseReadsEveryKey() {
        SpfSettings s = SpfSettings.parse(Map.of("maxDnsTerms", "20", "maxMxNames", "5", "maxPtrNames", "3",
                "maxVoidLookups", "0", "timeBudget", "5s", "defaultExplanation", "Denied by %{d}", "receiver", "mx.example.org",
                "explanationTimeout", "500ms"));
        assertThat(s.maxDnsTerms()).isEqualTo(20);
        assertThat(s.maxMxNames()).isEqualTo(5);
        assertThat(s.maxPtrNames()).isEqualTo(3);
        assertThat(s.maxVoidLookups()).isZero();
        assertThat(s.timeBudget()).isEqualTo(Duration.ofSeconds(5));
        assertThat(s.explanationTimeout()).isEqualTo(Duration.ofMillis(500));
        assertThat(s.defaultExplanation()).isEqualTo("Denied by %{d}");
        assertThat(s.receiver()).isEqualTo("mx.example.org");
        assertThat(SpfSettings.parse(Map.of()).maxDnsTerms()).isEqualTo(10);
    }

    @Test
    void aReceiverLeftAtItsDefaultIsNotConfiguredAndEqualSettingsAreEqual() {
        assertThat(SpfSettings.parse(Map.of()).configuredReceiver()).isEmpty();
        assertThat(SpfSettings.parse(Map.of("receiver", "unknown")).configuredReceiver()).contains("unknown");
        assertThat(SpfSettings.parse(Map.of("maxDnsTerms", "10"))).isEqualTo(SpfSettings.defaults())
                .hasSameHashCodeAs(SpfSettings.defaults());
        assertThat(SpfSettings.parse(Map.of("maxDnsTerms", "11"))).isNotEqualTo(SpfSettings.defaults());
    }

    @Test
    void parseNamesTheBadKeyOrValue() {
        assertThatThrownBy(() -> SpfSettings.parse(Map.of("maxLookups", "10")))
                .hasMessageContaining("maxLookups").hasMessageContaining("maxDnsTerms");
        assertThatThrownBy(() -> SpfSettings.parse(Map.of("maxDnsTerms", "ten")))
                .hasMessageContaining("maxDnsTerms").hasMessageContaining("ten");
        assertThatThrownBy(() -> SpfSettings.parse(Map.of("timeBudget", "forever")))
                .hasMessageContaining("timeBudget").hasMessageContaining("forever");
        assertThatThrownBy(() -> SpfSettings.parse(Map.of("maxDnsTerms", "0"))).hasMessage("maxDnsTerms: '0' is less than 1");
        assertThatThrownBy(() -> SpfSettings.parse(Map.of("defaultExplanation", "from %{p}")))
                .hasMessage("defaultExplanation: 'from %{p}' uses %{p}, which an explanation must not");
    }
}
