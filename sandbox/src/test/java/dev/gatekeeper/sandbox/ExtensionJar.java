package dev.gatekeeper.sandbox;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/**
 * Compiles Java sources against James's class path (which this JVM does not load)
 * and packs the classes into a jar, the way a plugin reaches extensions-jars/.
 */
final class ExtensionJar {
    private ExtensionJar() {
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
        String classpath = Files.readString(Paths.get(System.getProperty(JamesSandbox.CLASSPATH_PROPERTY))).trim();
        for (Path jar : extraClasspath) {
            classpath = jar.toAbsolutePath() + java.io.File.pathSeparator + classpath;
        }
        Path src = Files.createDirectories(workDir.resolve("src"));
        Path classes = Files.createDirectories(workDir.resolve("classes"));
        List<String> args = new java.util.ArrayList<>(List.of(
            "--release", "11", // what James's own images run
            "-classpath", classpath,
            "-d", classes.toString(), "-Xlint:none"));
        for (int i = 0; i < sources.length; i += 2) {
            Path file = src.resolve(sources[i].replace('.', '/') + ".java");
            Files.createDirectories(file.getParent());
            Files.writeString(file, sources[i + 1], StandardCharsets.UTF_8);
            args.add(file.toString());
        }
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        ByteArrayOutputStream diagnostics = new ByteArrayOutputStream();
        int status = javac.run(null, diagnostics, diagnostics, args.toArray(String[]::new));
        if (status != 0) {
            throw new IOException("compilation failed:\n" + diagnostics.toString(StandardCharsets.UTF_8));
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
