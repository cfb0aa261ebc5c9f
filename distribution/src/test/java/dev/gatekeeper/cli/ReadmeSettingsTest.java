package dev.gatekeeper.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatekeeper.callout.CalloutSettings;
import dev.gatekeeper.dns.ResolverSettings;
import dev.gatekeeper.spf.SpfSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Keeps the README's settings tables in step with the settings the engines accept. */
class ReadmeSettingsTest {

    private static String readme() throws IOException {
        return Files.readString(Path.of("..", "README.md"));
    }

    @Test
    void everyDnsSettingIsDocumentedWithItsDefault() throws IOException {
        String readme = readme();
        for (String key : ResolverSettings.KEYS.names()) {
            assertThat(readme).as(key).contains("| `" + key + "` |");
        }
        assertThat(readme).contains("| `timeout` | " + ResolverSettings.TIMEOUT.documentedDefault() + " per attempt |",
                "| `retries` | " + ResolverSettings.RETRIES.documentedDefault() + " |",
                "| `cacheSize` | " + ResolverSettings.CACHE_SIZE.documentedDefault() + " |");
    }

    @Test
    void everyCalloutSettingIsDocumented() throws IOException {
        String readme = readme();
        for (String key : CalloutSettings.KEYS.names()) {
            boolean alone = readme.contains("| `" + key + "` |");
            boolean paired = readme.contains("`" + key + "` / `") || readme.contains("/ `" + key + "` |");
            assertThat(alone || paired).as(key).isTrue();
        }
        CalloutSettings d = CalloutSettings.defaults();
        assertThat(readme).contains("| `port` | " + d.port() + " |",
                "| `maxHostsTried` | " + d.maxHostsTried() + " |");
    }

    @Test
    void everySpfLimitIsDocumented() throws IOException {
        String readme = readme();
        for (String key : SpfSettings.KEYS.names()) {
            boolean alone = readme.contains("| `" + key + "` |");
            boolean paired = readme.contains("| `" + key + "` / `") || readme.contains("/ `" + key + "` |");
            assertThat(alone || paired).as(key).isTrue();
        }
        assertThat(readme).contains("| `explanationTimeout` | " + SpfSettings.EXPLANATION_TIMEOUT.defaultValue().toSeconds() + " s for");
    }
}
