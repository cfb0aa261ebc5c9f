package dev.gatekeeper.sandbox;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/** Where integration tests keep James working directories: under target/, left for inspection. */
final class SandboxDirs {
    private SandboxDirs() {
    }

    static Path forTest(Class<?> testClass) throws IOException {
        String base = System.getProperty("gatekeeper.sandbox.work");
        Path root = base != null ? Paths.get(base) : Files.createTempDirectory("gatekeeper-sandbox-");
        // One folder per James release: the same test runs against several.
        return root.resolve("james-" + JamesRelease.fromSystemProperty().version()).resolve(testClass.getSimpleName());
    }
}
