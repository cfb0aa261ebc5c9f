package dev.gatekeeper.sandbox;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** File chores of the integration tests: the built drop-in jar, copies of conf/. */
final class TestFiles {
    private TestFiles() {
    }

    /** distribution/target/gatekeeper-james-VERSION.jar next to conf/, when it has been built. */
    static Path dropInJar(Path confDir) throws IOException {
        Path target = confDir.toAbsolutePath().normalize().getParent().resolve("distribution/target");
        if (!Files.isDirectory(target)) {
            return null;
        }
        try (Stream<Path> files = Files.list(target)) {
            return files.filter(p -> p.getFileName().toString().matches("gatekeeper-james-[0-9].*\\.jar"))
                .filter(p -> !p.getFileName().toString().matches(".*-(sources|tests)\\.jar"))
                .findFirst().orElse(null);
        }
    }

    /** Replaces {@code to} with a copy of {@code from}. */
    static void copyTree(Path from, Path to) throws IOException {
        deleteTree(to);
        try (Stream<Path> files = Files.walk(from)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                Path target = to.resolve(from.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(file, target);
                }
            }
        }
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            List<Path> all = new ArrayList<>();
            paths.forEach(all::add);
            for (int i = all.size() - 1; i >= 0; i--) {
                Files.delete(all.get(i));
            }
        }
    }
}
