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
     * the block may carry the separator line or not. A field whose lines all end in CRLF is
     * taken in one copy; only one with a bare LF (or none at the end) is rebuilt line by line.
     */
    static List<HeaderField> parse(byte[] block, int off, int len) {
        List<HeaderField> fields = new ArrayList<>();
        int end = off + len;
        int fieldStart = -1;
        int fieldEnd = -1;
        boolean crlfOnly = true;
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
            if (lineEnd == pos) {
                break;
            }
            int next = lf < end ? lf + 1 : end;
            boolean crlf = lf < end && lineEnd == lf - 1;
            byte first = block[pos];
            if ((first == ' ' || first == '\t') && fieldStart >= 0) {
                crlfOnly &= crlf;
            } else {
                if (fieldStart >= 0) {
                    fields.add(field(block, fieldStart, fieldEnd, crlfOnly));
                }
                fieldStart = pos;
                crlfOnly = crlf;
            }
            fieldEnd = next;
            pos = next;
        }
        if (fieldStart >= 0) {
            fields.add(field(block, fieldStart, fieldEnd, crlfOnly));
        }
        return fields;
    }

    private static HeaderField field(byte[] block, int start, int end, boolean crlfOnly) {
        if (crlfOnly) {
            return new HeaderField(new String(block, start, end - start, StandardCharsets.ISO_8859_1));
        }
        StringBuilder raw = new StringBuilder(end - start + 8);
        int pos = start;
        while (pos < end) {
            int lf = pos;
            while (lf < end && block[lf] != '\n') {
                lf++;
            }
            int lineEnd = lf > pos && block[lf - 1] == '\r' ? lf - 1 : lf;
            raw.append(new String(block, pos, lineEnd - pos, StandardCharsets.ISO_8859_1)).append("\r\n");
            pos = lf < end ? lf + 1 : end;
        }
        return new HeaderField(raw.toString());
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
