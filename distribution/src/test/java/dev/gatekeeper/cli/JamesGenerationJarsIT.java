package dev.gatekeeper.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import org.apache.mailet.Mailet;
import org.apache.mailet.Matcher;
import org.junit.jupiter.api.Test;

/**
 * The two drop-in jars, one per James generation: the 3.9 jar is the 3.8 jar with the mail API's
 * javax names rewritten to jakarta, and in both the classes James instantiates name no mail API
 * type, so James can load them in the wrong generation and their start-up check can say which
 * jar to use (JamesGeneration).
 */
class JamesGenerationJarsIT {

    private static final String HANDLER = "dev/gatekeeper/james/smtp/GatekeeperHandler.class";
    private static final String GENERATION = "dev/gatekeeper/james/common/JamesGeneration.class";
    private static final List<String> MAIL_APIS = List.of("javax/mail", "jakarta/mail", "javax/activation", "jakarta/activation");

    private static Path jar(String property) {
        Path jar = Paths.get(System.getProperty(property, "target/missing.jar"));
        assertThat(jar).isRegularFile();
        return jar;
    }

    @Test
    void theJarForJames39LinksAgainstJakartaMailAndTheOneFor38AgainstJavaxMail() throws IOException {
        String mailet38 = text(jar("gatekeeper.jar"), "dev/gatekeeper/james/common/MessageRewrite.class");
        String mailet39 = text(jar("gatekeeper.jar.james39"), "dev/gatekeeper/james/common/MessageRewrite.class");
        assertThat(mailet38).contains("javax/mail/internet/MimeMessage").doesNotContain("jakarta/mail");
        assertThat(mailet39).contains("jakarta/mail/internet/MimeMessage").doesNotContain("javax/mail");
        // The generation check's own constant follows the class references.
        assertThat(text(jar("gatekeeper.jar"), GENERATION)).contains("javax.mail.internet.MimeMessage");
        assertThat(text(jar("gatekeeper.jar.james39"), GENERATION)).contains("jakarta.mail.internet.MimeMessage")
            .doesNotContain("javax.mail");
    }

    @Test
    void bothJarsHoldTheSameClasses() throws IOException {
        assertThat(classNames(jar("gatekeeper.jar.james39"))).isEqualTo(classNames(jar("gatekeeper.jar")));
    }

    @Test
    void theClassesJamesInstantiatesNameNoMailApi() throws Exception {
        Set<String> entryClasses = entryClasses(jar("gatekeeper.jar"));
        assertThat(entryClasses).contains(HANDLER, "dev/gatekeeper/james/mailets/SpfCheck.class",
            "dev/gatekeeper/james/mailets/GatekeeperMailet.class", "dev/gatekeeper/james/matchers/SpfResultIs.class",
            "dev/gatekeeper/james/matchers/GatekeeperMatcher.class");
        List<String> offending = new ArrayList<>();
        for (Path jar : List.of(jar("gatekeeper.jar"), jar("gatekeeper.jar.james39"))) {
            for (String entry : entryClasses) {
                String bytes = text(jar, entry);
                for (String api : MAIL_APIS) {
                    if (bytes.contains(api)) {
                        offending.add(jar.getFileName() + "!" + entry + " names " + api);
                    }
                }
            }
        }
        assertThat(offending).isEmpty();
    }

    /** The handler, every mailet and matcher of ours, and the superclasses of ours they extend. */
    private static Set<String> entryClasses(Path jar) throws Exception {
        Set<String> out = new LinkedHashSet<>(List.of(HANDLER));
        for (String name : classNames(jar)) {
            if (!name.startsWith("dev/gatekeeper/james/mailets/") && !name.startsWith("dev/gatekeeper/james/matchers/")) {
                continue;
            }
            // The test class path has the plain (unshaded) classes and James 3.8's mailet API.
            Class<?> c = Class.forName(name.replace('/', '.').replace(".class", ""), false, JamesGenerationJarsIT.class.getClassLoader());
            if (Mailet.class.isAssignableFrom(c) || Matcher.class.isAssignableFrom(c)) {
                for (Class<?> k = c; k != null && k.getName().startsWith("dev.gatekeeper."); k = k.getSuperclass()) {
                    out.add(k.getName().replace('.', '/') + ".class");
                }
            }
        }
        return out;
    }

    private static List<String> classNames(Path jar) throws IOException {
        List<String> names = new ArrayList<>();
        try (JarFile file = new JarFile(jar.toFile())) {
            for (JarEntry e : Collections.list(file.entries())) {
                if (e.getName().endsWith(".class")) {
                    names.add(e.getName());
                }
            }
        }
        Collections.sort(names);
        return names;
    }

    /** A class file's bytes as Latin-1 text: its constant pool's names and strings are searchable. */
    private static String text(Path jar, String entry) throws IOException {
        try (JarFile file = new JarFile(jar.toFile())) {
            JarEntry e = file.getJarEntry(entry);
            assertThat(e).as(entry + " in " + jar).isNotNull();
            return new String(file.getInputStream(e).readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }
}
