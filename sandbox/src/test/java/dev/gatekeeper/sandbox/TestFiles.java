package dev.gatekeeper.sandbox;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Map;

/** File chores of the integration tests: the built drop-in jar, copies of conf/. */
final class TestFiles {
    private TestFiles() {
    }

    /**
     * The drop-in jar for the James under test ({@link JamesRelease#fromSystemProperty()}), which the
     * reactor built before the sandbox module: distribution/target/gatekeeper-james-3.9-VERSION.jar
     * or gatekeeper-james-3.8-VERSION.jar.
     */
    static Path dropInJar() throws IOException {
        return dropInJar(JamesRelease.fromSystemProperty());
    }

    static Path dropInJar(JamesRelease release) throws IOException {
        return release.dropInJar(JamesRelease.projectRoot()).orElseThrow(() -> new IOException(
            "no drop-in jar for " + release + " in " + JamesRelease.projectRoot().resolve("distribution/target")
                + ": build the distribution module first"));
    }

    /**
     * Replaces {@code dir} with a copy of the repository's conf/ (system property
     * {@value JamesSandbox#CONF_PROPERTY}) and writes the given files (relative name → content)
     * over it: the one way a test gets a conf/ of its own.
     */
    static Path confCopy(Path dir, Map<String, String> files) throws IOException {
        copyTree(Paths.get(System.getProperty(JamesSandbox.CONF_PROPERTY)), dir);
        for (Map.Entry<String, String> f : files.entrySet()) {
            Path p = dir.resolve(f.getKey());
            Files.createDirectories(p.getParent());
            Files.writeString(p, f.getValue(), StandardCharsets.UTF_8);
        }
        return dir;
    }

    /** Replaces {@code to} with a copy of {@code from}. */
    static void copyTree(Path from, Path to) throws IOException {
        deleteTree(to);
        // The same copy JamesSandbox makes of conf/ for James itself.
        JamesConf.copyTree(from, to);
    }

    /** Deletes {@code dir} and everything in it (JamesSandbox clears its work dir the same way). */
    static void deleteTree(Path dir) throws IOException {
        JamesConf.deleteTree(dir);
    }
}
