package dev.gatekeeper.james.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatekeeper.callout.CalloutSettings;
import dev.gatekeeper.dns.ResolverSettings;
import dev.gatekeeper.spf.SpfSettings;
import dev.gatekeeper.state.StateSettings;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SharedEnginesTest {

    private static final Map<String, String> DNS = Map.of("servers", "127.0.0.1:5399", "timeout", "1s");
    private static final Map<String, String> SAME_DNS = Map.of("timeout", " 1s ", "servers", "127.0.0.1:5399");
    private static final Map<String, String> REDIS = Map.of("store", "redis", "redis.uri", "redis://127.0.0.1:6399");

    /** Settings as the handler reads them, one map per element. */
    private static EngineSettings settings(Map<String, String> dns, Map<String, String> spf, Map<String, String> callout,
            Map<String, String> state) {
        return EngineSettings.of(ResolverSettings.parse(dns), SpfSettings.parse(spf), CalloutSettings.parse(callout),
                StateSettings.parse(state));
    }

    private static EngineSettings settings(Map<String, String> dns, Map<String, String> spf, Map<String, String> callout) {
        return settings(dns, spf, callout, Map.of());
    }

    @Test
    void equalSettingsShareOneInstanceWhateverTheirOrderAndSpacing() {
        assertThat(SharedEngines.resolver(settings(DNS, Map.of(), Map.of())))
                .isSameAs(SharedEngines.resolver(settings(SAME_DNS, Map.of(), Map.of())))
                .isSameAs(SharedEngines.resolver(EngineSettings.flat(Map.of("dns.servers", "127.0.0.1:5399", "dns.timeout", "1000ms"))));
        assertThat(SharedEngines.spf(settings(DNS, Map.of("receiver", "mx.test"), Map.of())))
                .isSameAs(SharedEngines.spf(settings(SAME_DNS, Map.of("receiver", "mx.test"), Map.of("port", "2526"))))
                .isNotSameAs(SharedEngines.spf(settings(DNS, Map.of("receiver", "other.test"), Map.of())));
        assertThat(SharedEngines.callouts(settings(DNS, Map.of(), Map.of("port", "2526"))))
                .isSameAs(SharedEngines.callouts(settings(SAME_DNS, Map.of("timeBudget", "5s"), Map.of("port", "2526"))));
    }

    @Test
    void oneStatePerDistinctSettingsAndCalloutsKeyedByTheirState() {
        assertThat(SharedEngines.state(settings(DNS, Map.of(), Map.of())))
                .isSameAs(SharedEngines.state(settings(SAME_DNS, Map.of(), Map.of())))
                .isNotSameAs(SharedEngines.state(settings(DNS, Map.of(), Map.of(), Map.of("local.max-entries", "10"))));
        EngineSettings redis = settings(DNS, Map.of(), Map.of("port", "2527"), REDIS);
        assertThat(SharedEngines.state(redis)).isSameAs(SharedEngines.state(
                settings(DNS, Map.of(), Map.of(), Map.of("redis.uri", "redis://127.0.0.1:6399 ", "store", "redis"))));
        assertThat(SharedEngines.state(redis).describe()).contains("127.0.0.1:6399");
        assertThat(SharedEngines.callouts(redis))
                .isSameAs(SharedEngines.callouts(settings(SAME_DNS, Map.of(), Map.of("port", "2527"), REDIS)))
                .isNotSameAs(SharedEngines.callouts(settings(DNS, Map.of(), Map.of("port", "2527"))));
        assertThatThrownBy(() -> StateSettings.parse(Map.of("store", "redis"))).hasMessageContaining("redis.uri");
    }

    @Test
    void theEnginesUseTheirSettings() {
        assertThat(SharedEngines.callouts(settings(DNS, Map.of(), Map.of())).settings().port()).isEqualTo(25);
        assertThat(SharedEngines.spf(settings(DNS, Map.of("maxDnsTerms", "12"), Map.of())).settings().maxDnsTerms()).isEqualTo(12);
    }

    @Test
    void flatSettingsAreReadWithTheirPrefixAndABadOneIsNamedSo() {
        EngineSettings s = EngineSettings.flat(Map.of("dns.servers", "127.0.0.1:5399", "spf.timeBudget", "5s", "callout.port", "2525"));
        assertThat(s.dns().servers()).hasSize(1);
        assertThat(s.spf().timeBudget()).hasSeconds(5);
        assertThat(s.callout().port()).isEqualTo(2525);
        assertThat(s.state()).isEqualTo(StateSettings.defaults());
        assertThatThrownBy(() -> EngineSettings.flat(Map.of("dns.timeout", "soon")))
                .hasMessage("dns.timeout: 'soon' is not a duration (500ms, 5s, 15m, 1h, 1d, PT5S)");
        assertThatThrownBy(() -> EngineSettings.flat(Map.of("spf.maxDnsTerms", "-1")))
                .hasMessage("spf.maxDnsTerms: '-1' is less than 1");
        assertThatThrownBy(() -> EngineSettings.flat(Map.of("callout.probeThreads", "x")))
                .hasMessage("callout.probeThreads: 'x' is not a whole number");
        assertThatThrownBy(() -> EngineSettings.flat(Map.of("callout.prot", "25")))
                .hasMessageStartingWith("unknown setting 'callout.prot' (known: callout.port, callout.heloName,");
    }

    @Test
    void aServerNamesItselfAsSpfReceiverUnlessTheSettingsDo() {
        assertThat(settings(DNS, Map.of(), Map.of()).namedFor("mx.gk.test").spf().receiver()).isEqualTo("mx.gk.test");
        assertThat(settings(DNS, Map.of("receiver", "unknown"), Map.of()).namedFor("mx.gk.test").spf().receiver()).isEqualTo("unknown");
    }
}
