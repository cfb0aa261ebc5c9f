package dev.gatekeeper.callout;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * A scripted SMTP server on a loopback address and an ephemeral port, for tests: it answers each
 * command with the reply scripted for the longest matching command prefix, and counts connections
 * and records commands so a test can assert what a client did. It reproduces what real MTAs do:
 * multi-line replies, 421/554 greetings, STARTTLS with a self-signed certificate, tarpits,
 * disconnects, garbage; and, for a client that sends mail, DATA (354, the message up to its lone
 * dot, then the end-of-data reply), keeping each message. Every wait is bounded: sockets time out
 * after 10 s, and {@link #close()} ends everything.
 *
 * <pre>
 * try (ScriptedPeer peer = ScriptedPeer.on("127.0.0.2")
 *         .reply("RCPT TO:&lt;nobody@", "550 5.1.1 no such user")
 *         .start()) { ... peer.port() ... peer.connections() ... }
 * </pre>
 */
public final class ScriptedPeer implements AutoCloseable {

    /** As a reply, or as its last line: close the connection (after the lines before it). */
    public static final String CLOSE = "<close>";
    /** Prefix of a reply sent verbatim, without an added line end (garbage, bare LF, partial lines). */
    public static final String RAW = "<raw>";

    private static final int MAX_CONNECTIONS = 1000;
    private static final int SOCKET_TIMEOUT_MILLIS = 10_000;

    private final Builder script;
    private final ServerSocket server;
    private final ExecutorService pool = Executors.newFixedThreadPool(8, r -> {
        Thread t = new Thread(r, "scripted-peer");
        t.setDaemon(true);
        return t;
    });
    private final AtomicInteger connections = new AtomicInteger();
    private final List<String> commands = Collections.synchronizedList(new ArrayList<>());
    private final List<String> messages = Collections.synchronizedList(new ArrayList<>());
    /** Every octet received (after TLS, the decrypted ones), from every connection, in order. */
    private final ByteArrayOutputStream received = new ByteArrayOutputStream();
    private final List<Socket> open = Collections.synchronizedList(new ArrayList<>());
    private volatile boolean closed;

    private ScriptedPeer(Builder script) throws IOException {
        this.script = script;
        this.server = new ServerSocket(script.port, 200, InetAddress.getByName(script.address));
        Thread acceptor = new Thread(this::acceptLoop, "scripted-peer-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** Starts scripting a peer on a loopback address such as {@code 127.0.0.2}. */
    public static Builder on(String loopbackAddress) {
        return new Builder(loopbackAddress);
    }

    public int port() {
        return server.getLocalPort();
    }

    public InetAddress address() {
        return server.getInetAddress();
    }

    /** Connections accepted so far. */
    public int connections() {
        return connections.get();
    }

    /** Every command line received so far, from every connection, in order. */
    public List<String> commands() {
        synchronized (commands) {
            return List.copyOf(commands);
        }
    }

    /** Commands received that start with a prefix (case-insensitive). */
    public List<String> commands(String prefix) {
        List<String> out = new ArrayList<>();
        for (String c : commands()) {
            if (c.regionMatches(true, 0, prefix, 0, prefix.length())) {
                out.add(c);
            }
        }
        return out;
    }

    /** The messages received after DATA, in order: lines joined by CRLF, dot-stuffing undone, without the final dot. */
    public List<String> messages() {
        synchronized (messages) {
            return List.copyOf(messages);
        }
    }

    /**
     * Every octet received so far, line ends included, from every connection in order: what a
     * test needs to prove that nothing but well-formed commands reached the peer.
     */
    public byte[] received() {
        synchronized (received) {
            return received.toByteArray();
        }
    }

    private void acceptLoop() {
        while (!closed && connections.get() < MAX_CONNECTIONS) {
            try {
                Socket s = server.accept();
                connections.incrementAndGet();
                open.add(s);
                pool.execute(() -> serve(s));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket socket) {
        Socket s = socket;
        try {
            s.setSoTimeout(SOCKET_TIMEOUT_MILLIS);
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            boolean tls = false;
            if (!send(out, script.greeting)) {
                return;
            }
            for (int n = 0; n < 100; n++) {
                String line = readLine(in);
                if (line == null) {
                    return;
                }
                commands.add(line);
                String upper = line.toUpperCase(Locale.ROOT);
                if (script.tls != null && !tls && upper.equals("STARTTLS")) {
                    send(out, List.of("220 2.0.0 ready to start TLS"));
                    SSLSocket ssl = (SSLSocket) script.tls.getSocketFactory().createSocket(s, null, s.getPort(), true);
                    ssl.setUseClientMode(false);
                    ssl.setSoTimeout(SOCKET_TIMEOUT_MILLIS);
                    ssl.startHandshake();
                    s = ssl;
                    open.add(ssl);
                    in = ssl.getInputStream();
                    out = ssl.getOutputStream();
                    tls = true;
                    continue;
                }
                List<String> reply = replyTo(upper, tls);
                if (!send(out, reply) || upper.equals("QUIT")) {
                    return;
                }
                if (upper.equals("DATA") && reply.get(reply.size() - 1).startsWith("354")) {
                    if (!readMessage(in) || !send(out, script.endOfData)) {
                        return;
                    }
                }
            }
        } catch (IOException e) {
            // the client went away or the test closed us: nothing to script any more
        } finally {
            try {
                s.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
    }

    private List<String> replyTo(String upper, boolean tls) {
        List<String> scripted = longestPrefix(script.replies, upper);
        if (scripted != null) {
            return scripted;
        }
        if (upper.startsWith("EHLO") && script.tls != null && !tls) {
            return List.of("250-peer.test", "250-PIPELINING", "250 STARTTLS");
        }
        List<String> standard = longestPrefix(Builder.DEFAULTS, upper);
        return standard != null ? standard : List.of("500 5.5.1 command not recognized");
    }

    private static List<String> longestPrefix(Map<String, List<String>> replies, String upper) {
        String best = null;
        for (String prefix : replies.keySet()) {
            if (upper.startsWith(prefix) && (best == null || prefix.length() > best.length())) {
                best = prefix;
            }
        }
        return best == null ? null : replies.get(best);
    }

    /** Writes a reply; false when the script says to hang up. */
    private boolean send(OutputStream out, List<String> lines) throws IOException {
        if (lines.size() == 1 && lines.get(0).equals(CLOSE)) {
            return false;
        }
        if (!script.delay.isZero()) {
            sleep(script.delay.toMillis());
        }
        boolean hangUp = lines.get(lines.size() - 1).equals(CLOSE);
        if (hangUp) {
            lines = lines.subList(0, lines.size() - 1);
        }
        StringBuilder sb = new StringBuilder();
        for (String l : lines) {
            if (l.startsWith(RAW)) {
                sb.append(l.substring(RAW.length()));
            } else {
                sb.append(l).append("\r\n");
            }
        }
        byte[] bytes = sb.toString().getBytes(StandardCharsets.ISO_8859_1);
        if (script.tarpit.isZero()) {
            out.write(bytes);
            out.flush();
        } else {
            for (byte b : bytes) {
                if (closed) {
                    return false;
                }
                out.write(b);
                out.flush();
                sleep(script.tarpit.toMillis());
            }
        }
        return !hangUp;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The message after a 354, up to its lone dot (RFC 5321 §4.1.1.4); false when the client went away first. */
    private boolean readMessage(InputStream in) throws IOException {
        List<String> lines = new ArrayList<>();
        for (String line = readLine(in); line != null; line = readLine(in)) {
            if (line.equals(".")) {
                messages.add(String.join("\r\n", lines));
                return true;
            }
            lines.add(line.startsWith(".") ? line.substring(1) : line);
        }
        return false;
    }

    private String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        while (line.size() < 4096) {
            int b = in.read();
            if (b < 0) {
                return null;
            }
            synchronized (received) {
                received.write(b);
            }
            if (b == '\n') {
                String s = line.toString(StandardCharsets.ISO_8859_1);
                return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
            }
            line.write(b);
        }
        throw new IOException("command line too long");
    }

    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException e) {
            // closing anyway
        }
        synchronized (open) {
            for (Socket s : open) {
                try {
                    s.close();
                } catch (IOException e) {
                    // closing anyway
                }
            }
        }
        pool.shutdownNow();
        try {
            pool.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The script: a greeting and replies per command prefix, with defaults of an accepting MTA. */
    public static final class Builder {
        /** What an accepting MTA answers; scripted replies take precedence over all of these. */
        static final Map<String, List<String>> DEFAULTS = Map.of(
                "EHLO", List.of("250-peer.test", "250-PIPELINING", "250 8BITMIME"),
                "HELO", List.of("250 peer.test"),
                "MAIL FROM:", List.of("250 2.1.0 sender ok"),
                "RCPT TO:", List.of("250 2.1.5 recipient ok"),
                "DATA", List.of("354 end data with <CR><LF>.<CR><LF>"),
                "RSET", List.of("250 2.0.0 reset"),
                "NOOP", List.of("250 2.0.0 ok"),
                "QUIT", List.of("221 2.0.0 bye"));

        private final String address;
        private List<String> greeting = List.of("220 peer.test ESMTP scripted");
        private List<String> endOfData = List.of("250 2.0.0 queued");
        private final Map<String, List<String>> replies = new LinkedHashMap<>();
        private SSLContext tls;
        private Duration tarpit = Duration.ZERO;
        private Duration delay = Duration.ZERO;
        private int port;

        private Builder(String address) {
            if (!address.startsWith("127.") && !address.equals("::1")) {
                throw new IllegalArgumentException("tests stay on loopback: " + address);
            }
            this.address = address;
        }

        /** The reply after a message's final dot (default {@code 250 2.0.0 queued}), or {@link #CLOSE}. */
        public Builder endOfData(String... lines) {
            endOfData = List.of(lines);
            return this;
        }

        /** The greeting, one string per line ({@code "220-..."}, {@code "220 ..."}), or {@link #CLOSE}. */
        public Builder greeting(String... lines) {
            greeting = List.of(lines);
            return this;
        }

        /**
         * The reply to commands starting with a prefix (case-insensitive; among scripted prefixes the
         * longest wins, and any scripted one wins over the defaults of an accepting MTA).
         */
        public Builder reply(String commandPrefix, String... lines) {
            replies.put(commandPrefix.toUpperCase(Locale.ROOT), List.of(lines));
            return this;
        }

        /** Offers STARTTLS (in the default EHLO reply) and runs the server side of TLS with this context. */
        public Builder tls(SSLContext context) {
            tls = context;
            return this;
        }

        /** Sends every reply one octet at a time, pausing this long after each. */
        public Builder tarpit(Duration perOctet) {
            tarpit = perOctet;
            return this;
        }

        /** Waits this long before every reply (a slow peer). */
        public Builder delay(Duration beforeEachReply) {
            delay = beforeEachReply;
            return this;
        }

        /** Listens on this port (so several peers on different loopback addresses share one); default ephemeral. */
        public Builder port(int value) {
            port = value;
            return this;
        }

        public ScriptedPeer start() throws IOException {
            return new ScriptedPeer(this);
        }
    }
}
