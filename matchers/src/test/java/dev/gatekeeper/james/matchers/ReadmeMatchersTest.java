package dev.gatekeeper.james.matchers;

import dev.gatekeeper.dns.Setting;
import dev.gatekeeper.dns.SettingsTable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The condition tables of README-mailets.md give the defaults the matchers' options declare. */
class ReadmeMatchersTest {

    @Test
    void theConditionTablesGiveTheOptionsDefaults() throws Exception {
        String readme = Files.readString(Path.of(System.getProperty("gatekeeper.root", "..")).resolve("mailets/README-mailets.md"));
        String header = "| condition | default | meaning |";
        SettingsTable.under(readme, "### `SpfResultIs`", header).assertDefaults(List.of(SpfResultIs.EVALUATE), ReadmeMatchersTest::option);
        SettingsTable.under(readme, "### `RemoteAddrInTable`", header).assertDefaults(List.of(TableMatcher.CHECK), ReadmeMatchersTest::option);
        SettingsTable.under(readme, "### `DkimResultIs`", header).assertDefaults(List.of(DkimResultIs.DOMAIN), ReadmeMatchersTest::option);
        SettingsTable.under(readme, "### `DmarcResultIs`", header).assertDefaults(List.of(DmarcResultIs.POLICY), ReadmeMatchersTest::option);
        SettingsTable.under(readme, "### `RelayAllowedByPolicy`", header)
                .assertDefaults(List.of(RelayAllowedByPolicy.TIMEOUT), ReadmeMatchersTest::option);
    }

    /** As the README writes a matcher option: {@code evaluate=}. */
    private static String option(Setting<?> key) {
        return key.name() + "=";
    }
}
