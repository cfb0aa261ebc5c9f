package dev.gatekeeper.dkim;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.gatekeeper.dns.ZoneResolver;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/** Hostile header sections with ARC fields: the chain always gets a result, never an exception. */
class ArcChainFuzzTest {

    private static final DkimVerifier VERIFIER = new DkimVerifier(ZoneResolver.builder().build());

    @FuzzTest(maxDuration = "5s")
    void chain(FuzzedDataProvider data) throws Exception {
        // ARC field names as likely prefixes, so that the fuzzer reaches the structure rules quickly.
        String[] names = {"ARC-Seal: ", "ARC-Message-Signature: ", "ARC-Authentication-Results: ", "From: "};
        StringBuilder message = new StringBuilder();
        int fields = data.consumeInt(0, 8);
        for (int k = 0; k < fields; k++) {
            message.append(names[data.consumeInt(0, names.length - 1)]).append(data.consumeString(200)).append("\r\n");
        }
        message.append("\r\n").append(data.consumeRemainingAsString());
        ArcResult r = VERIFIER.verifyArc(message.toString().getBytes(StandardCharsets.ISO_8859_1))
                .toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertThat(r.status()).isNotNull();
        assertThat(r.resinfo("127.0.0.1")).startsWith("arc=" + r.status().keyword()).doesNotContain("\r", "\n");
    }
}
