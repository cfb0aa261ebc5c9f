package dev.gatekeeper.sandbox;

import dev.gatekeeper.dns.LoopbackDnsServer;
import dev.gatekeeper.dns.ZoneFile;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * What an integration test with Gatekeeper in the real James boots: a {@link LoopbackDnsServer}
 * serving the test's zone, the loopback peers its callouts reach ({@code ScriptedPeer},
 * {@link FloodPeer}, Redis...), and one or more {@link JamesSandbox}es with the Gatekeeper drop-in
 * jar and the test's handler XML. Everything it opened is closed after the test class, in reverse
 * order (James before the peers and DNS server it talks to), also when the boot failed half-way.
 *
 * <pre>{@code
 * @RegisterExtension
 * static final SandboxFixture SANDBOX = SandboxFixture.forTest(MyIT.class);
 *
 * @BeforeAll
 * static void boot() throws Exception {
 *     dns = SANDBOX.dns(ZONE, "my.test");
 *     peer = SANDBOX.add(ScriptedPeer.on("127.0.0.41").start());
 *     james = SANDBOX.start(SANDBOX.james().replaceSmtpHandler(handler).user(BOB, "bob-secret"));
 * }
 * }</pre>
 */
final class SandboxFixture implements AfterAllCallback {

    private final Class<?> test;
    private final Deque<AutoCloseable> opened = new ArrayDeque<>();
    private Path workDir;

    private SandboxFixture(Class<?> test) {
        this.test = test;
    }

    /** A fixture whose James work dir and side folders are named after {@code test}. */
    static SandboxFixture forTest(Class<?> test) {
        return new SandboxFixture(test);
    }

    /** The test's James work dir, under target/ and left there for inspection. */
    Path workDir() throws IOException {
        // Fixed once: without the work property SandboxDirs makes a new temporary root each call.
        if (workDir == null) {
            workDir = SandboxDirs.forTest(test);
        }
        return workDir;
    }

    /** A folder beside the work dir, e.g. {@code -conf}, {@code -probe}, {@code -node1}. */
    Path beside(String suffix) throws IOException {
        Path work = workDir();
        return work.resolveSibling(work.getFileName() + suffix);
    }

    /** A copy of conf/ beside the work dir with the given files (relative name → content) written over it. */
    Path conf(Map<String, String> files) throws IOException {
        return TestFiles.confCopy(beside("-conf"), files);
    }

    /** Starts a loopback DNS server serving {@code zone}, closed after the test class. */
    LoopbackDnsServer dns(String zone, String origin) throws IOException {
        return add(LoopbackDnsServer.start(ZoneFile.parse(zone, origin)));
    }

    /** Something already started (a peer, a Redis server), closed after the test class. */
    <T extends AutoCloseable> T add(T resource) {
        opened.push(resource);
        return resource;
    }

    /** A James builder with the work dir and the Gatekeeper drop-in jar; the test adds its handler, conf and users. */
    JamesSandbox.Builder james() throws IOException {
        return JamesSandbox.builder().workDir(workDir()).gatekeeper(TestFiles.dropInJar());
    }

    /** Boots {@code builder}'s James, closed after the test class before everything opened earlier. */
    JamesSandbox start(JamesSandbox.Builder builder) throws IOException {
        return add(builder.start());
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        Exception failure = null;
        // Last opened first: James goes before the peers and the DNS server it may still be asking.
        while (!opened.isEmpty()) {
            try {
                opened.pop().close();
            } catch (Exception e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
