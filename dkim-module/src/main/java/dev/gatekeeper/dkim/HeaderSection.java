package dev.gatekeeper.dkim;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits a message's header section into fields. Line ends are taken as received, CRLF or a bare
 * LF (a message read from a Unix file or handed over by a lax client), and stored as CRLF, which
 * is what the signer saw on the wire (RFC 6376 §5.3: signers and verifiers work on the message in
 * its SMTP form).
 */
final class HeaderSection {

    private HeaderSection() {
    }

    /**
     * The fields of a header block. Parsing stops at the first empty line when there is one, so
     * the block may carry the separator line or not.
     */
    static List<HeaderField> parse(byte[] block, int off, int len) {
        List<HeaderField> fields = new ArrayList<>();
        StringBuilder current = null;
        int end = off + len;
        int pos = off;
        while (pos < end) {
            int lf = pos;
            while (lf < end && block[lf] != '\n') {
                lf++;
            }
            int lineEnd = lf;
            if (lineEnd > pos && block[lineEnd - 1] == '\r') {
                lineEnd--;
            }
            String line = new String(block, pos, lineEnd - pos, StandardCharsets.ISO_8859_1);
            pos = lf < end ? lf + 1 : end;
            if (line.isEmpty()) {
                break;
            }
            char first = line.charAt(0);
            if ((first == ' ' || first == '\t') && current != null) {
                current.append(line).append("\r\n");
            } else {
                if (current != null) {
                    fields.add(new HeaderField(current.toString()));
                }
                current = new StringBuilder(line).append("\r\n");
            }
        }
        if (current != null) {
            fields.add(new HeaderField(current.toString()));
        }
        return fields;
    }

    /**
     * Where the body starts in a whole message: the offset after the empty line that ends the
     * header section, or the message's length when there is none.
     */
    static int bodyOffset(byte[] message, int off, int len) {
        int end = off + len;
        boolean lineStart = true;
        for (int i = off; i < end; i++) {
            byte b = message[i];
            if (lineStart) {
                if (b == '\n') {
                    return i + 1;
                }
                if (b == '\r' && i + 1 < end && message[i + 1] == '\n') {
                    return i + 2;
                }
            }
            lineStart = b == '\n';
        }
        return end;
    }
}
