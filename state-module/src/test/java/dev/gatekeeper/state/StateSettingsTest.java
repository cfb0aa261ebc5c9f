package dev.gatekeeper.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StateSettingsTest {

    @Test
    void defaults() {
        StateSettings s = StateSettings.defaults();
        assertThat(s.store()).isEqualTo(StateSettings.Store.LOCAL);
        assertThat(s.localMaxEntries()).isEqualTo(100_000);
        assertThat(s.redisUri()).isNull();
        assertThat(s.connectTimeout()).isEqualTo(Duration.ofMillis(500));
        assertThat(s.commandTimeout()).isEqualTo(Duration.ofMillis(250));
        assertThat(s.keyPrefix()).isEqualTo("gatekeeper:");
        assertThat(s.fallback()).isEqualTo(StateSettings.Fallback.LOCAL);
        assertThat(s.retryInterval()).isEqualTo(Duration.ofSeconds(5));
        assertThat(s.connections()).isEqualTo(8);
    }

    @Test
    void redis() {
        StateSettings s = StateSettings.parse(Map.of("store", "redis", "redis.uri", "redis://127.0.0.1:6380/2",
                "redis.command-timeout", "100ms", "redis.fallback", "fail", "redis.key-prefix", "mx1:"));
        assertThat(s.store()).isEqualTo(StateSettings.Store.REDIS);
        assertThat(s.redisUri().getPort()).isEqualTo(6380);
        assertThat(s.commandTimeout()).isEqualTo(Duration.ofMillis(100));
        assertThat(s.fallback()).isEqualTo(StateSettings.Fallback.FAIL);
        assertThat(s.keyPrefix()).isEqualTo("mx1:");
        assertThat(s.toString()).isEqualTo("store=redis 127.0.0.1:6380 fallback=fail");
    }

    @Test
    void equalSettingsAreEqualAndAnEmptyPrefixIsAllowed() {
        assertThat(StateSettings.parse(Map.of("store", "LOCAL"))).isEqualTo(StateSettings.defaults())
                .hasSameHashCodeAs(StateSettings.defaults());
        assertThat(StateSettings.parse(Map.of("redis.key-prefix", "")).keyPrefix()).isEmpty();
    }

    @Test
    void mistakesAreRefusedWithTheirKey() {
        assertThatThrownBy(() -> StateSettings.parse(Map.of("store", "redis")))
                .hasMessage("store=redis needs redis.uri (redis://host:6379)");
        assertThatThrownBy(() -> StateSettings.parse(Map.of("redis.uri", "http://x")))
                .hasMessage("redis.uri: 'http://x' is not redis://host[:port][/db] or rediss://...");
        assertThatThrownBy(() -> StateSettings.parse(Map.of("store", "memcached")))
                .hasMessage("store: 'memcached' is not one of [local, redis]");
        assertThatThrownBy(() -> StateSettings.parse(Map.of("redis.timeout", "1s")))
                .hasMessageStartingWith("unknown setting 'redis.timeout' (known: store, local.max-entries, redis.uri,");
        assertThatThrownBy(() -> StateSettings.parse(Map.of("redis.command-timeout", "0ms")))
                .hasMessage("redis.command-timeout: '0ms' is less than 1ms");
        assertThatThrownBy(() -> StateSettings.parse(Map.of("redis.key-prefix", "a b")))
                .hasMessage("redis.key-prefix: 'a b' must be printable ASCII without spaces");
        assertThatThrownBy(() -> StateSettings.parse(Map.of("redis.connections", "0")))
                .hasMessage("redis.connections: '0' is outside 1..256");
    }
}
