package dev.gatekeeper.james.mailets;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatekeeper.dns.Setting;
import dev.gatekeeper.dns.SettingsTable;
import dev.gatekeeper.james.common.ForgedAuthenticationResults;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Every public mailet and matcher has its reference section in README-mailets.md. */
class ReadmeTest {

    private static List<String> publicClasses(Path dir) throws Exception {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> {
                try {
                    String src = Files.readString(f);
                    return src.contains("public class " + f.getFileName().toString().replace(".java", "") + " extends");
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }).map(f -> f.getFileName().toString().replace(".java", "")).sorted().collect(Collectors.toList());
        }
    }

    @Test
    void everyMailetAndMatcherIsDocumented() throws Exception {
        Path root = Path.of(System.getProperty("gatekeeper.root", ".."));
        String readme = Files.readString(root.resolve("mailets/README-mailets.md"));
        List<String> mailets = publicClasses(root.resolve("mailets/src/main/java/dev/gatekeeper/james/mailets"));
        List<String> matchers = publicClasses(root.resolve("matchers/src/main/java/dev/gatekeeper/james/matchers"));
        assertThat(mailets).containsExactly("AddGatekeeperHeaders", "BounceWithCode", "CalloutVerify", "SpfCheck");
        assertThat(matchers).hasSize(11);
        for (String name : mailets) {
            assertThat(readme).as(name).contains("### `" + name + "`");
        }
        for (String name : matchers) {
            assertThat(readme).as(name).contains("### `" + name + "`");
        }
    }

    /** The parameter tables give the defaults the mailets' keys declare. */
    @Test
    void theParameterTablesGiveTheKeysDefaults() throws Exception {
        String readme = Files.readString(Path.of(System.getProperty("gatekeeper.root", "..")).resolve("mailets/README-mailets.md"));
        String header = "| parameter | default | meaning |";
        SettingsTable.under(readme, "### `SpfCheck`", header)
                .assertDefaults(List.of(ForgedAuthenticationResults.HANDLING), Setting::name);
        SettingsTable.under(readme, "### `CalloutVerify`", header).assertDefaults(List.of(CalloutVerify.TIMEOUT), Setting::name);
        SettingsTable.under(readme, "### `BounceWithCode`", header)
                .assertDefaults(List.of(BounceWithCode.ATTACHMENT, BounceWithCode.STATE), Setting::name);
        assertThat(readme).contains("Parameter `prefix` (default `" + AddGatekeeperHeaders.PREFIX.documentedDefault() + "`)");
    }
}
