package dev.gatekeeper.dmarc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class DmarcSettingsTest {

    @Test
    void defaultsArePinned() {
        DmarcSettings d = DmarcSettings.defaults();
        assertThat(d.publicSuffixList()).isEmpty();
        assertThat(d.nonexistentPolicy()).isTrue();
        assertThat(d.reports()).as("aggregate reports are opt-in").isFalse();
        assertThat(DmarcSettings.KEYS.names()).containsExactly("publicSuffixList", "nonexistentPolicy", "reports");
    }

    @Test
    void reportsIsABooleanAndNothingElse() {
        assertThat(DmarcSettings.parse(Map.of("reports", "true")).reports()).isTrue();
        assertThat(DmarcSettings.parse(Map.of("reports", "true"))).isNotEqualTo(DmarcSettings.defaults());
        assertThatThrownBy(() -> DmarcSettings.parse(Map.of("reports", "yes-please"))).hasMessageContaining("reports");
        assertThatThrownBy(() -> DmarcSettings.parse(Map.of("report", "true"))).hasMessageContaining("report");
    }
}
