package dev.gatekeeper.dkim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatekeeper.dns.ZoneResolver;
import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The header section read from a stream, whatever the stream says of its length. */
class DkimReadTest {

    private static final String HEADERS = "From: Alice <alice@example.org>\r\n"
            + "X-Long: " + "x".repeat(20_000) + "\r\n"
            + "Subject: read\r\n\r\n";

    @Test
    void aStreamThatKnowsItsLengthGivesTheWholeHeaderSection() throws Exception {
        byte[] message = (HEADERS + "body\r\n").getBytes(StandardCharsets.US_ASCII);
        assertFields(new ByteArrayInputStream(message));
        byte[] small = "From: Alice <alice@example.org>\r\nSubject: read\r\n\r\nbody\r\n".getBytes(StandardCharsets.US_ASCII);
        DkimVerification v = new DkimVerifier(ZoneResolver.builder().build()).read(new ByteArrayInputStream(small));
        assertThat(v.fieldValues("subject")).containsExactly(" read");
    }

    @Test
    void aStreamThatUnderstatesOrOverstatesItsLengthGivesItToo() throws Exception {
        byte[] message = (HEADERS + "body\r\n").getBytes(StandardCharsets.US_ASCII);
        assertFields(claiming(message, 1));
        assertFields(claiming(message, 1 << 30));
        assertFields(claiming(message, 0));
    }

    @Test
    void aHeaderSectionPastTheLimitIsRefusedStreamedOrHeld() {
        byte[] message = ("X-Long: " + "x".repeat(DkimVerifier.MAX_HEADER_SECTION) + "\r\n\r\nbody\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        DkimVerifier verifier = new DkimVerifier(ZoneResolver.builder().build());
        assertThatThrownBy(() -> verifier.read(new ByteArrayInputStream(message))).isInstanceOf(java.io.IOException.class)
                .hasMessageContaining("header section longer than");
        assertThatThrownBy(() -> verifier.read(message, 0, message.length)).isInstanceOf(java.io.IOException.class)
                .hasMessageContaining("header section longer than");
    }

    private static void assertFields(InputStream in) throws Exception {
        DkimVerification v = new DkimVerifier(ZoneResolver.builder().build()).read(in);
        assertThat(v.fieldValues("From")).containsExactly(" Alice <alice@example.org>");
        assertThat(v.fieldValues("subject")).containsExactly(" read");
        assertThat(v.fieldValues("x-long")).hasSize(1).allMatch(x -> x.length() == 20_001);
        assertThat(v.finish().toCompletableFuture().get()).isEqualTo(List.of());
    }

    /** A stream whose available() is {@code claimed}, and which hands out at most 700 octets a read. */
    private static InputStream claiming(byte[] message, int claimed) {
        return new FilterInputStream(new ByteArrayInputStream(message)) {
            @Override
            public int available() {
                return claimed;
            }

            @Override
            public int read(byte[] b, int off, int len) throws java.io.IOException {
                return super.read(b, off, Math.min(len, 700));
            }
        };
    }
}
