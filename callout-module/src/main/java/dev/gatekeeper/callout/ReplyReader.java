package dev.gatekeeper.callout;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads SMTP replies with every bound a hostile or broken peer calls for: line length, lines per
 * reply, octets per reply, and a deadline per reply that a tarpit (one octet a second) cannot
 * stretch, because the remaining time is re-armed before every read.
 */
final class ReplyReader {

    /** RFC 5321 §4.5.3.1.5 allows 512 octets per reply line; real peers exceed it, so we allow a text line's 1000. */
    static final int MAX_LINE = 1000;
    /** A long EHLO reply is about a kilobyte; 16 KiB leaves room without letting a peer stream at us. */
    static final int MAX_REPLY_OCTETS = 16 * 1024;
    static final int MAX_REPLY_LINES = 100;

    /** A reply that breaks RFC 5321 syntax or a bound. */
    static final class ProtocolException extends IOException {
        private static final long serialVersionUID = 1L;

        ProtocolException(String message) {
            super(message);
        }
    }

    private final Socket socket;
    private final InputStream in;
    private final byte[] buf = new byte[4096];
    private int pos;
    private int limit;

    ReplyReader(Socket socket) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
    }

    /** Reads one complete reply before {@code deadlineNanos} (a {@link System#nanoTime()} value). */
    PeerReply read(long deadlineNanos) throws IOException {
        List<String> lines = new ArrayList<>();
        int total = 0;
        int code = -1;
        while (true) {
            String line = readLine(deadlineNanos);
            total += line.length() + 2;
            if (total > MAX_REPLY_OCTETS || lines.size() >= MAX_REPLY_LINES) {
                throw new ProtocolException("reply longer than " + MAX_REPLY_OCTETS + " octets or "
                        + MAX_REPLY_LINES + " lines");
            }
            if (line.length() < 3 || !isCode(line) || (line.length() > 3 && line.charAt(3) != ' '
                    && line.charAt(3) != '-')) {
                throw new ProtocolException("not an SMTP reply line: \"" + abbreviate(line) + "\"");
            }
            int c = Integer.parseInt(line.substring(0, 3));
            if (code >= 0 && c != code) {
                throw new ProtocolException("reply lines with different codes " + code + " and " + c);
            }
            code = c;
            lines.add(line);
            if (line.length() == 3 || line.charAt(3) == ' ') {
                return new PeerReply(code, lines);
            }
        }
    }

    private static boolean isCode(String line) {
        char a = line.charAt(0);
        char b = line.charAt(1);
        char c = line.charAt(2);
        return a >= '2' && a <= '5' && b >= '0' && b <= '5' && c >= '0' && c <= '9';
    }

    /** One line without its line end; control characters replaced so the text is safe to log and quote. */
    private String readLine(long deadlineNanos) throws IOException {
        byte[] line = new byte[MAX_LINE + 2];
        int n = 0;
        while (true) {
            if (pos == limit) {
                fill(deadlineNanos);
            }
            byte b = buf[pos++];
            if (b == '\n') {
                break;
            }
            if (n >= line.length) {
                throw new ProtocolException("reply line longer than " + MAX_LINE + " octets");
            }
            line[n++] = b;
        }
        if (n > 0 && line[n - 1] == '\r') {
            n--;
        }
        if (n > MAX_LINE - 2) {
            throw new ProtocolException("reply line longer than " + MAX_LINE + " octets");
        }
        char[] chars = new String(line, 0, n, StandardCharsets.ISO_8859_1).toCharArray();
        for (int i = 0; i < chars.length; i++) {
            if (chars[i] < 0x20 || chars[i] >= 0x7f) {
                chars[i] = '?';
            }
        }
        return new String(chars);
    }

    private void fill(long deadlineNanos) throws IOException {
        long remaining = deadlineNanos - System.nanoTime();
        if (remaining <= 0) {
            throw new SocketTimeoutException("no complete reply in time");
        }
        socket.setSoTimeout((int) Math.max(1, Math.min(Integer.MAX_VALUE, remaining / 1_000_000)));
        int r = in.read(buf, 0, buf.length);
        if (r < 0) {
            throw new java.io.EOFException("connection closed by peer");
        }
        pos = 0;
        limit = r;
    }

    /** True when the peer sent more than the replies read so far (forbidden right after a 220 to STARTTLS). */
    boolean hasBuffered() throws IOException {
        return pos < limit || in.available() > 0;
    }

    static String abbreviate(String s) {
        return s.length() <= 60 ? s : s.substring(0, 60) + "...";
    }
}
