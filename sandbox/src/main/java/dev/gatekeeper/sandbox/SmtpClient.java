package dev.gatekeeper.sandbox;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;

/**
 * A small SMTP client for tests and the demo: one command, one reply, every line
 * kept in a transcript. It speaks plain SMTP only (no TLS) and refuses CR or LF
 * inside a command, so a test can never smuggle a second command by accident.
 *
 * <p>The local address can be chosen: connecting from 127.0.0.2 makes the client
 * look like an outside host to a James that trusts only 127.0.0.1.
 */
public final class SmtpClient implements AutoCloseable {
    /** RFC 5321 §4.5.3.1.5: a reply line is at most 512 octets; allow slack for broken servers. */
    private static final int MAX_LINE = 4096;
    private static final int MAX_REPLY_LINES = 100;

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final List<String> transcript = new ArrayList<>();
    private final ServerReply greeting;

    private SmtpClient(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new BufferedInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
        this.greeting = readReply();
    }

    /**
     * Connects and reads the greeting.
     *
     * @param server       where to connect
     * @param localAddress the address to connect from, or {@code null} for any
     * @param timeout      connect timeout, and read timeout of every reply
     */
    public static SmtpClient connect(InetSocketAddress server, InetAddress localAddress, Duration timeout) {
        Socket socket = new Socket();
        try {
            if (localAddress != null) {
                socket.bind(new InetSocketAddress(localAddress, 0));
            }
            socket.connect(server, Math.toIntExact(timeout.toMillis()));
            socket.setSoTimeout(Math.toIntExact(timeout.toMillis()));
            return new SmtpClient(socket);
        } catch (IOException e) {
            closeQuietly(socket);
            throw new UncheckedIOException("SMTP connection to " + server + " failed", e);
        }
    }

    /** Connects from any local address with a 10 second timeout. */
    public static SmtpClient connect(InetSocketAddress server) {
        return connect(server, null, Duration.ofSeconds(10));
    }

    public ServerReply greeting() {
        return greeting;
    }

    public ServerReply ehlo(String domain) {
        return command("EHLO " + domain);
    }

    public ServerReply helo(String domain) {
        return command("HELO " + domain);
    }

    /** AUTH PLAIN with the initial response (RFC 4616), no authorization identity. */
    public ServerReply authPlain(String user, String password) {
        String token = "\0" + user + "\0" + password;
        return command("AUTH PLAIN " + Base64.getEncoder().encodeToString(token.getBytes(StandardCharsets.UTF_8)));
    }

    /** {@code MAIL FROM:<sender>}; an empty sender is the null reverse-path. */
    public ServerReply mailFrom(String sender) {
        return command("MAIL FROM:<" + sender + ">");
    }

    public ServerReply rcptTo(String recipient) {
        return command("RCPT TO:<" + recipient + ">");
    }

    /**
     * DATA, then the message when the server answers 354. Line ends are normalised
     * to CRLF and lines starting with "." are dot-stuffed (RFC 5321 §4.5.2).
     *
     * @return the reply to DATA if it was not 354, otherwise the reply after the final "."
     */
    public ServerReply data(String message) {
        ServerReply go = command("DATA");
        if (go.code() != 354) {
            return go;
        }
        String normalised = message.replace("\r\n", "\n").replace('\r', '\n');
        if (normalised.endsWith("\n")) {
            normalised = normalised.substring(0, normalised.length() - 1);
        }
        StringBuilder wire = new StringBuilder();
        for (String line : normalised.split("\n", -1)) {
            wire.append(line.startsWith(".") ? "." + line : line).append("\r\n");
        }
        wire.append(".\r\n");
        try {
            out.write(wire.toString().getBytes(StandardCharsets.UTF_8));
            out.flush();
            transcript.add("C: <message, " + wire.length() + " octets>");
            transcript.add("C: .");
            return readReply();
        } catch (IOException e) {
            throw new UncheckedIOException("SMTP message transfer failed; transcript:\n" + transcriptText(), e);
        }
    }

    public ServerReply rset() {
        return command("RSET");
    }

    public ServerReply quit() {
        return command("QUIT");
    }

    /** Sends one command line (without CRLF) and reads its reply. */
    public ServerReply command(String line) {
        if (line.indexOf('\r') >= 0 || line.indexOf('\n') >= 0) {
            throw new IllegalArgumentException("CR or LF inside an SMTP command: " + line.replace("\r", "\\r").replace("\n", "\\n"));
        }
        try {
            out.write((line + "\r\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            transcript.add("C: " + line);
            return readReply();
        } catch (IOException e) {
            throw new UncheckedIOException("SMTP command failed: " + line + "; transcript:\n" + transcriptText(), e);
        }
    }

    /** Every line sent ("C: ...") and received ("S: ...") so far. */
    public List<String> transcript() {
        return Collections.unmodifiableList(transcript);
    }

    public String transcriptText() {
        return String.join("\n", transcript);
    }

    private ServerReply readReply() throws IOException {
        List<String> lines = new ArrayList<>();
        while (lines.size() < MAX_REPLY_LINES) {
            String line = readLine();
            transcript.add("S: " + line);
            if (line.length() < 3 || !isDigits(line.substring(0, 3))
                || (line.length() > 3 && line.charAt(3) != ' ' && line.charAt(3) != '-')) {
                throw new IOException("malformed SMTP reply line: " + line);
            }
            lines.add(line);
            if (line.length() == 3 || line.charAt(3) == ' ') {
                return new ServerReply(Integer.parseInt(line.substring(0, 3)), lines);
            }
        }
        throw new IOException("more than " + MAX_REPLY_LINES + " lines in one SMTP reply");
    }

    private String readLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        while (line.size() < MAX_LINE) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed by the server; transcript:\n" + transcriptText());
            }
            if (b == '\n') {
                String text = line.toString(StandardCharsets.UTF_8);
                return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
            }
            line.write(b);
        }
        throw new IOException("SMTP reply line longer than " + MAX_LINE + " octets");
    }

    private static boolean isDigits(String s) {
        return s.chars().allMatch(c -> c >= '0' && c <= '9');
    }

    @Override
    public void close() {
        closeQuietly(socket);
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // nothing left to do with a socket that will not close
        }
    }
}
