package dev.gatekeeper.benchmarks.load;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatekeeper.policy.PolicyConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The policies smtp-source.md runs the hooked James with to see what a part of the handler costs:
 * they load as the handler loads them, and nothing of the load (127.0.0.1) is trusted, so every
 * check they keep runs for it as for any outside client.
 */
class BenchmarkPoliciesTest {
    /** Surefire runs in benchmarks/. */
    private static final Path DIR = Path.of("conf");

    @Test
    void theFirstPlanKeepsRelaySpfAndCalloutAndNothingNewer() throws IOException {
        Path file = DIR.resolve("first-plan-policy.xml");
        PolicyConfig policy = PolicyConfig.load(file);
        assertThat(policy.relayEnabled()).isTrue();
        assertThat(policy.dnsLists()).isEmpty();
        assertThat(Files.readString(file)).contains("<spf result=\"fail\"/>", "<callout address=\"sender\"")
                .doesNotContain("<greylist", "<dmarc", "<arc", "<dkim");
        assertUntrusted(file);
    }

    @Test
    void theStampOnlyPolicyHasNoRuleButTheRelayRules() throws IOException {
        Path file = DIR.resolve("stamp-only-policy.xml");
        PolicyConfig policy = PolicyConfig.load(file);
        assertThat(policy.relayEnabled()).isTrue();
        assertThat(policy.dnsLists()).isEmpty();
        assertThat(Files.readString(file)).doesNotContain("<stage", "<rule");
        assertUntrusted(file);
    }

    private static void assertUntrusted(Path file) throws IOException {
        assertThat(Files.readString(file)).contains("<my-networks>" + SmtpSourceConf.TRUSTED + "</my-networks>")
                .doesNotContain("127.0.0.1/");
    }
}
