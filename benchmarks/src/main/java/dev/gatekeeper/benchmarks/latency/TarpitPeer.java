package dev.gatekeeper.benchmarks.latency;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PushbackInputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collections;
import java.util.HashSet;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A mail host that tarpits: it accepts a connection at once and sends its 220 greeting only after
 * a delay (RFC 5321 §4.5.3.2.1 lets a client wait five minutes for it), then answers as an
 * accepting MTA (250 to EHLO, MAIL and RCPT, 221 to QUIT). A callout to it waits the whole delay
 * for the greeting. Hundreds of connections may wait at once at no more than a timer entry each:
 * no thread sleeps for a waiting connection, the greeting is scheduled, and only the short
 * conversation after it takes one of a few threads.
 *
 * <p>Bounded: at most {@link #MAX_CONNECTIONS} connections are accepted in all, every read times
 * out after {@link #READ_TIMEOUT_MILLIS}, a conversation ends after {@link #MAX_COMMANDS}
 * commands, and {@link #close()} ends everything.
 */
public final class TarpitPeer implements AutoCloseable {

    static final int MAX_CONNECTIONS = 50_000;
    static final int MAX_COMMANDS = 20;
    static final int READ_TIMEOUT_MILLIS = 10_000;
    private static final int CONVERSATION_THREADS = 8;

    private final Duration greetingDelay;
    private final ServerSocket server;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(daemon("tarpit-timer"));
    private final ExecutorService conversations = Executors.newFixedThreadPool(CONVERSATION_THREADS, daemon("tarpit-peer"));
    private final Set<Socket> open = Collections.synchronizedSet(new HashSet<>());
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger greeted = new AtomicInteger();
    private final AtomicInteger goneBeforeGreeting = new AtomicInteger();
    private volatile boolean closed;

    private TarpitPeer(InetAddress address, int port, Duration greetingDelay) throws IOException {
        this.greetingDelay = greetingDelay;
        this.server = new ServerSocket(port, 1024, address);
        Thread acceptor = new Thread(this::acceptLoop, "tarpit-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /**
     * Listens on a loopback address (127.0.0.0/8 or ::1) and port (0: an ephemeral one) and greets
     * each connection {@code greetingDelay} after accepting it.
     */
    public static TarpitPeer start(String loopbackAddress, int port, Duration greetingDelay) throws IOException {
        InetAddress address = InetAddress.getByName(Objects.requireNonNull(loopbackAddress, "address"));
        if (!address.isLoopbackAddress()) {
            throw new IllegalArgumentException("the tarpit stays on loopback: " + loopbackAddress);
        }
        if (greetingDelay.isNegative()) {
            throw new IllegalArgumentException("greeting delay is negative: " + greetingDelay);
        }
        return new TarpitPeer(address, port, greetingDelay);
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

    /** Connections that got the greeting. */
    public int greeted() {
        return greeted.get();
    }

    /** Connections the client closed before the greeting was due (a callout that gave up waiting). */
    public int goneBeforeGreeting() {
        return goneBeforeGreeting.get();
    }

    /** Connections accepted and not yet closed: waiting for the greeting or conversing. */
    public int open() {
        return open.size();
    }

    private void acceptLoop() {
        while (!closed && connections.get() < MAX_CONNECTIONS) {
            Socket s;
            try {
                s = server.accept();
            } catch (IOException e) {
                return;
            }
            connections.incrementAndGet();
            open.add(s);
            try {
                timer.schedule(() -> greet(s), greetingDelay.toNanos(), TimeUnit.NANOSECONDS);
            } catch (RejectedExecutionException e) {
                closeQuietly(s);
                return;
            }
        }
    }

    private void greet(Socket s) {
        try {
            conversations.execute(() -> converse(s));
        } catch (RejectedExecutionException e) {
            closeQuietly(s);
        }
    }

    private void converse(Socket s) {
        try {
            PushbackInputStream in = new PushbackInputStream(s.getInputStream(), 1);
            OutputStream out = s.getOutputStream();
            // A client that gave up waiting closed its end: its stream has ended already. A client
            // has nothing to say before the greeting, so a short look does not disturb one that waits.
            s.setSoTimeout(1);
            try {
                int early = in.read();
                if (early < 0) {
                    goneBeforeGreeting.incrementAndGet();
                    return;
                }
                in.unread(early);
            } catch (SocketTimeoutException e) {
                // still waiting for us, as it should
            }
            s.setSoTimeout(READ_TIMEOUT_MILLIS);
            if (!write(out, "220 tarpit.test ESMTP slow to greet")) {
                goneBeforeGreeting.incrementAndGet();
                return;
            }
            greeted.incrementAndGet();
            for (int n = 0; n < MAX_COMMANDS && !closed; n++) {
                String line = readLine(in);
                if (line == null) {
                    return;
                }
                String reply = replyTo(line.toUpperCase(Locale.ROOT));
                write(out, reply);
                if (reply.startsWith("221")) {
                    return;
                }
            }
        } catch (IOException e) {
            // the client went away: nothing more to say
        } finally {
            closeQuietly(s);
        }
    }

    /** An accepting MTA's replies; DATA is refused, since a callout never sends a message. */
    static String replyTo(String upperCaseCommand) {
        if (upperCaseCommand.startsWith("EHLO")) {
            return "250-tarpit.test\r\n250 PIPELINING";
        } else if (upperCaseCommand.startsWith("HELO")) {
            return "250 tarpit.test";
        } else if (upperCaseCommand.startsWith("MAIL FROM:")) {
            return "250 2.1.0 sender ok";
        } else if (upperCaseCommand.startsWith("RCPT TO:")) {
            return "250 2.1.5 recipient ok";
        } else if (upperCaseCommand.equals("RSET") || upperCaseCommand.equals("NOOP")) {
            return "250 2.0.0 ok";
        } else if (upperCaseCommand.equals("QUIT")) {
            return "221 2.0.0 bye";
        } else if (upperCaseCommand.equals("DATA")) {
            return "554 5.5.1 no mail taken here";
        }
        return "500 5.5.2 command not recognized";
    }

    private static boolean write(OutputStream out, String reply) {
        try {
            out.write((reply + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** One line without its CRLF; null at the end of the stream. */
    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        while (line.size() < 1000) {
            int b = in.read();
            if (b < 0) {
                return null;
            }
            if (b == '\n') {
                String s = line.toString(StandardCharsets.US_ASCII);
                return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
            }
            line.write(b);
        }
        throw new IOException("command line too long");
    }

    private void closeQuietly(Socket s) {
        open.remove(s);
        try {
            s.close();
        } catch (IOException e) {
            // closing anyway
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException e) {
            // closing anyway
        }
        timer.shutdownNow();
        conversations.shutdownNow();
        synchronized (open) {
            for (Socket s : open) {
                try {
                    s.close();
                } catch (IOException e) {
                    // closing anyway
                }
            }
            open.clear();
        }
        try {
            conversations.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }
}
