package dev.gatekeeper.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Keeps README-policy.md's reference in step with the code. */
class ReadmeTest {

    private static String readme() throws IOException {
        return Files.readString(Path.of("README-policy.md"));
    }

    @Test
    void everyReasonIsListedWithItsDefaultReply() throws IOException {
        String readme = readme();
        for (Reason r : Reason.values()) {
            assertThat(readme).as(r.keyword()).contains("| `" + r.keyword() + "` | `" + r.defaultReply().replace("|", "\\|") + "` |");
        }
    }

    @Test
    void everyConditionElementIsDocumented() throws IOException {
        String readme = readme();
        for (String element : new String[] {"client-address", "client-name", "helo", "sender", "recipient", "authenticated",
                "relay-allowed", "my-networks", "authorized-destination", "local-destination", "recipient-count", "rate", "spf", "callout",
                "all-of", "any-of", "not", "condition"}) {
            assertThat(readme).as(element).contains("`<" + element + ">`");
        }
        for (String attribute : new String[] {"hostname", "addresses", "delay-reject", "warn-only", "soft-bounce", "table-check-seconds"}) {
            assertThat(readme).as(attribute).contains("| `" + attribute + "` |");
        }
    }
}
