package dev.gatekeeper.sandbox;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/**
 * What the fault tests share: a copy of {@code conf/} with a test's own files and edits, the
 * Gatekeeper handler element with short timeouts, timing of one reply, percentiles, and the James
 * process's thread count.
 */
final class FaultKit {

    static final String HANDLER = GatekeeperHooksIT.HANDLER;

    private FaultKit() {
    }

    /**
     * A copy of the repository's {@code conf/} (system property {@value JamesSandbox#CONF_PROPERTY})
     * beside the test's James work dir, with extra files (relative names) and smtpserver.xml edited.
     */
    static Path conf(Class<?> test, Map<String, String> extraFiles, UnaryOperator<String> smtpServerEdit)
            throws IOException {
        Path source = Paths.get(System.getProperty(JamesSandbox.CONF_PROPERTY, "../conf"));
        Path target = SandboxDirs.forTest(test).resolveSibling(test.getSimpleName() + "-conf");
        deleteTree(target);
        try (Stream<Path> files = Files.walk(source)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                Path destination = target.resolve(source.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(destination);
                } else {
                    Files.copy(file, destination);
                }
            }
        }
        for (Map.Entry<String, String> f : extraFiles.entrySet()) {
            Path p = target.resolve(f.getKey());
            Files.createDirectories(p.getParent());
            Files.writeString(p, f.getValue(), StandardCharsets.UTF_8);
        }
        Path smtp = target.resolve("smtpserver.xml");
        Files.writeString(smtp, smtpServerEdit.apply(Files.readString(smtp, StandardCharsets.UTF_8)), StandardCharsets.UTF_8);
        return target;
    }

    /** The Gatekeeper handler element; each settings string is the inner XML of its element. */
    static String handler(String dns, String spf, String callout, String policyFile) {
        return "<handler class=\"" + HANDLER + "\">"
                + "<dns>" + dns + "</dns>"
                + "<spf>" + spf + "</spf>"
                + "<callout>" + callout + "</callout>"
                + "<policy file=\"" + policyFile + "\"/>"
                + "<authservId>mx.gatekeeper.test</authservId>"
                + "</handler>";
    }

    /** A reply and how long it took. */
    static final class Timed<T> {
        final T value;
        final Duration elapsed;

        Timed(T value, Duration elapsed) {
            this.value = value;
            this.elapsed = elapsed;
        }

        long millis() {
            return elapsed.toMillis();
        }
    }

    static <T> Timed<T> time(Supplier<T> call) {
        long start = System.nanoTime();
        T value = call.get();
        return new Timed<>(value, Duration.ofNanos(System.nanoTime() - start));
    }

    /** The p-th percentile (nearest rank) of some millisecond figures. */
    static long percentile(List<Long> millis, double p) {
        List<Long> sorted = new ArrayList<>(millis);
        Collections.sort(sorted);
        int rank = (int) Math.ceil(p / 100.0 * sorted.size());
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
    }

    /** Threads of a Linux process ({@code /proc/<pid>/status}), or -1 when unreadable. */
    static int threads(long pid) {
        try {
            for (String line : Files.readAllLines(Paths.get("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("Threads:")) {
                    return Integer.parseInt(line.substring("Threads:".length()).trim());
                }
            }
        } catch (IOException | UncheckedIOException | NumberFormatException e) {
            // not Linux, or the process is gone
        }
        return -1;
    }

    private static void deleteTree(Path dir) throws IOException {
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
