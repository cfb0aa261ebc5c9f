package dev.gatekeeper.benchmarks.load;

import dev.gatekeeper.sandbox.JamesRelease;
import dev.gatekeeper.sandbox.JamesSandbox;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * How both load drivers boot their Jameses: the sandbox's James of one release from a
 * {@code conf/}, with 1 GB of heap, the load's users, and the profiling options a person asked
 * for; the James with Gatekeeper gets the drop-in jar and the handler of {@code conf/smtpserver.xml}
 * pointed at the driver's DNS server and callout peer, and the same mail pipeline as plain James.
 */
public final class LoadJameses {
    private LoadJameses() {
    }

    /** The drop-in jar for this release: {@code -Dgatekeeper.jar}, else distribution/target's. */
    static Path dropInJar(JamesRelease release) throws IOException {
        return System.getProperty("gatekeeper.jar") != null ? Path.of(System.getProperty("gatekeeper.jar"))
                : release.dropInJar(Path.of(".")).orElseThrow(() -> new IllegalStateException(
                        "no drop-in jar for " + release + " in distribution/target: run mvn package first"));
    }

    /**
     * A James named {@code name} (its working directory is benchmarks/target/load-NAME-james and
     * its flight recording NAME.jfr), booted from {@code confDir}.
     */
    static JamesSandbox.Builder sandbox(JamesRelease release, Path confDir, String name, String jfrDir, String jvmArg,
            List<String> users) throws IOException {
        JamesSandbox.Builder b = JamesSandbox.builder().release(release)
                .confDir(confDir).classpathFile(release.classpathFile(Path.of(".")))
                .workDir(Path.of("benchmarks/target/load-" + name + "-james"))
                .maxHeap("1g")
                // James's per-connection reverse lookup of the load's client, answered from memory.
                .jvmArg(LoopbackHosts.jvmOption(Path.of("benchmarks/target/load-" + name + "-hosts"), LoopbackHosts.LOAD));
        for (String u : users) {
            b.user(u, "secret");
        }
        if (jvmArg != null) {
            b.jvmArg(jvmArg);
        }
        if (jfrDir != null) {
            // A flight recording per James, to see where the time goes (jfr print --events ExecutionSample).
            b.jvmArg("-XX:StartFlightRecording=filename=" + Path.of(jfrDir).toAbsolutePath().resolve(name + ".jfr")
                    + ",settings=" + System.getProperty("jfr.settings", "profile"));
        }
        return b;
    }

    /** The same, with Gatekeeper's handler and no Gatekeeper mailets: the hooks are what differs. */
    static JamesSandbox.Builder withHooks(JamesSandbox.Builder plain, JamesRelease release, String dnsHostPort,
            int calloutPort) throws IOException {
        return plain.gatekeeper(dropInJar(release)).gatekeeperMailets(false)
                .replaceSmtpHandler(handler(dnsHostPort, calloutPort));
    }

    /**
     * The drop-in jar installed and nothing of Gatekeeper configured: the handler left out of
     * smtpserver.xml, the mailets out of the pipeline. What the jar's presence costs James.
     */
    static JamesSandbox.Builder withJarOnly(JamesSandbox.Builder plain, JamesRelease release) throws IOException {
        return plain.extensionJar(dropInJar(release)).gatekeeperMailets(false);
    }

    /**
     * conf/smtpserver.xml's Gatekeeper handler with this run's DNS server and callout peer port. To
     * see what a part of it costs, a run can change it: {@code -Dgatekeeper.policy=FILE} reads
     * another policy (an absolute path, or relative to James's working directory), and
     * {@code -Dgatekeeper.handler.extra=XML} adds elements to the handler, for example
     * {@code <verifyMessages>false</verifyMessages>} or {@code <clientName><lookup>false</lookup></clientName>}.
     */
    public static String handler(String dnsHostPort, int calloutPort) {
        return "<handler class=\"dev.gatekeeper.james.smtp.GatekeeperHandler\">"
                + "<dns><servers>" + dnsHostPort + "</servers><timeout>2s</timeout></dns>"
                + "<callout><port>" + calloutPort + "</port><heloName>mx.gatekeeper.test</heloName>"
                + "<allowPrivateTargets>true</allowPrivateTargets></callout>"
                + "<policy file=\"" + System.getProperty("gatekeeper.policy", "conf/gatekeeper-policy.xml") + "\"/>"
                + System.getProperty("gatekeeper.handler.extra", "")
                + "</handler>";
    }
}
