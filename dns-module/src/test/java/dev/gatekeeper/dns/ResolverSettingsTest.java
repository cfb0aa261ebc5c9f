package dev.gatekeeper.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.xbill.DNS.ResolverConfig;

class ResolverSettingsTest {

    @Test
    void defaultsArePinned() {
        ResolverSettings s = ResolverSettings.builder().server("127.0.0.1").build();
        assertThat(s.timeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(s.retries()).isEqualTo(1);
        assertThat(s.ednsPayloadSize()).isEqualTo(1232);
        assertThat(s.cacheSize()).isEqualTo(10_000);
        assertThat(s.maxTtl()).isEqualTo(Duration.ofDays(1));
        assertThat(s.maxNegativeTtl()).isEqualTo(Duration.ofMinutes(15));
    }

    @Test
    void withoutServersUsesTheSystemResolvers() {
        assertThat(ResolverSettings.defaults().servers()).isEqualTo(ResolverConfig.getCurrentConfig().servers());
    }

    @ParameterizedTest
    @CsvSource({
        "127.0.0.1, 127.0.0.1, 53",
        "127.0.0.2:5353, 127.0.0.2, 5353",
        "::1, ::1, 53",
        "[::1], ::1, 53",
        "'[::1]:5300', ::1, 5300",
        "' 127.0.0.1:1 ', 127.0.0.1, 1"
    })
    void parsesHostAndPort(String spec, String host, int port) {
        InetSocketAddress a = ResolverSettings.builder().server(spec).build().servers().get(0);
        assertThat(a.getAddress().getHostAddress()).isEqualTo(host.equals("::1") ? "0:0:0:0:0:0:0:1" : host);
        assertThat(a.getPort()).isEqualTo(port);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "dns.example.test|servers: 'dns.example.test' is not host[:port] (not an IP address)",
        "127.0.0.1:0|servers: '127.0.0.1:0' is not host[:port] (port must be 1-65535)",
        "127.0.0.1:x|servers: '127.0.0.1:x' is not host[:port] (port must be 1-65535)",
        "[::1|servers: '[::1' is not host[:port] (missing ']')",
        "[::1]53|servers: '[::1]53' is not host[:port] (expected ':port' after ']')",
        "300.1.1.1|servers: '300.1.1.1' is not host[:port] (not an IP address)"
    })
    void refusesBadServers(String spec, String message) {
        assertThatThrownBy(() -> ResolverSettings.builder().server(spec))
                .isInstanceOf(IllegalArgumentException.class).hasMessage(message);
    }

    @Test
    void serversReplacesTheList() {
        ResolverSettings s = ResolverSettings.builder().server("127.0.0.9")
                .servers(List.of("127.0.0.1:5301", "127.0.0.2:5302")).build();
        assertThat(s.servers()).extracting(InetSocketAddress::getPort).containsExactly(5301, 5302);
    }

    @Test
    void refusesOutOfRangeValuesNamingTheSetting() {
        ResolverSettings.Builder b = ResolverSettings.builder();
        assertThatThrownBy(() -> b.timeout(Duration.ZERO)).hasMessage("timeout: 0s is not positive");
        assertThatThrownBy(() -> b.timeout(Duration.ofMinutes(2))).hasMessage("timeout: 2m is more than 1m");
        assertThatThrownBy(() -> b.retries(-1)).hasMessage("retries: -1 is outside 0..10");
        assertThatThrownBy(() -> b.retries(11)).hasMessage("retries: 11 is outside 0..10");
        assertThatThrownBy(() -> b.ednsPayloadSize(511)).hasMessage("ednsPayloadSize: 511 is outside 512..65535");
        assertThatThrownBy(() -> b.cacheSize(-1)).hasMessage("cacheSize: -1 is negative");
        assertThatThrownBy(() -> b.maxTtl(Duration.ofSeconds(-1))).hasMessage("maxTtl: -1s is negative");
        assertThatThrownBy(() -> b.maxNegativeTtl(Duration.ofSeconds(-1)))
                .hasMessage("maxNegativeTtl: -1s is negative");
    }

    @Test
    void parsesConfigurationText() {
        ResolverSettings s = ResolverSettings.parse(Map.of(
                "servers", "127.0.0.1:5301, [::1]:5302 127.0.0.3",
                "timeout", "750ms",
                "retries", "2",
                "ednsPayloadSize", "4096",
                "cacheSize", "0",
                "maxTtl", "1h",
                "maxNegativeTtl", "PT30S"));
        assertThat(s.servers()).extracting(InetSocketAddress::getPort).containsExactly(5301, 5302, 53);
        assertThat(s.timeout()).isEqualTo(Duration.ofMillis(750));
        assertThat(s.retries()).isEqualTo(2);
        assertThat(s.ednsPayloadSize()).isEqualTo(4096);
        assertThat(s.cacheSize()).isZero();
        assertThat(s.maxTtl()).isEqualTo(Duration.ofHours(1));
        assertThat(s.maxNegativeTtl()).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void parseRefusesUnknownKeysAndBadValuesNamingTheKey() {
        assertThatThrownBy(() -> ResolverSettings.parse(Map.of("timeOut", "5s"))).hasMessage(
                "unknown setting 'timeOut' (known: servers, timeout, retries, ednsPayloadSize, cacheSize, maxTtl, "
                        + "maxNegativeTtl)");
        assertThatThrownBy(() -> ResolverSettings.parse(Map.of("timeout", "5 sec")))
                .hasMessage("timeout: '5 sec' is not a duration (500ms, 5s, 15m, 1h, 1d, PT5S)");
        assertThatThrownBy(() -> ResolverSettings.parse(Map.of("retries", "one")))
                .hasMessage("retries: 'one' is not a whole number");
        assertThatThrownBy(() -> ResolverSettings.parse(Map.of("cacheSize", " ")))
                .hasMessage("cacheSize: no value");
        assertThatThrownBy(() -> ResolverSettings.parse(Map.of("retries", "99")))
                .hasMessage("retries: '99' is outside 0..10");
    }

    @Test
    void everyKeyHasAGetterAndParseKnowsEveryKey() {
        ResolverSettings s = ResolverSettings.parse(Map.of("servers", "127.0.0.1"));
        assertThat(ResolverSettings.KEYS.names()).allSatisfy(key -> assertThat(s.toString()).contains(key + "="));
    }
}
