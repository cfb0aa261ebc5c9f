package dev.gatekeeper.james.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class SharedEnginesTest {

    private static final Map<String, String> DNS = Map.of("servers", "127.0.0.1:5399", "timeout", "1s");

    @Test
    void equalSettingsShareOneInstanceWhateverTheirOrderAndSpacing() {
        Map<String, String> sameDns = Map.of("timeout", " 1s ", "servers", "127.0.0.1:5399");
        assertThat(SharedEngines.resolver(DNS)).isSameAs(SharedEngines.resolver(sameDns));
        assertThat(SharedEngines.spf(DNS, Map.of("receiver", "mx.test")))
                .isSameAs(SharedEngines.spf(sameDns, Map.of("receiver", "mx.test")))
                .isNotSameAs(SharedEngines.spf(DNS, Map.of("receiver", "other.test")));
        assertThat(SharedEngines.callouts(DNS, Map.of("port", "2526")))
                .isSameAs(SharedEngines.callouts(sameDns, Map.of("port", "2526")));
    }

    @Test
    void oneStatePerDistinctSettingsAndCalloutsKeyedByTheirState() {
        Map<String, String> redis = Map.of("store", "redis", "redis.uri", "redis://127.0.0.1:6399");
        assertThat(SharedEngines.state(Map.of())).isSameAs(SharedEngines.state(Map.of()))
                .isNotSameAs(SharedEngines.state(Map.of("local.max-entries", "10")));
        assertThat(SharedEngines.state(redis)).isSameAs(SharedEngines.state(Map.of("redis.uri", "redis://127.0.0.1:6399 ", "store", "redis")));
        assertThat(SharedEngines.state(redis).describe()).contains("127.0.0.1:6399");
        assertThat(SharedEngines.callouts(DNS, Map.of("port", "2527"), redis))
                .isSameAs(SharedEngines.callouts(DNS, Map.of("port", "2527"), redis))
                .isNotSameAs(SharedEngines.callouts(DNS, Map.of("port", "2527")));
        assertThatThrownBy(() -> SharedEngines.state(Map.of("store", "redis"))).hasMessageContaining("redis.uri");
    }

    @Test
    void theEnginesUseTheSharedResolver() {
        assertThat(SharedEngines.callouts(DNS, Map.of()).settings().port()).isEqualTo(25);
        assertThat(SharedEngines.spf(DNS, Map.of("maxDnsTerms", "12")).settings().maxDnsTerms()).isEqualTo(12);
    }

    @Test
    void aBadSettingIsNamedAndLeavesNothingBehind() {
        assertThatThrownBy(() -> SharedEngines.resolver(Map.of("timeout", "soon"))).hasMessageContaining("timeout");
        assertThatThrownBy(() -> SharedEngines.spf(DNS, Map.of("maxDnsTerms", "-1"))).hasMessageContaining("maxDnsTerms");
        assertThatThrownBy(() -> SharedEngines.callouts(DNS, Map.of("probeThreads", "x"))).hasMessageContaining("probeThreads");
    }
}
