package dev.gatekeeper.james.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatekeeper.james.common.ForgedAuthenticationResults;
import dev.gatekeeper.james.common.GatekeeperAttributes;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.mailet.AttributeName;
import org.junit.jupiter.api.Test;

/** Keeps README-hooks.md in step with the code: every element, every attribute, and an example that reads. */
class ReadmeHooksTest {

    private static String readme() throws IOException {
        return Files.readString(Path.of("README-hooks.md"));
    }

    @Test
    void everyHandlerElementIsInTheReference() throws IOException {
        String readme = readme();
        for (String element : HandlerConfig.ELEMENTS) {
            assertThat(readme).as(element).contains("| `<" + element + ">` |");
        }
        assertThat(readme).contains("| `<internalError>` | `" + HandlerConfig.DEFAULT_INTERNAL_ERROR + "` |");
        assertThat(readme).contains("| `<forgedAuthenticationResults>` | `"
                + HandlerConfig.DEFAULT_FORGED_AUTHENTICATION_RESULTS.keyword() + "` |", "`" + ForgedAuthenticationResults.RENAMED + "`");
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
        assertThat(c.dns).containsEntry("servers", "127.0.0.153:53");
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
