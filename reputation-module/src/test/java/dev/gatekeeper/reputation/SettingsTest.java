package dev.gatekeeper.reputation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatekeeper.dns.SettingsTable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Both engines' settings: defaults pinned, every key parsed, bad values refused, the README in step. */
class SettingsTest {

    @Test
    void dnsListDefaultsArePinned() {
        DnsListSettings d = DnsListSettings.defaults();
        assertThat(d.timeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(d.fetchTxt()).isTrue();
        assertThat(d.problemLogInterval()).isEqualTo(Duration.ofMinutes(1));
        assertThat(DnsListSettings.KEYS.names()).containsExactly("timeout", "fetchTxt", "problemLogInterval");
    }

    @Test
    void dnsListSettingsParseAndRefuse() {
        DnsListSettings s = DnsListSettings.parse(Map.of("dnsbl.timeout", "2s", "dnsbl.fetchTxt", "false",
                "dnsbl.problemLogInterval", "0s"), "dnsbl.");
        assertThat(s.timeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(s.fetchTxt()).isFalse();
        assertThat(s.problemLogInterval()).isZero();
        assertThat(s.toBuilder().build()).isEqualTo(s).hasSameHashCodeAs(s);
        assertThat(DnsListSettings.parse(Map.of("timeout", "10s"))).isEqualTo(DnsListSettings.defaults());
        assertThatThrownBy(() -> DnsListSettings.parse(Map.of("timeout", "2m"))).hasMessage("timeout: '2m' is more than 1m");
        assertThatThrownBy(() -> DnsListSettings.parse(Map.of("timeout", "0s"))).hasMessage("timeout: '0s' is not positive");
        assertThatThrownBy(() -> DnsListSettings.parse(Map.of("fetchTxt", "yes")))
                .hasMessage("fetchTxt: 'yes' is neither true nor false");
        assertThatThrownBy(() -> DnsListSettings.parse(Map.of("timout", "1s")))
                .hasMessage("unknown setting 'timout' (known: timeout, fetchTxt, problemLogInterval)");
        assertThatThrownBy(() -> DnsListSettings.builder().timeout(Duration.ZERO)).hasMessage("timeout: 0s is not positive");
    }

    @Test
    void greylistDefaultsArePostgreys() {
        GreylistSettings d = GreylistSettings.defaults();
        assertThat(d.delay()).isEqualTo(Duration.ofMinutes(5));
        assertThat(d.retryWindow()).isEqualTo(Duration.ofDays(2));
        assertThat(d.expiry()).isEqualTo(Duration.ofDays(35));
        assertThat(d.autoAllowlistAfter()).isEqualTo(5);
        assertThat(d.ipv4Prefix()).isEqualTo(24);
        assertThat(d.ipv6Prefix()).isEqualTo(64);
        assertThat(d.exemptRecipients()).containsExactly("postmaster", "abuse");
        assertThat(d.normalizeSender()).isTrue();
        assertThat(GreylistSettings.KEYS.names()).hasSize(8);
    }

    @Test
    void greylistSettingsParseEveryKey() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("delay", "60s");
        p.put("retryWindow", "6h");
        p.put("expiry", "7d");
        p.put("autoAllowlistAfter", "0");
        p.put("ipv4Prefix", "32");
        p.put("ipv6Prefix", "128");
        p.put("exemptRecipients", " Postmaster , hostmaster ");
        p.put("normalizeSender", "false");
        assertThat(p.keySet()).containsExactlyElementsOf(GreylistSettings.KEYS.names());
        GreylistSettings s = GreylistSettings.parse(p);
        assertThat(s.delay()).isEqualTo(Duration.ofMinutes(1));
        assertThat(s.retryWindow()).isEqualTo(Duration.ofHours(6));
        assertThat(s.expiry()).isEqualTo(Duration.ofDays(7));
        assertThat(s.autoAllowlistAfter()).isZero();
        assertThat(s.ipv4Prefix()).isEqualTo(32);
        assertThat(s.ipv6Prefix()).isEqualTo(128);
        assertThat(s.exemptRecipients()).containsExactly("postmaster", "hostmaster");
        assertThat(s.normalizeSender()).isFalse();
        assertThat(GreylistSettings.parse(Map.of("exemptRecipients", "")).exemptRecipients()).isEmpty();
        assertThat(s.toBuilder().build()).isEqualTo(s);
    }

    @Test
    void greylistSettingsRefuseBadValuesAndContradictions() {
        assertThatThrownBy(() -> GreylistSettings.parse(Map.of("ipv4Prefix", "33"))).hasMessage("ipv4Prefix: '33' is outside 8..32");
        assertThatThrownBy(() -> GreylistSettings.parse(Map.of("delay", "5"))).hasMessage(
                "delay: '5' is not a duration (500ms, 5s, 15m, 1h, 1d, PT5S)");
        assertThatThrownBy(() -> GreylistSettings.parse(Map.of("exemptRecipients", "postmaster@example.org")))
                .hasMessage("exemptRecipients: 'postmaster@example.org' is not a list of local parts (postmaster, abuse)");
        assertThatThrownBy(() -> GreylistSettings.parse(Map.of("retryWindow", "5m")))
                .hasMessage("retryWindow (5m) must be longer than delay (5m)");
        assertThatThrownBy(() -> GreylistSettings.builder().expiry(Duration.ofDays(1)).build())
                .hasMessage("expiry (1d) must be at least retryWindow (2d)");
        assertThatThrownBy(() -> GreylistSettings.builder().autoAllowlistAfter(-1))
                .hasMessage("autoAllowlistAfter: -1 is outside 0..1000");
    }

    @Test
    void theReadmeTablesListEverySettingWithItsDefault() throws Exception {
        String readme = Files.readString(Path.of("README-reputation.md"));
        SettingsTable.of(readme, "| key (`DnsListSettings`) |").assertDocuments(DnsListSettings.KEYS);
        SettingsTable.of(readme, "| key (`GreylistSettings`) |").assertDocuments(GreylistSettings.KEYS);
    }
}
