package dev.gatekeeper.benchmarks.load;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A hosts file for the JDK resolver of a benchmarked James ({@code -Djdk.net.hosts.file}).
 *
 * <p>James names every SMTP client for its log context through the JDK's resolver
 * ({@code ProtocolMDCContextFactory.retrieveHost}, {@code InetAddress.getHostName}) on every
 * connection. For a loopback client that {@code /etc/hosts} does not name, that question goes to
 * the machine's DNS server, off loopback; on the project's machine it waited 5-10 s before the
 * greeting now and then, and a driver then timed the machine's resolver instead of James. With
 * this file James's JDK resolver answers from memory and asks no one. James also names its own
 * host at start, so the file names the machine too.
 */
public final class LoopbackHosts {
    /** The names the load drivers' loopback client and callout peer have in {@link LoadZone}. */
    public static final Map<String, String> LOAD = loadAnd();

    private LoopbackHosts() {
    }

    /** The file's text: the machine's name on 127.0.0.1, then one line per address, in the map's order. */
    public static String text(String machineName, Map<String, String> names) {
        StringBuilder s = new StringBuilder("127.0.0.1 localhost ").append(machineName).append('\n');
        names.forEach((address, name) -> s.append(address).append(' ').append(name).append('\n'));
        return s.toString();
    }

    /** Writes the file for this machine and returns the JVM option that points James at it. */
    public static String jvmOption(Path file, Map<String, String> names) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.writeString(file, text(machineName(), names), StandardCharsets.US_ASCII);
        return "-Djdk.net.hosts.file=" + file.toAbsolutePath();
    }

    /** The load drivers' names and then more, given as address, name, address, name..., in that order. */
    public static Map<String, String> loadAnd(String... addressesAndNames) {
        Map<String, String> all = new LinkedHashMap<>();
        all.put(LoadComparison.CLIENT, "client.load.test");
        all.put(LoadComparison.PEER, "mx.load.test");
        for (int i = 0; i + 1 < addressesAndNames.length; i += 2) {
            all.put(addressesAndNames[i], addressesAndNames[i + 1]);
        }
        return Collections.unmodifiableMap(all);
    }

    // The kernel's name, not InetAddress.getLocalHost(): that would itself ask the resolver.
    private static String machineName() throws IOException {
        return Files.readString(Path.of("/proc/sys/kernel/hostname")).strip();
    }
}
