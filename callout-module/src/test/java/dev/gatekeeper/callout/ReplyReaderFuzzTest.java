package dev.gatekeeper.callout;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Whatever a probed mail host sends: the reply reader either gives well-formed replies (every
 * line printable ASCII within the line limit, one code, an enhanced code only of the reply's
 * class) or refuses with an {@link IOException}, and a reply it gave reads back the same when
 * sent again. {@code mvn verify} fuzzes this for a few seconds (see the pom); inputs that once
 * found a bug stay in {@code ReplyReaderFuzzTestInputs/}.
 */
class ReplyReaderFuzzTest {

    private static final Pattern ENHANCED = Pattern.compile("[245]\\.\\d{1,3}\\.\\d{1,3}");
    private static final long NO_DEADLINE = Long.MAX_VALUE / 2;

    @FuzzTest(maxDuration = "5s")
    void readsReplies(FuzzedDataProvider data) throws IOException {
        int chunk = data.consumeInt(1, 5000);
        byte[] peer = data.consumeRemainingAsBytes();
        List<PeerReply> replies = readAll(peer, chunk);
        for (PeerReply r : replies) {
            assertWellFormed(r);
        }
        // What was read renders back to bytes that read as the same replies.
        ByteArrayOutputStream again = new ByteArrayOutputStream();
        for (PeerReply r : replies) {
            for (String line : r.lines()) {
                again.writeBytes((line + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
            }
        }
        List<PeerReply> reread = readAll(again.toByteArray(), 4096);
        assertThat(reread).hasSameSizeAs(replies);
        for (int i = 0; i < replies.size(); i++) {
            assertThat(reread.get(i).lines()).isEqualTo(replies.get(i).lines());
            assertThat(reread.get(i).summary()).isEqualTo(replies.get(i).summary());
        }
    }

    /** Reads replies until the reader refuses the input or it ends; only IOExceptions may end it. */
    private static List<PeerReply> readAll(byte[] bytes, int chunk) throws IOException {
        ReplyReader reader = new ReplyReader(new BytesSocket(bytes, chunk));
        List<PeerReply> replies = new ArrayList<>();
        // Every reply consumes at least one line end, so this ends within bytes.length replies.
        for (int i = 0; i <= bytes.length; i++) {
            try {
                replies.add(reader.read(System.nanoTime() + NO_DEADLINE));
            } catch (ReplyReader.ProtocolException | EOFException e) {
                return replies;
            }
        }
        throw new AssertionError("more replies than octets");
    }

    private static void assertWellFormed(PeerReply r) {
        assertThat(r.code()).isBetween(200, 559);
        assertThat(r.lines()).isNotEmpty().hasSizeLessThanOrEqualTo(ReplyReader.MAX_REPLY_LINES);
        String code = Integer.toString(r.code());
        for (String line : r.lines()) {
            assertThat(line.length()).isBetween(3, ReplyReader.MAX_LINE - 2);
            assertThat(line).startsWith(code);
            assertThat(line.chars().allMatch(c -> c >= 0x20 && c < 0x7f)).as("printable: %s", line).isTrue();
        }
        if (!r.enhancedCode().isEmpty()) {
            assertThat(r.enhancedCode()).matches(ENHANCED);
            assertThat(r.enhancedCode().charAt(0)).isEqualTo(code.charAt(0));
        }
        assertThat(r.summary().chars().allMatch(c -> c >= 0x20 && c < 0x7f)).isTrue();
        assertThat(r.summary()).startsWith(code);
    }

    /** A socket whose peer sent these bytes, delivered at most {@code chunk} octets per read. */
    private static final class BytesSocket extends Socket {
        private final InputStream in;

        BytesSocket(byte[] bytes, int chunk) {
            this.in = new InputStream() {
                private int pos;

                @Override
                public int read() {
                    return pos < bytes.length ? bytes[pos++] & 0xff : -1;
                }

                @Override
                public int read(byte[] b, int off, int len) {
                    if (pos >= bytes.length) {
                        return -1;
                    }
                    int n = Math.min(Math.min(len, chunk), bytes.length - pos);
                    System.arraycopy(bytes, pos, b, off, n);
                    pos += n;
                    return n;
                }
            };
        }

        @Override
        public InputStream getInputStream() {
            return in;
        }

        @Override
        public void setSoTimeout(int timeout) {
            // the bytes are all there: nothing to wait for
        }
    }
}
