package dev.gatekeeper.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SettingsTableTest {

    private static final Setting<Integer> A = Setting.integer("a", "10");
    private static final Setting<Integer> B = Setting.integer("b", "16").unit("threads");
    private static final Setting<String> C = Setting.text("c", null).absentMeans("the host's name");
    private static final SettingKeys KEYS = SettingKeys.of(A, B, C);

    private static String table(String rows) {
        return "text\n\n| setting (`Demo`) | default | notes |\n|---|---|---|\n" + rows + "\nafter\n| `z` | 1 |\n";
    }

    @Test
    void readsPairedRowsAndBackticks() {
        SettingsTable t = SettingsTable.of(table("| `a` / `b` | 10 / 16 threads each | x |\n| `c` | the host's name | |"), "(`Demo`)");
        assertThat(t.names()).containsExactly("a", "b", "c");
        assertThat(t.defaultOf("b")).isEqualTo("16 threads each");
        t.assertDocuments(KEYS);
    }

    @Test
    void aWrongDefaultOrAMissingKeyFails() {
        assertThatThrownBy(() -> SettingsTable.of(table("| `a` / `b` | 10 / 8 threads | |\n| `c` | the host's name | |"), "(`Demo`)")
                .assertDocuments(KEYS)).isInstanceOf(AssertionError.class).hasMessageContaining("the default of b");
        assertThatThrownBy(() -> SettingsTable.of(table("| `a` | `10` | |\n| `c` | the host's name | |"), "(`Demo`)")
                .assertDocuments(KEYS)).isInstanceOf(AssertionError.class).hasMessageContaining("the settings the table lists");
    }
}
