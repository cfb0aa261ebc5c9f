package dev.gatekeeper.sandbox;

import dev.gatekeeper.dns.LoopbackDnsServer;
import dev.gatekeeper.dns.ZoneFile;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The sandbox's DNS: dns-module's {@link LoopbackDnsServer} (real UDP and TCP, authoritative
 * answers, NXDOMAIN/NODATA with SOA) serving the sandbox's zone files, with SERVFAIL for the
 * names whose server "fails" (how the zone produces an SPF temperror).
 *
 * <p>James 3.8.1 asks its DNS servers on port 53 only ({@code dnsservice.xml} takes addresses,
 * not ports), so the launcher binds {@value #DEFAULT_ADDRESS}:{@value #DNS_PORT}; tests choose
 * another loopback address so they never collide with a running launcher.
 */
public final class SandboxDns implements AutoCloseable {
    /** Where {@code conf/dnsservice.xml} sends James. */
    public static final String DEFAULT_ADDRESS = "127.0.0.153";
    /** RFC 1035 §4.2: the only port James 3.8.1's DNS service asks. */
    public static final int DNS_PORT = 53;
    /** Names answered SERVFAIL whatever the zone holds: their SPF check ends in temperror. */
    public static final List<String> FAILING_NAMES = List.of("temperror.sandbox.test");

    private final LoopbackDnsServer server;
    private final List<Path> zoneFiles;

    private SandboxDns(LoopbackDnsServer server, List<Path> zoneFiles) {
        this.server = server;
        this.zoneFiles = zoneFiles;
    }

    /**
     * Loads the zone files (each with its own {@code $ORIGIN}) and serves them on a loopback
     * address and port (0: a free port).
     *
     * @throws IOException when a file does not parse or the address and port cannot be bound
     *                     (port 53 needs root or CAP_NET_BIND_SERVICE)
     */
    public static SandboxDns start(InetAddress address, int port, List<Path> zoneFiles) throws IOException {
        Objects.requireNonNull(address, "address");
        if (!address.isLoopbackAddress()) {
            throw new IllegalArgumentException("the sandbox serves DNS on loopback only, not " + address.getHostAddress());
        }
        ZoneFile zone = load(zoneFiles);
        LoopbackDnsServer server;
        try {
            server = LoopbackDnsServer.start(address, port, zone);
        } catch (IOException e) {
            throw new IOException("cannot serve DNS on " + address.getHostAddress() + ":" + port + " (UDP and TCP): "
                + e.getMessage() + (port != 0 && port < 1024 ? "; ports below 1024 need root" : ""), e);
        }
        server.servfail(true).onlyFor(FAILING_NAMES.toArray(new String[0]));
        return new SandboxDns(server, List.copyOf(zoneFiles));
    }

    /** Reads several master files as one zone set. */
    static ZoneFile load(List<Path> zoneFiles) throws IOException {
        if (zoneFiles.isEmpty()) {
            throw new IllegalArgumentException("no zone file");
        }
        StringBuilder text = new StringBuilder();
        List<String> names = new ArrayList<>();
        for (Path file : zoneFiles) {
            text.append(Files.readString(file, StandardCharsets.UTF_8)).append('\n');
            names.add(file.getFileName().toString());
        }
        return ZoneFile.parse(text.toString(), String.join("+", names));
    }

    public InetAddress address() {
        return server.address();
    }

    public int port() {
        return server.port();
    }

    /** {@code address:port}, as Gatekeeper's {@code servers} setting and {@code --dns-server} take it. */
    public String hostPort() {
        return server.hostPort();
    }

    /** Queries received so far, UDP and TCP. */
    public int queries() {
        return server.queries();
    }

    public List<Path> zoneFiles() {
        return zoneFiles;
    }

    @Override
    public void close() {
        server.close();
    }

    @Override
    public String toString() {
        return "DNS on " + hostPort() + " (UDP and TCP) from " + zoneFiles;
    }
}
