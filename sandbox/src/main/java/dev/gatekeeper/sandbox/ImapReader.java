package dev.gatekeeper.sandbox;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a whole INBOX over plain IMAP4rev1 (RFC 3501): LOGIN, SELECT, FETCH BODY.PEEK[],
 * LOGOUT. Just enough for tests; messages stay unseen.
 */
final class ImapReader {
    private static final Pattern LITERAL = Pattern.compile("\\{(\\d+)\\}$");
    private static final Pattern EXISTS = Pattern.compile("^\\* (\\d+) EXISTS$");
    private static final int MAX_LINE = 64 * 1024;
    private static final int MAX_LITERAL = 32 * 1024 * 1024;
    private static final int MAX_RESPONSE_LINES = 100_000;

    private final InetSocketAddress server;
    private final Duration timeout;

    ImapReader(InetSocketAddress server, Duration timeout) {
        this.server = server;
        this.timeout = timeout;
    }

    /** The raw messages of the user's INBOX, oldest first; empty when there is no INBOX yet. */
    List<String> readInbox(String user, String password) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(server, Math.toIntExact(timeout.toMillis()));
            socket.setSoTimeout(Math.toIntExact(timeout.toMillis()));
            Session session = new Session(socket);
            String greeting = session.readLine();
            if (!greeting.startsWith("* OK")) {
                throw new IOException("unexpected IMAP greeting: " + greeting);
            }
            session.expectOk(session.command("LOGIN " + quote(user) + " " + quote(password)));
            Response select = session.command("SELECT INBOX");
            if (!select.ok()) {
                session.command("LOGOUT");
                return List.of();
            }
            int exists = 0;
            for (String line : select.lines) {
                Matcher matcher = EXISTS.matcher(line);
                if (matcher.matches()) {
                    exists = Integer.parseInt(matcher.group(1));
                }
            }
            List<String> messages = new ArrayList<>();
            if (exists > 0) {
                Response fetch = session.command("FETCH 1:" + exists + " (BODY.PEEK[])");
                session.expectOk(fetch);
                messages.addAll(fetch.literals);
            }
            session.command("LOGOUT");
            return messages;
        }
    }

    private static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private static final class Response {
        final List<String> lines = new ArrayList<>();
        final List<String> literals = new ArrayList<>();
        String status = "";

        boolean ok() {
            return status.startsWith("OK");
        }
    }

    private static final class Session {
        private final InputStream in;
        private final OutputStream out;
        private int tags;

        Session(Socket socket) throws IOException {
            this.in = new BufferedInputStream(socket.getInputStream());
            this.out = socket.getOutputStream();
        }

        Response command(String command) throws IOException {
            String tag = "g" + (++tags);
            out.write((tag + " " + command + "\r\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            Response response = new Response();
            for (int n = 0; n < MAX_RESPONSE_LINES; n++) {
                String line = readLine();
                if (line.startsWith(tag + " ")) {
                    response.status = line.substring(tag.length() + 1);
                    return response;
                }
                response.lines.add(line);
                Matcher literal = LITERAL.matcher(line);
                if (literal.find()) {
                    response.literals.add(readBytes(Integer.parseInt(literal.group(1))));
                }
            }
            throw new IOException("IMAP response to " + command + " longer than " + MAX_RESPONSE_LINES + " lines");
        }

        void expectOk(Response response) throws IOException {
            if (!response.ok()) {
                throw new IOException("IMAP command refused: " + response.status);
            }
        }

        String readLine() throws IOException {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            while (line.size() < MAX_LINE) {
                int b = in.read();
                if (b < 0) {
                    throw new IOException("IMAP connection closed");
                }
                if (b == '\n') {
                    String text = line.toString(StandardCharsets.UTF_8);
                    return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
                }
                line.write(b);
            }
            throw new IOException("IMAP line longer than " + MAX_LINE + " octets");
        }

        private String readBytes(int count) throws IOException {
            if (count > MAX_LITERAL) {
                throw new IOException("IMAP literal of " + count + " octets");
            }
            byte[] bytes = in.readNBytes(count);
            if (bytes.length != count) {
                throw new IOException("IMAP connection closed inside a literal");
            }
            return new String(bytes, StandardCharsets.UTF_8);
        }
    }
}
