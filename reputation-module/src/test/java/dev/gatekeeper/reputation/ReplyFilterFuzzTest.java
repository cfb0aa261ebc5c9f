package dev.gatekeeper.reputation;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.gatekeeper.dns.IpAddresses;
import java.net.InetAddress;

/**
 * Whatever an administrator writes as a reply filter, the parser answers with a filter or an
 * {@link IllegalArgumentException} whose message is one line, never another exception; a parsed
 * filter reads back from its own text to the same filter, matching the same replies. {@code mvn
 * verify} fuzzes this for a few seconds (see the pom).
 */
class ReplyFilterFuzzTest {

    @FuzzTest(maxDuration = "5s")
    void parsesOrRefuses(FuzzedDataProvider data) {
        byte[] reply = data.consumeBytes(4);
        String input = data.consumeRemainingAsString();
        ReplyFilter f;
        try {
            f = ReplyFilter.parse(input);
        } catch (IllegalArgumentException e) {
            assertThat(e.getMessage()).isNotEmpty();
            return;
        }
        ReplyFilter again = ReplyFilter.parse(f.toString());
        assertThat(again).isEqualTo(f);
        if (reply.length == 4) {
            InetAddress a = IpAddresses.toInetAddress(reply);
            assertThat(again.matches(a)).isEqualTo(f.matches(a));
        }
    }
}
