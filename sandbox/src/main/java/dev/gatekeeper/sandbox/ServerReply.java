package dev.gatekeeper.sandbox;

import java.util.List;
import java.util.Objects;

/**
 * One SMTP reply as the server sent it: a three-digit code and one or more lines
 * (RFC 5321 §4.2). For James, the enhanced status code (RFC 3463) is the first word
 * of the text when the server announces ENHANCEDSTATUSCODES.
 */
public final class ServerReply {
    private final int code;
    private final List<String> rawLines;

    ServerReply(int code, List<String> rawLines) {
        if (rawLines.isEmpty()) {
            throw new IllegalArgumentException("a reply has at least one line");
        }
        this.code = code;
        this.rawLines = List.copyOf(rawLines);
    }

    /** The reply code, e.g. 250 or 550. */
    public int code() {
        return code;
    }

    /** The lines exactly as received, without CRLF: {@code "250-PIPELINING"}, {@code "250 8BITMIME"}. */
    public List<String> rawLines() {
        return rawLines;
    }

    /** The last line as received, e.g. {@code "550 5.7.1 Requested action not taken: relaying denied"}. */
    public String lastLine() {
        return rawLines.get(rawLines.size() - 1);
    }

    /** The text of every line after the code and its separator, joined by "\n". */
    public String text() {
        StringBuilder text = new StringBuilder();
        for (String line : rawLines) {
            if (text.length() > 0) {
                text.append('\n');
            }
            text.append(line.length() > 4 ? line.substring(4) : "");
        }
        return text.toString();
    }

    public boolean isPositive() {
        return code >= 200 && code < 400;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ServerReply
            && ((ServerReply) other).code == code
            && ((ServerReply) other).rawLines.equals(rawLines);
    }

    @Override
    public int hashCode() {
        return Objects.hash(code, rawLines);
    }

    @Override
    public String toString() {
        return String.join("\r\n", rawLines);
    }
}
