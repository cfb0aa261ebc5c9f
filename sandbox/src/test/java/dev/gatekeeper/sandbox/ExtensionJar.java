package dev.gatekeeper.sandbox;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.concurrent.TimeUnit;

/**
 * Compiles Java sources against the class path of the James under test (which this JVM does not
 * load), with the javac of the JDK that runs that James (James 3.9's own classes are Java 21 class
 * files, which an older javac cannot read), and packs the classes into a jar, the way a plugin
 * reaches extensions-jars/.
 */
final class ExtensionJar {
    private ExtensionJar() {
    }

    /**
     * A test's plugin source, written against James 3.8's javax.mail, in the mail API of the James
     * under test: what a plugin author changes for James 3.9.
     */
    static String forGeneration(JamesRelease release, String source) {
        return release.generation().equals("3.9")
            ? source.replace("javax.mail.", "jakarta.mail.").replace("javax.inject.", "jakarta.inject.") : source;
    }

    /**
     * @param sources fully qualified class name, then its source, repeated
     */
    static Path build(Path workDir, String jarName, String... sources) throws IOException {
        return build(workDir, jarName, List.of(), sources);
    }

    /**
     * @param extraClasspath jars compiled against besides James's (e.g. the Gatekeeper jar, for a policy extension)
     * @param sources fully qualified class name, then its source, repeated
     */
    static Path build(Path workDir, String jarName, List<Path> extraClasspath, String... sources) throws IOException {
        JamesRelease release = JamesRelease.fromSystemProperty();
        String classpath = Files.readString(release.classpathFile(JamesRelease.projectRoot())).trim();
        for (Path jar : extraClasspath) {
            classpath = jar.toAbsolutePath() + java.io.File.pathSeparator + classpath;
        }
        Path src = Files.createDirectories(workDir.resolve("src"));
        Path classes = Files.createDirectories(workDir.resolve("classes"));
        Path javac = release.javaExecutable().resolveSibling("javac");
        List<String> args = new java.util.ArrayList<>(List.of(javac.toString(),
            "--release", "11", // what James 3.8's own images run; James 3.9's Java 21 runs it too
            "-classpath", classpath,
            "-d", classes.toString(), "-Xlint:none"));
        for (int i = 0; i < sources.length; i += 2) {
            Path file = src.resolve(sources[i].replace('.', '/') + ".java");
            Files.createDirectories(file.getParent());
            Files.writeString(file, forGeneration(release, sources[i + 1]), StandardCharsets.UTF_8);
            args.add(file.toString());
        }
        Path argFile = workDir.resolve("javac.args");
        Files.write(argFile, args.subList(1, args.size()), StandardCharsets.UTF_8);
        Process process = new ProcessBuilder(javac.toString(), "@" + argFile).redirectErrorStream(true).start();
        String diagnostics;
        try {
            diagnostics = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(2, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new IOException("javac did not finish within 2 minutes");
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        if (process.exitValue() != 0) {
            throw new IOException("compilation failed:\n" + diagnostics);
        }
        Path jar = workDir.resolve(jarName);
        try (OutputStream file = Files.newOutputStream(jar);
             JarOutputStream out = new JarOutputStream(file);
             Stream<Path> walk = Files.walk(classes)) {
            for (Path path : walk.filter(Files::isRegularFile).sorted().collect(Collectors.toList())) {
                out.putNextEntry(new JarEntry(classes.relativize(path).toString().replace('\\', '/')));
                out.write(Files.readAllBytes(path));
                out.closeEntry();
            }
        }
        return jar;
    }
}
