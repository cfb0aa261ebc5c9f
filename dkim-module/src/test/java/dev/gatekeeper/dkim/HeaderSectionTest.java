package dev.gatekeeper.dkim;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The header section split into fields, every line end stored as CRLF (RFC 6376 §5.3). */
class HeaderSectionTest {

    @Test
    void fieldsKeepTheirFoldingAndEndInCrlf() {
        assertThat(raw("From: a@example.org\r\nSubject: one\r\n\ttwo\r\n\r\nbody\r\n"))
                .containsExactly("From: a@example.org\r\n", "Subject: one\r\n\ttwo\r\n");
    }

    @Test
    void bareLineFeedsBecomeCrlfAndAMissingLastOneIsAdded() {
        assertThat(raw("From: a@example.org\nSubject: one\r\n two\nTo: b@example.net"))
                .containsExactly("From: a@example.org\r\n", "Subject: one\r\n two\r\n", "To: b@example.net\r\n");
    }

    @Test
    void aLoneCarriageReturnInsideALineStaysAsItCame() {
        assertThat(raw("X-A: a\rb\r\nX-B: c\r\n")).containsExactly("X-A: a\rb\r\n", "X-B: c\r\n");
    }

    @Test
    void anEmptyLineEndsTheSectionWhateverItsLineEnd() {
        assertThat(raw("A: 1\n\nB: 2\n")).containsExactly("A: 1\r\n");
        assertThat(raw("A: 1\r\n\r")).containsExactly("A: 1\r\n");
        assertThat(raw("")).isEmpty();
    }

    @Test
    void aContinuationWithNoFieldBeforeItIsAFieldOfItsOwn() {
        assertThat(raw(" folded: x\r\nA: 1\r\n")).containsExactly(" folded: x\r\n", "A: 1\r\n");
    }

    /** Random blocks of the characters that matter, against a line-by-line reading of the same rules. */
    @Test
    void anyBlockSplitsAsTheLineByLineReadingDoes() {
        Random random = new Random(20261206);
        char[] alphabet = {'a', 'B', ':', ' ', '\t', '\r', '\n', '\n', '\r', 'x'};
        for (int round = 0; round < 20_000; round++) {
            StringBuilder text = new StringBuilder();
            int length = random.nextInt(40);
            for (int i = 0; i < length; i++) {
                text.append(alphabet[random.nextInt(alphabet.length)]);
            }
            byte[] block = text.toString().getBytes(StandardCharsets.ISO_8859_1);
            int off = block.length == 0 ? 0 : random.nextInt(block.length);
            int len = block.length - off == 0 ? 0 : random.nextInt(block.length - off + 1);
            List<String> got = new ArrayList<>();
            HeaderSection.parse(block, off, len).forEach(f -> got.add(f.raw));
            assertThat(got).as("block %s [%d, +%d]", text.toString().replace("\r", "\\r").replace("\n", "\\n"), off, len)
                    .isEqualTo(lineByLine(block, off, len));
        }
    }

    private static List<String> raw(String block) {
        byte[] b = block.getBytes(StandardCharsets.ISO_8859_1);
        List<String> out = new ArrayList<>();
        HeaderSection.parse(b, 0, b.length).forEach(f -> out.add(f.raw));
        return out;
    }

    private static List<String> lineByLine(byte[] block, int off, int len) {
        List<String> fields = new ArrayList<>();
        StringBuilder current = null;
        int end = off + len;
        int pos = off;
        while (pos < end) {
            int lf = pos;
            while (lf < end && block[lf] != '\n') {
                lf++;
            }
            int lineEnd = lf > pos && block[lf - 1] == '\r' ? lf - 1 : lf;
            String line = new String(block, pos, lineEnd - pos, StandardCharsets.ISO_8859_1);
            pos = lf < end ? lf + 1 : end;
            if (line.isEmpty()) {
                break;
            }
            if ((line.charAt(0) == ' ' || line.charAt(0) == '\t') && current != null) {
                current.append(line).append("\r\n");
            } else {
                if (current != null) {
                    fields.add(current.toString());
                }
                current = new StringBuilder(line).append("\r\n");
            }
        }
        if (current != null) {
            fields.add(current.toString());
        }
        return fields;
    }
}
