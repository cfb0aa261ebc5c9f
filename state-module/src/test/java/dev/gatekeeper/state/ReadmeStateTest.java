package dev.gatekeeper.state;

import dev.gatekeeper.dns.SettingsTable;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** README-state.md's settings table lists exactly the keys StateSettings reads, each with its default. */
class ReadmeStateTest {

    @Test
    void theTableListsEveryStateSettingWithItsDefault() throws Exception {
        SettingsTable.of(Files.readString(Path.of("README-state.md")), "| key | default | meaning |")
                .assertDocuments(StateSettings.KEYS);
    }
}
