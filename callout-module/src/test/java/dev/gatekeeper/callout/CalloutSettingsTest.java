package dev.gatekeeper.callout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CalloutSettingsTest {

    @Test
    void everyDefaultIsPinned() {
        CalloutSettings d = CalloutSettings.defaults();
        assertThat(d.port()).isEqualTo(25);
        assertThat(d.heloName()).isEqualTo("localhost");
        assertThat(d.mailFrom()).isEmpty();
        assertThat(d.connectTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(d.commandTimeout()).isEqualTo(Duration.ofSeconds(15));
        assertThat(d.overallTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(d.maxHostsTried()).isEqualTo(3);
        assertThat(d.startTls()).isTrue();
        assertThat(d.checkRandom()).isFalse();
        assertThat(d.checkPostmaster()).isFalse();
        assertThat(d.allowPrivateTargets()).isFalse();
        assertThat(d.keepTranscript()).isFalse();
        assertThat(d.positiveLifetime()).isEqualTo(Duration.ofHours(24));
        assertThat(d.negativeLifetime()).isEqualTo(Duration.ofHours(2));
        assertThat(d.domainPositiveLifetime()).isEqualTo(Duration.ofDays(7));
        assertThat(d.domainNegativeLifetime()).isEqualTo(Duration.ofHours(3));
        assertThat(d.tempfailLifetime()).isEqualTo(Duration.ZERO);
        assertThat(d.cacheMaxEntries()).isEqualTo(100_000);
        assertThat(d.maxConcurrentProbesPerDomain()).isEqualTo(4);
        assertThat(d.maxProbesPerMinute()).isEqualTo(300);
        assertThat(d.maxProbesPerMinutePerClient()).isEqualTo(30);
        assertThat(d.probeThreads()).isEqualTo(16);
        assertThat(d.probeQueue()).isEqualTo(256);
        assertThat(CalloutSettings.KEYS.names()).hasSize(23);
    }

    @Test
    void parsesEveryKey() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("port", "2525");
        p.put("heloName", "mx.gatekeeper.test");
        p.put("mailFrom", "<verify@gatekeeper.test>");
        p.put("connectTimeout", "5s");
        p.put("commandTimeout", "500ms");
        p.put("overallTimeout", "1m");
        p.put("maxHostsTried", "5");
        p.put("startTls", "false");
        p.put("checkRandom", "true");
        p.put("checkPostmaster", "true");
        p.put("allowPrivateTargets", "true");
        p.put("keepTranscript", "true");
        p.put("positiveLifetime", "31d");
        p.put("negativeLifetime", "3d");
        p.put("domainPositiveLifetime", "7d");
        p.put("domainNegativeLifetime", "3h");
        p.put("tempfailLifetime", "60s");
        p.put("cacheMaxEntries", "10");
        p.put("maxConcurrentProbesPerDomain", "1");
        p.put("maxProbesPerMinute", "2");
        p.put("maxProbesPerMinutePerClient", "1");
        p.put("probeThreads", "2");
        p.put("probeQueue", "3");
        assertThat(p.keySet()).containsExactlyElementsOf(CalloutSettings.KEYS.names());
        CalloutSettings s = CalloutSettings.parse(p);
        assertThat(s.port()).isEqualTo(2525);
        assertThat(s.mailFrom()).isEqualTo("verify@gatekeeper.test");
        assertThat(s.commandTimeout()).isEqualTo(Duration.ofMillis(500));
        assertThat(s.positiveLifetime()).isEqualTo(Duration.ofDays(31));
        assertThat(s.tempfailLifetime()).isEqualTo(Duration.ofMinutes(1));
        assertThat(s.startTls()).isFalse();
        assertThat(s.probeQueue()).isEqualTo(3);
        assertThat(s.toBuilder().build().maxProbesPerMinute()).isEqualTo(2);
    }

    @Test
    void refusesBadValuesNamingTheKey() {
        assertThatThrownBy(() -> CalloutSettings.parse(Map.of("prot", "25")))
                .hasMessageStartingWith("unknown setting 'prot' (known: port, heloName, mailFrom, connectTimeout,");
        assertThatThrownBy(() -> CalloutSettings.parse(Map.of("port", "0"))).hasMessage("port: '0' is outside 1..65535");
        assertThatThrownBy(() -> CalloutSettings.parse(Map.of("startTls", "yes")))
                .hasMessage("startTls: 'yes' is neither true nor false");
        assertThatThrownBy(() -> CalloutSettings.parse(Map.of("overallTimeout", "30")))
                .hasMessage("overallTimeout: '30' is not a duration (500ms, 5s, 15m, 1h, 1d, PT5S)");
        assertThatThrownBy(() -> CalloutSettings.parse(Map.of("connectTimeout", "0s")))
                .hasMessage("connectTimeout: '0s' is not positive");
        assertThatThrownBy(() -> CalloutSettings.builder().connectTimeout(Duration.ZERO))
                .hasMessage("connectTimeout: 0s is not positive");
        assertThatThrownBy(() -> CalloutSettings.builder().cacheMaxEntries(-1)).hasMessage("cacheMaxEntries: -1 is negative");
        assertThatThrownBy(() -> CalloutSettings.builder().mailFrom("bad\r\nRSET@x.test"))
                .hasMessage("mailFrom: address contains CR, LF or NUL");
        assertThatThrownBy(() -> CalloutSettings.builder().heloName("bad name"))
                .hasMessage("heloName: 'bad name' character ' ' not allowed in domain label");
        assertThatThrownBy(() -> CalloutSettings.builder().heloName("x\r\nRSET.test"))
                .hasMessage("heloName: 'x??RSET.test' character U+000D not allowed in domain label");
    }

    @Test
    void equalSettingsAreEqual() {
        assertThat(CalloutSettings.parse(Map.of("port", "25", "mailFrom", "<>"))).isEqualTo(CalloutSettings.defaults())
                .hasSameHashCodeAs(CalloutSettings.defaults());
        assertThat(CalloutSettings.parse(Map.of("port", "2525"))).isNotEqualTo(CalloutSettings.defaults());
    }

    @Test
    void nullSenderSpelledEitherWay() {
        assertThat(CalloutSettings.builder().mailFrom("<>").build().mailFrom()).isEmpty();
        assertThat(CalloutSettings.builder().mailFrom("").build().mailFrom()).isEmpty();
    }
}
