package dev.gatekeeper.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class SettingValuesTest {

    @Test
    void durationsWithUnitsAndIso() {
        assertThat(SettingValues.duration("t", "500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(SettingValues.duration("t", " 5s ")).isEqualTo(Duration.ofSeconds(5));
        assertThat(SettingValues.duration("t", "15m")).isEqualTo(Duration.ofMinutes(15));
        assertThat(SettingValues.duration("t", "2h")).isEqualTo(Duration.ofHours(2));
        assertThat(SettingValues.duration("t", "7d")).isEqualTo(Duration.ofDays(7));
        assertThat(SettingValues.duration("t", "PT5S")).isEqualTo(Duration.ofSeconds(5));
        assertThatThrownBy(() -> SettingValues.duration("timeout", "5 sec"))
                .hasMessageContaining("timeout").hasMessageContaining("'5 sec'");
    }

    @Test
    void wholeNumbersAndBooleansOnly() {
        assertThat(SettingValues.integer("n", " 42")).isEqualTo(42);
        assertThatThrownBy(() -> SettingValues.integer("retries", "1.5"))
                .hasMessageContaining("retries").hasMessageContaining("'1.5'");
        assertThat(SettingValues.bool("b", "true")).isTrue();
        assertThat(SettingValues.bool("b", "false")).isFalse();
        assertThatThrownBy(() -> SettingValues.bool("startTls", "yes"))
                .hasMessageContaining("startTls").hasMessageContaining("'yes'");
    }
}
