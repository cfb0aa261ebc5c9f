package dev.gatekeeper.dns;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Ports for a server process (James, redis-server) that will bind them later, on loopback.
 *
 * <p>A port the kernel hands out for {@code bind(0)} lies in the ephemeral range (Linux:
 * 32768-60999), the same range every outgoing connection takes its local port from. Between the
 * moment a port is chosen and the moment James binds it, seconds later, any connect() on the
 * machine (the boot probe itself, a test's SMTP client) may take it, and James dies with
 * "Address already in use". Ports handed out here lie below that range, so nothing takes them
 * by chance; each one is probed free before it is handed out, none twice in one JVM, and JVMs
 * start at different places (their pid) so that two builds side by side rarely meet.
 */
public final class LoopbackPorts {
    /** Below Linux's default ephemeral range (32768-60999) and above the usual fixed services. */
    static final int FIRST = 20000;
    static final int LAST = 32767;
    private static final int SPAN = LAST - FIRST + 1;

    private static final AtomicInteger NEXT =
            new AtomicInteger((int) (ProcessHandle.current().pid() * 97 % SPAN));

    private LoopbackPorts() {
    }

    /** A port on {@code address} that no socket holds now and that this JVM never handed out before. */
    public static int free(InetAddress address) {
        for (int attempt = 0; attempt < SPAN; attempt++) {
            int port = FIRST + Math.floorMod(NEXT.getAndIncrement(), SPAN);
            if (bindable(address, port)) {
                return port;
            }
        }
        throw new UncheckedIOException(new IOException("no free port in " + FIRST + "-" + LAST + " on " + address));
    }

    private static boolean bindable(InetAddress address, int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(address, port), 1);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
