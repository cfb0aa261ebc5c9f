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
        assertThat(untrustedRelayPolicy("first-plan-policy.xml"))
                .contains("<spf result=\"fail\"/>", "<callout address=\"sender\"")
                .doesNotContain("<greylist", "<dmarc", "<arc", "<dkim");
    }

    @Test
    void theStampOnlyPolicyHasNoRuleButTheRelayRules() throws IOException {
        assertThat(untrustedRelayPolicy("stamp-only-policy.xml")).doesNotContain("<stage", "<rule");
    }

    /**
     * What both policies share: the handler's loader takes the file, the relay rules are on, no
     * DNS list is asked, and only 127.0.0.254 is trusted. Returns the file's text for the rest.
     */
    private static String untrustedRelayPolicy(String name) throws IOException {
        Path file = DIR.resolve(name);
        PolicyConfig policy = PolicyConfig.load(file);
        assertThat(policy.relayEnabled()).isTrue();
        assertThat(policy.dnsLists()).isEmpty();
        String text = Files.readString(file);
        assertThat(text).contains("<my-networks>" + SmtpSourceConf.TRUSTED + "</my-networks>")
                .doesNotContain("127.0.0.1/");
        return text;
    }
}
