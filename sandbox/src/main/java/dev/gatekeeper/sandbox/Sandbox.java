package dev.gatekeeper.sandbox;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The whole sandbox world: the loopback DNS server, the peer MTAs and a real James
 * ({@link JamesRelease}) with {@code conf/} and, when built, Gatekeeper's drop-in jar. Closing it stops James, then
 * the peers, then the DNS server.
 */
public final class Sandbox implements AutoCloseable {
    /** The Gatekeeper SMTP hooks' package: {@code smtpserver.xml} names them when Gatekeeper is configured. */
    static final String HOOKS_PACKAGE = "dev.gatekeeper.james.smtp.";

    private final Settings settings;
    private final SandboxDns dns;
    private final PeerMtas peers;
    private final JamesSandbox james;
    private final boolean gatekeeperInstalled;

    private Sandbox(Settings settings, SandboxDns dns, PeerMtas peers, JamesSandbox james, boolean gatekeeperInstalled) {
        this.settings = settings;
        this.dns = dns;
        this.peers = peers;
        this.james = james;
        this.gatekeeperInstalled = gatekeeperInstalled;
    }

    /** Starts DNS, peers and James, reporting each step on {@code log}. */
    public static Sandbox start(Settings settings, PrintStream log) throws IOException {
        SandboxDns dns = null;
        PeerMtas peers = null;
        try {
            dns = SandboxDns.start(InetAddress.getByName(settings.dnsAddress), settings.dnsPort, settings.zoneFiles());
            log.println("DNS      " + dns);
            peers = PeerMtas.start(settings.peerPort);
            for (PeerMta peer : PeerMta.values()) {
                log.printf("peer     %s:%d  %-22s %s%n", peer.address(), peers.port(), peer.domain(), peer.behaviour());
            }
            boolean hooksConfigured = Files.readString(settings.confDir.resolve("smtpserver.xml"), StandardCharsets.UTF_8)
                .contains(HOOKS_PACKAGE);
            boolean installed = hooksConfigured && settings.gatekeeperJar != null;
            JamesSandbox.Builder builder = JamesSandbox.builder()
                .confDir(settings.confDir)
                .release(settings.release)
                .classpathFile(settings.jamesClasspath)
                .workDir(settings.workDir)
                .smtpPort(settings.smtpPort)
                .dnsServer(dns.address().getHostAddress())
                .user(Demos.SUBMITTER, Demos.SUBMITTER_PASSWORD)
                .user(Demos.RECIPIENT, Demos.RECIPIENT_PASSWORD);
            if (settings.gatekeeperJar != null) {
                builder.gatekeeper(settings.gatekeeperJar);
                log.println("jar      " + settings.gatekeeperJar + " -> extensions-jars/");
            }
            log.println("James    " + settings.release.version() + " starting from " + settings.confDir + " in " + settings.workDir + " ...");
            JamesSandbox james = builder.start();
            log.printf("James    SMTP on %s:%d (booted in %.1f s on %s, pid %d, log %s)%n", JamesSandbox.LOOPBACK,
                james.smtpAddress().getPort(), james.bootTime().toMillis() / 1000.0, james.java(), james.pid(), james.logFile());
            log.println("Gatekeeper hooks " + (installed ? "installed"
                : hooksConfigured ? "configured in smtpserver.xml but no jar given: NOT installed"
                : "not configured in smtpserver.xml: James answers alone"));
            return new Sandbox(settings, dns, peers, james, installed);
        } catch (IOException | RuntimeException e) {
            if (peers != null) {
                peers.close();
            }
            if (dns != null) {
                dns.close();
            }
            throw e;
        }
    }

    /** Runs every demo, in order. */
    public List<DemoResult> runDemos() {
        List<DemoResult> results = new ArrayList<>();
        for (Demo demo : Demos.all()) {
            results.add(DemoResult.run(demo, james.smtpAddress(), gatekeeperInstalled));
        }
        return results;
    }

    public JamesSandbox james() {
        return james;
    }

    public SandboxDns dns() {
        return dns;
    }

    public PeerMtas peers() {
        return peers;
    }

    public Settings settings() {
        return settings;
    }

    /** Gatekeeper's hooks are named in smtpserver.xml and its jar is in extensions-jars/. */
    public boolean gatekeeperInstalled() {
        return gatekeeperInstalled;
    }

    @Override
    public void close() {
        try {
            james.close();
        } finally {
            peers.close();
            dns.close();
        }
    }

    /** Where everything comes from and listens. */
    public static final class Settings {
        Path confDir;
        JamesRelease release = JamesRelease.NEWEST;
        Path jamesClasspath;
        Path workDir;
        Path gatekeeperJar;
        int smtpPort = 2525;
        String dnsAddress = SandboxDns.DEFAULT_ADDRESS;
        int dnsPort = SandboxDns.DNS_PORT;
        int peerPort = PeerMta.SMTP_PORT;

        public Settings(Path confDir, Path jamesClasspath, Path workDir) {
            this.confDir = Objects.requireNonNull(confDir, "confDir");
            this.jamesClasspath = Objects.requireNonNull(jamesClasspath, "jamesClasspath");
            this.workDir = Objects.requireNonNull(workDir, "workDir");
        }

        /** Which James to boot; default the newest. */
        public Settings release(JamesRelease release) {
            this.release = Objects.requireNonNull(release, "release");
            return this;
        }

        /** The drop-in jar to put into extensions-jars/ (null: none). */
        public Settings gatekeeperJar(Path jar) {
            this.gatekeeperJar = jar;
            return this;
        }

        /** SMTP port on 127.0.0.1 (0: a free one); default 2525. */
        public Settings smtpPort(int port) {
            this.smtpPort = port;
            return this;
        }

        /** The DNS server's loopback address and port; James needs port 53. */
        public Settings dns(String address, int port) {
            this.dnsAddress = address;
            this.dnsPort = port;
            return this;
        }

        /** The peers' port (0: a free one); James relays to port 25 only. */
        public Settings peerPort(int port) {
            this.peerPort = port;
            return this;
        }

        /** The zone files served: conf/sandbox.zone, and conf/demo.zone when present. */
        List<Path> zoneFiles() {
            List<Path> files = new ArrayList<>();
            files.add(confDir.resolve("sandbox.zone"));
            if (Files.isRegularFile(confDir.resolve("demo.zone"))) {
                files.add(confDir.resolve("demo.zone"));
            }
            return files;
        }
    }
}
