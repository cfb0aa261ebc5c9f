package dev.gatekeeper.sandbox;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The James releases the sandbox boots, each from the class path its module under
 * {@code sandbox/james-VERSION/} resolved, on a Java it runs on, with the drop-in jar of its
 * generation: {@code gatekeeper-james-3.8-*.jar} (javax.mail) or {@code gatekeeper-james-3.9-*.jar}
 * (jakarta.mail).
 */
public enum JamesRelease {
    /** The last 3.8 release on Maven Central here; hooks run on the Netty I/O threads. */
    V3_8_1("3.8.1", "3.8", 11, 21),
    /** The 3.8 line's latest: hooks run on James's own executor (JAMES-4023). */
    V3_8_2("3.8.2", "3.8", 11, 21),
    /** The current release: Java 21, jakarta.mail, Guice 7. */
    V3_9_0("3.9.0", "3.9", 21, Integer.MAX_VALUE);

    /** What the sandbox boots unless told otherwise. */
    public static final JamesRelease NEWEST = V3_9_0;
    /** System property naming the release the integration tests boot (set by the sandbox pom). */
    public static final String PROPERTY = "gatekeeper.james.version";
    /** System property naming the reactor root, where the class path files and the jars are. */
    public static final String ROOT_PROPERTY = "gatekeeper.project.root";
    /** Environment variable naming a JDK to run James with, tried before the others. */
    public static final String JAVA_HOME_VARIABLE = "GATEKEEPER_JAMES_JAVA_HOME";

    private final String version;
    private final String generation;
    private final int minJava;
    private final int maxJava;

    JamesRelease(String version, String generation, int minJava, int maxJava) {
        this.version = version;
        this.generation = generation;
        this.minJava = minJava;
        this.maxJava = maxJava;
    }

    public String version() {
        return version;
    }

    /** "3.8" or "3.9": which drop-in jar goes into this James. */
    public String generation() {
        return generation;
    }

    public static JamesRelease of(String version) {
        for (JamesRelease r : values()) {
            if (r.version.equals(version.strip())) {
                return r;
            }
        }
        throw new IllegalArgumentException("no James " + version + " in the sandbox (known: "
            + Arrays.stream(values()).map(JamesRelease::version).collect(Collectors.joining(", ")) + ")");
    }

    /** The release named by {@value #PROPERTY}, else {@link #NEWEST}. */
    public static JamesRelease fromSystemProperty() {
        String value = System.getProperty(PROPERTY);
        return value == null || value.isBlank() ? NEWEST : of(value);
    }

    /** The reactor root named by {@value #ROOT_PROPERTY}, else the working directory. */
    public static Path projectRoot() {
        String value = System.getProperty(ROOT_PROPERTY);
        return Paths.get(value == null || value.isBlank() ? "." : value);
    }

    /** The file its class path module writes: {@code sandbox/james-VERSION/target/james.classpath}. */
    public Path classpathFile(Path projectRoot) {
        return projectRoot.resolve("sandbox").resolve("james-" + version).resolve("target").resolve("james.classpath");
    }

    /** The drop-in jar of its generation in {@code distribution/target}, if built. */
    public Optional<Path> dropInJar(Path projectRoot) throws IOException {
        Path dir = projectRoot.resolve("distribution").resolve("target");
        if (!Files.isDirectory(dir)) {
            return Optional.empty();
        }
        List<Path> found = new ArrayList<>();
        try (DirectoryStream<Path> jars = Files.newDirectoryStream(dir, "gatekeeper-james-" + generation + "-*.jar")) {
            jars.forEach(found::add);
        }
        return found.stream().sorted().findFirst();
    }

    /**
     * A {@code java} that runs this release: {@value #JAVA_HOME_VARIABLE} if set, the JVM we run on
     * if its version fits, else the newest fitting JDK under {@code /usr/lib/jvm}.
     *
     * @throws IOException naming what was looked at when none fits
     */
    public Path javaExecutable() throws IOException {
        List<String> seen = new ArrayList<>();
        String variable = System.getenv(JAVA_HOME_VARIABLE);
        if (variable != null && !variable.isBlank()) {
            Path home = Paths.get(variable);
            int feature = javaFeature(home);
            if (fits(feature)) {
                return home.resolve("bin").resolve("java");
            }
            seen.add(home + " (Java " + feature + ")");
        }
        int own = Runtime.version().feature();
        if (fits(own)) {
            return Paths.get(System.getProperty("java.home"), "bin", "java");
        }
        seen.add(System.getProperty("java.home") + " (Java " + own + ", ours)");
        Path best = null;
        int bestFeature = 0;
        Path jvms = Paths.get("/usr/lib/jvm");
        if (Files.isDirectory(jvms)) {
            try (DirectoryStream<Path> homes = Files.newDirectoryStream(jvms)) {
                for (Path home : homes) {
                    int feature = javaFeature(home);
                    if (feature > 0 && Files.isExecutable(home.resolve("bin").resolve("java"))) {
                        seen.add(home + " (Java " + feature + ")");
                        if (fits(feature) && feature > bestFeature) {
                            best = home;
                            bestFeature = feature;
                        }
                    }
                }
            }
        }
        if (best == null) {
            throw new IOException("James " + version + " needs Java " + minJava
                + (maxJava == Integer.MAX_VALUE ? " or later" : " to " + maxJava) + "; none found among "
                + seen + ". Install one (e.g. a Temurin JDK 21+) or set " + JAVA_HOME_VARIABLE + " to its home.");
        }
        return best.resolve("bin").resolve("java");
    }

    private boolean fits(int feature) {
        return feature >= minJava && feature <= maxJava;
    }

    /** The feature version a JDK's {@code release} file states (JAVA_VERSION="21.0.4"), or 0. */
    static int javaFeature(Path home) {
        Path release = home.resolve("release");
        try {
            for (String line : Files.readAllLines(release, StandardCharsets.UTF_8)) {
                if (line.startsWith("JAVA_VERSION=")) {
                    String v = line.substring("JAVA_VERSION=".length()).replace("\"", "").strip();
                    String first = v.startsWith("1.") ? v.substring(2) : v;
                    return Integer.parseInt(first.split("[._+-]")[0]);
                }
            }
        } catch (IOException | RuntimeException e) {
            // not a JDK home, or an unreadable one: not a candidate
        }
        return 0;
    }

    @Override
    public String toString() {
        return "James " + version;
    }
}
