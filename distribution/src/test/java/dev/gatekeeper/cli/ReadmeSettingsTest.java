package dev.gatekeeper.cli;

import dev.gatekeeper.callout.CalloutSettings;
import dev.gatekeeper.dns.ResolverSettings;
import dev.gatekeeper.dns.SettingsTable;
import dev.gatekeeper.spf.SpfSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Keeps the README's settings tables in step with the settings the engines accept: each table
 * lists exactly the engine's keys, in their order, each with the default its key declares.
 */
class ReadmeSettingsTest {

    private static String readme() throws IOException {
        return Files.readString(Path.of("..", "README.md"));
    }

    @Test
    void theDnsTableListsEveryResolverSettingWithItsDefault() throws IOException {
        SettingsTable.of(readme(), "setting (`ResolverSettings`)").assertDocuments(ResolverSettings.KEYS);
    }

    @Test
    void theSpfTableListsEverySpfSettingWithItsDefault() throws IOException {
        SettingsTable.of(readme(), "setting (`SpfSettings`)").assertDocuments(SpfSettings.KEYS);
    }

    @Test
    void theCalloutTableListsEveryCalloutSettingWithItsDefault() throws IOException {
        SettingsTable.of(readme(), "setting (`CalloutSettings`)").assertDocuments(CalloutSettings.KEYS);
    }
}
