package dev.gatekeeper.james.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatekeeper.dns.ResolverSettings;
import dev.gatekeeper.dns.Setting;
import dev.gatekeeper.dns.SettingKeys;
import dev.gatekeeper.dns.SettingsTable;
import dev.gatekeeper.james.common.ForgedAuthenticationResults;
import dev.gatekeeper.james.common.GatekeeperAttributes;
import dev.gatekeeper.reputation.DnsListSettings;
import dev.gatekeeper.reputation.GreylistSettings;
import dev.gatekeeper.spf.SpfSettings;
import dev.gatekeeper.state.StateSettings;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.mailet.AttributeName;
import org.junit.jupiter.api.Test;

/** Keeps README-hooks.md in step with the code: every element, every attribute, and an example that reads. */
class ReadmeHooksTest {

    private static String readme() throws IOException {
        return Files.readString(Path.of("README-hooks.md"));
    }

    private static SettingsTable reference() throws IOException {
        return SettingsTable.of(readme(), "| element | default | meaning |");
    }

    @Test
    void everyHandlerElementIsInTheReference() throws IOException {
        assertThat(reference().names()).containsExactlyInAnyOrderElementsOf(
                HandlerConfig.ELEMENTS.stream().map(e -> "<" + e + ">").collect(Collectors.toList()));
        assertThat(readme()).contains("`" + ForgedAuthenticationResults.RENAMED + "`");
    }

    /** The defaults the reference gives are those the keys declare. */
    @Test
    void everyDefaultInTheReferenceIsTheKeys() throws IOException {
        SettingsTable table = reference();
        table.assertDefaults(HandlerConfig.SCALARS, k -> "<" + k.name() + ">");
        for (Setting<?> k : HandlerConfig.CLIENT_NAME.keys()) {
            assertThat(table.defaultOf("<clientName>")).contains(k.name() + " " + k.documentedDefault());
        }
        assertThat(table.defaultOf("<dns>")).isEqualTo(ResolverSettings.SERVERS.documentedDefault() + ", "
                + ResolverSettings.TIMEOUT.documentedDefault() + ", " + ResolverSettings.RETRIES.documentedDefault() + " retry");
        assertThat(table.defaultOf("<spf>")).endsWith("timeBudget " + SpfSettings.TIME_BUDGET.documentedDefault());
        assertThat(table.defaultOf("<state>")).contains("store " + StateSettings.STORE.documentedDefault());
        for (Setting<?> k : DnsListSettings.KEYS.keys()) {
            assertThat(table.defaultOf("<dnsLists>")).contains(k.name() + " " + k.documentedDefault());
        }
        assertThat(table.defaultOf("<greylist>")).contains("delay " + GreylistSettings.DELAY.documentedDefault(),
                "retryWindow " + GreylistSettings.RETRY_WINDOW.documentedDefault(), "expiry " + GreylistSettings.EXPIRY.documentedDefault(),
                "autoAllowlistAfter " + GreylistSettings.AUTO_ALLOWLIST_AFTER.documentedDefault());
    }

    /** The reference names every key an engine element takes (the callout's are in the project README). */
    @Test
    void theEngineElementsNameTheirKeys() throws IOException {
        String readme = readme();
        Map<String, SettingKeys> elements = Map.of("<dns>", ResolverSettings.KEYS, "<spf>", SpfSettings.KEYS, "<state>", StateSettings.KEYS,
                "<dnsLists>", DnsListSettings.KEYS, "<greylist>", GreylistSettings.KEYS);
        elements.forEach((element, keys) -> {
            String row = readme.lines().filter(l -> l.startsWith("| `" + element + "` |")).findFirst().orElseThrow();
            for (String key : keys.names()) {
                assertThat(row).as(element + " " + key).contains("`" + key + "`");
            }
        });
    }

    @Test
    void everyMailAttributeIsInTheReference() throws Exception {
        String readme = readme();
        for (Field f : GatekeeperAttributes.class.getFields()) {
            if (Modifier.isStatic(f.getModifiers()) && f.getType() == AttributeName.class) {
                String name = ((AttributeName) f.get(null)).asString();
                assertThat(readme).as(name).contains("| `" + name + "` |");
            }
        }
    }

    @Test
    void theCopyPasteExampleReads() throws Exception {
        HandlerConfig c = readHandler(readme());
        assertThat(c.rewrites).hasSize(1);
        assertThat(c.authservId).contains("mx.example.org");
        assertThat(c.forgedAuthenticationResults).isEqualTo(ForgedAuthenticationResults.Handling.REMOVE);
        assertThat(c.clientNameLookup).isTrue();
    }

    @Test
    void theSampleConfigurationReads() throws Exception {
        HandlerConfig c = readHandler(Files.readString(Path.of("../conf/smtpserver.xml")));
        assertThat(c.rewrites).hasSize(1);
        assertThat(c.engines.dns().servers()).map(a -> a.getAddress().getHostAddress() + ":" + a.getPort())
                .containsExactly("127.0.0.153:53");
        assertThat(c.policy.hostname()).isEqualTo("mx.gatekeeper.test");
    }

    /** The Gatekeeper handler element of an XML text, read as James hands it over. */
    private static HandlerConfig readHandler(String text) throws Exception {
        Matcher m = Pattern.compile("(<handler class=\"dev\\.gatekeeper\\.james\\.smtp\\.GatekeeperHandler\">.*?</handler>)",
                Pattern.DOTALL).matcher(text);
        assertThat(m.find()).isTrue();
        String body = m.group(1).replaceFirst("^<handler[^>]*>", "").replaceFirst("</handler>$", "")
                // The test runs in smtp-hooks/; the example names James's working directory's conf/.
                .replace("file=\"conf/", "file=\"../conf/");
        return HandlerConfig.read(HandlerConfigTest.xml(body));
    }
}
