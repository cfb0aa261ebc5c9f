package dev.gatekeeper.sandbox;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A hostile "SMTP server" on loopback that answers every connection with a greeting that never
 * ends: one endless line ({@code 220-} and then octets with no line end), or endless continuation
 * lines ({@code 220-xxxx...}). It writes until the client hangs up, at most {@link #MAX_OCTETS}
 * per connection and for at most {@link #MAX_MILLIS}, so the test itself stays bounded; it counts
 * what it managed to write before the client hung up.
 */
final class FloodPeer implements AutoCloseable {

    static final long MAX_OCTETS = 256L * 1024 * 1024;
    static final long MAX_MILLIS = 20_000;
    private static final int MAX_CONNECTIONS = 50;

    private final ServerSocket server;
    private final boolean lines;
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger hungUp = new AtomicInteger();
    private final AtomicLong mostWritten = new AtomicLong();
    private final java.util.Set<Socket> open = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    private FloodPeer(String address, int port, boolean lines) throws IOException {
        this.server = new ServerSocket(port, 50, InetAddress.getByName(address));
        this.lines = lines;
        Thread acceptor = new Thread(this::accept, "flood-peer-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** One endless greeting line, on a loopback address and port (0: ephemeral). */
    static FloodPeer endlessLine(String address, int port) throws IOException {
        return new FloodPeer(address, port, false);
    }

    /** Endless greeting continuation lines of 80 octets each. */
    static FloodPeer endlessLines(String address, int port) throws IOException {
        return new FloodPeer(address, port, true);
    }

    int port() {
        return server.getLocalPort();
    }

    int connections() {
        return connections.get();
    }

    /** Connections on which the client hung up before the flood's own bounds ended it. */
    int hungUp() {
        return hungUp.get();
    }

    /** The most octets written on one connection. */
    long mostWritten() {
        return mostWritten.get();
    }

    private void accept() {
        while (!closed && connections.get() < MAX_CONNECTIONS) {
            try {
                Socket s = server.accept();
                connections.incrementAndGet();
                open.add(s);
                Thread t = new Thread(() -> flood(s), "flood-peer");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void flood(Socket socket) {
        byte[] chunk;
        if (lines) {
            byte[] line = ("220-" + "x".repeat(74) + "\r\n").getBytes(StandardCharsets.US_ASCII);
            chunk = new byte[line.length * 100];
            for (int i = 0; i < 100; i++) {
                System.arraycopy(line, 0, chunk, i * line.length, line.length);
            }
        } else {
            chunk = new byte[8192];
            Arrays.fill(chunk, (byte) 'x');
        }
        long written = 0;
        long deadline = System.currentTimeMillis() + MAX_MILLIS;
        try (socket) {
            OutputStream out = socket.getOutputStream();
            out.write("220-".getBytes(StandardCharsets.US_ASCII));
            while (!closed && written < MAX_OCTETS && System.currentTimeMillis() < deadline) {
                out.write(chunk);
                written += chunk.length;
            }
        } catch (IOException e) {
            hungUp.incrementAndGet();
        } finally {
            open.remove(socket);
            mostWritten.accumulateAndGet(written, Math::max);
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
        // A write blocked on a client that neither reads nor hangs up ends here.
        for (Socket s : open) {
            try {
                s.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
    }
}
