package dev.gatekeeper.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatekeeper.dkim.ArcTestSealer;
import dev.gatekeeper.dkim.Rfc8463Example;
import dev.gatekeeper.dns.LoopbackDnsServer;
import dev.gatekeeper.dns.ZoneFile;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.junit.jupiter.api.Test;

/**
 * The jar the package phase built, as James and an administrator get it: Java 11 bytecode, only
 * Gatekeeper's packages (third-party code relocated under dev.gatekeeper.shaded), James's APIs
 * left to James, and a command line that runs with plain {@code java -jar}.
 */
class DropInJarIT {

    /** Java 11 (JVMS §4.1): what James 3.8.1's images run. */
    private static final int MAX_CLASS_MAJOR = 55;
    /** Deliberately unrelocated: see the note on slf4j in distribution/pom.xml. */
    private static final String SLF4J = "org/slf4j/";
    /** Where every third-party library goes (distribution/pom.xml's relocations). */
    private static final String SHADED = "dev/gatekeeper/shaded/";
    private static final String SHADED_BC = SHADED + "org/bouncycastle/";
    /** Gatekeeper's own packages: dev/gatekeeper/ and a first segment other than "shaded". */
    private static final Pattern OWN_PACKAGES = Pattern.compile("dev/gatekeeper/(?!shaded/)[a-z0-9]+/");

    /** Both drop-in jars: the one for James 3.8 and its jakarta twin for 3.9 (JamesGenerationJarsIT). */
    private static List<Path> bothJars() {
        Path james39 = Paths.get(System.getProperty("gatekeeper.jar.james39", "target/missing.jar"));
        assertThat(james39).isRegularFile();
        return List.of(jar(), james39);
    }

    private static Path jar() {
        Path jar = Paths.get(System.getProperty("gatekeeper.jar", "target/gatekeeper-james.jar"));
        assertThat(jar).isRegularFile();
        return jar;
    }

    @Test
    void everyClassIsJava11AndInsideGatekeeperPackages() throws IOException {
        List<String> outside = new ArrayList<>();
        List<String> tooNew = new ArrayList<>();
        int classes = 0;
        try (JarFile jar = new JarFile(jar().toFile())) {
            for (Enumeration<JarEntry> e = jar.entries(); e.hasMoreElements(); ) {
                JarEntry entry = e.nextElement();
                String name = entry.getName();
                if (entry.isDirectory()) {
                    continue;
                }
                if (name.endsWith(".class")) {
                    classes++;
                    if (!name.startsWith("dev/gatekeeper/") && !name.startsWith(SLF4J)) {
                        outside.add(name);
                    }
                    int major = majorVersion(jar, entry);
                    if (major > MAX_CLASS_MAJOR) {
                        tooNew.add(name + " (" + major + ")");
                    }
                } else if (!name.startsWith("META-INF/") && !name.startsWith("dev/gatekeeper/")) {
                    outside.add(name);
                }
            }
        }
        assertThat(classes).isGreaterThan(500);
        assertThat(outside).as("entries outside dev/gatekeeper/ (relocate them)").isEmpty();
        assertThat(tooNew).as("classes newer than Java 11").isEmpty();
    }

    @Test
    void holdsTheHooksAndTheRelocatedLibrariesButNotJamesApis() throws IOException {
        try (JarFile jar = new JarFile(jar().toFile())) {
            assertThat(jar.getEntry("dev/gatekeeper/james/smtp/GatekeeperHandler.class")).isNotNull();
            assertThat(jar.getEntry("dev/gatekeeper/cli/Main.class")).isNotNull();
            assertThat(jar.getEntry("dev/gatekeeper/shaded/org/xbill/DNS/Message.class")).isNotNull();
            assertThat(jar.getEntry("dev/gatekeeper/shaded/com/github/benmanes/caffeine/cache/Caffeine.class")).isNotNull();
            for (String provided : List.of("org/apache/james/", "org/apache/mailet/", "javax/mail/", "com/google/inject/",
                    "org/apache/commons/configuration2/", "org/xbill/", "com/github/benmanes/")) {
                assertThat(jar.stream().map(JarEntry::getName).filter(n -> n.startsWith(provided)))
                        .as(provided).isEmpty();
            }
            // dnsjava must not install itself as the JVM's resolver; only the CLI's logging provider is a service.
            assertThat(jar.stream().map(JarEntry::getName).filter(n -> n.startsWith("META-INF/services/") && !n.endsWith("/")))
                    .containsExactly("META-INF/services/org.slf4j.spi.SLF4JServiceProvider");
            assertThat(jar.getManifest().getMainAttributes().getValue("Main-Class")).isEqualTo("dev.gatekeeper.cli.Main");
        }
    }

    @Test
    void bouncyCastleIsThereRelocatedOnlyAndTheEnginesUseItThere() throws IOException {
        try (JarFile jar = new JarFile(jar().toFile())) {
            List<String> names = jar.stream().map(JarEntry::getName).collect(Collectors.toList());
            assertThat(names).contains(SHADED + "org/bouncycastle/crypto/signers/Ed25519Signer.class",
                    SHADED + "org/bouncycastle/crypto/params/Ed25519PublicKeyParameters.class",
                    "dev/gatekeeper/dkim/DkimVerifier.class", "dev/gatekeeper/dmarc/DmarcEvaluator.class",
                    "dev/gatekeeper/dmarc/public_suffix_list.dat");
            // Every class is ours, relocated under the prefix, or the deliberate slf4j exception.
            assertThat(names.stream().filter(n -> n.endsWith(".class") && !n.startsWith(SHADED) && !n.startsWith(SLF4J)
                    && !OWN_PACKAGES.matcher(n).lookingAt()))
                    .as("classes outside Gatekeeper's packages and " + SHADED).isEmpty();
            assertThat(names.stream().filter(n -> n.contains("org/bouncycastle/") && !n.startsWith(SHADED)))
                    .as("BouncyCastle entries outside " + SHADED).isEmpty();
            // BC's own manifest checks and JCA provider registration would not survive shading.
            assertThat(names.stream().filter(n -> n.matches("META-INF/[^/]+\\.(SF|DSA|RSA|EC)")
                    || n.startsWith("META-INF/versions/") || n.endsWith("module-info.class"))).isEmpty();
            // The engine's class files name the relocated BC, none the original.
            String check = new String(jar.getInputStream(jar.getEntry("dev/gatekeeper/dkim/SignatureCheck.class")).readAllBytes(),
                    StandardCharsets.ISO_8859_1);
            assertThat(check).contains(SHADED + "org/bouncycastle/crypto/signers/Ed25519Signer");
            assertThat(check.replace(SHADED + "org/bouncycastle/", "")).doesNotContain("org/bouncycastle/");
        }
    }

    /**
     * RFC 8463 Appendix A (its Ed25519 signature and key), verified by the DKIM engine loaded from
     * each jar alone, with no class path of ours behind it: the relocated BouncyCastle links and works.
     */
    @Test
    void theJarsDkimEngineVerifiesRfc8463sEd25519Example() throws Exception {
        String message = Rfc8463Example.ED25519_SIGNATURE + Rfc8463Example.HEADERS + "\r\n" + Rfc8463Example.BODY;
        for (Path jar : bothJars()) {
            try (JarEngine engine = new JarEngine(jar)) {
                engine.txt(Rfc8463Example.ED25519_KEY_NAME, Rfc8463Example.ED25519_RECORD);
                assertThat(engine.dkim(message)).as(jar.toString()).containsExactly(
                        "dkim=pass header.d=football.example.com header.s=brisbane header.b=\"/gCrinpc\"");
            }
        }
    }

    /**
     * RFC 8463 Appendix A's RSA signature, its key published as RFC 6376 says (SubjectPublicKeyInfo,
     * which the JDK reads) and as the bare PKCS#1 RSAPublicKey some domains publish (which the
     * relocated BouncyCastle's ASN.1 classes read), verified by the engine loaded from each jar alone.
     */
    @Test
    void theJarsDkimEngineVerifiesAnRsaSignatureWithEitherKeyForm() throws Exception {
        String message = Rfc8463Example.RSA_SIGNATURE + Rfc8463Example.HEADERS + "\r\n" + Rfc8463Example.BODY;
        String spki = Rfc8463Example.RSA_RECORD;
        byte[] der = Base64.getDecoder().decode(spki.substring(spki.indexOf("p=") + 2));
        String bare = "v=DKIM1; k=rsa; p="
                + Base64.getEncoder().encodeToString(SubjectPublicKeyInfo.getInstance(der).parsePublicKey().getEncoded());
        for (Path jar : bothJars()) {
            for (String record : List.of(spki, bare)) {
                try (JarEngine engine = new JarEngine(jar)) {
                    engine.txt(Rfc8463Example.RSA_KEY_NAME, record);
                    assertThat(engine.dkim(message)).as(jar + " " + record).containsExactly(
                            "dkim=pass header.d=football.example.com header.s=test header.b=F45dVWDf");
                }
            }
        }
    }

    /**
     * An ARC chain sealed here (dkim-module's ArcTestSealer, BouncyCastle unrelocated on the test's
     * class path) by an RSA forwarder and then an Ed25519 mailing list, verified by the engine
     * loaded from each jar alone; and the same chain with the list's ARC-Authentication-Results
     * altered after sealing, which its Ed25519 seal no longer covers.
     */
    @Test
    void theJarsArcVerifierChecksAChainSealedWithRsaThenEd25519() throws Exception {
        ArcTestSealer forwarder = ArcTestSealer.rsa("forwarder.example", "arc1", ArcTestSealer.rsaKeys());
        ArcTestSealer list = ArcTestSealer.ed25519("lists.example.org", "ed",
                Base64.getDecoder().decode("nWGxne/9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A="));
        String signed = "from:to:subject:date:message-id";
        String message = "From: Alice <alice@origin.example>\r\n"
                + "To: list@lists.example.org\r\n"
                + "Subject: Minutes of the meeting\r\n"
                + "Date: Tue, 14 Nov 2023 22:13:20 +0000\r\n"
                + "Message-ID: <20231114221320.1@origin.example>\r\n"
                + "\r\n"
                + "Hello,\r\n\r\nthe minutes are attached.  Regards,\r\nAlice\r\n";
        String oneHop = forwarder.seal(message, "none",
                "forwarder.example; spf=pass smtp.mailfrom=origin.example; dkim=none; arc=none", signed);
        String twoHops = list.seal(oneHop, "pass", "lists.example.org; arc=pass; spf=fail smtp.mailfrom=origin.example", signed);
        String altered = twoHops.replace("lists.example.org; arc=pass; spf=fail", "lists.example.org; arc=pass; spf=pass");
        assertThat(altered).isNotEqualTo(twoHops);
        for (Path jar : bothJars()) {
            try (JarEngine engine = new JarEngine(jar)) {
                engine.txt(forwarder.keyName(), forwarder.keyRecord()).txt(list.keyName(), list.keyRecord());
                Object arc = engine.arc(twoHops);
                assertThat(call(arc, "resinfo")).as(jar.toString())
                        .isEqualTo("arc=pass (\"2 sets, sealed by lists.example.org forwarder.example\") header.oldest-pass=0");
                List<?> hops = (List<?>) call(arc, "hops");
                Object ed25519Seal = ((Optional<?>) call(hops.get(1), "seal")).orElseThrow();
                assertThat(call(ed25519Seal, "algorithm")).isEqualTo("ed25519-sha256");
                assertThat(call(ed25519Seal, "status")).hasToString("PASS");
                Object rsaSeal = ((Optional<?>) call(hops.get(0), "seal")).orElseThrow();
                assertThat(call(rsaSeal, "algorithm")).isEqualTo("rsa-sha256");
                assertThat(call(rsaSeal, "status")).hasToString("PASS");

                assertThat(call(engine.arc(altered), "status")).as(jar + ", altered").hasToString("FAIL");
            }
        }
    }

    /**
     * The jar ships only part of BouncyCastle (distribution/pom.xml): every relocated BouncyCastle
     * class that a class in the jar names (constant pool class entries, member and call
     * descriptors) must be in the jar, so that no code path of the DKIM engine can meet a
     * NoClassDefFoundError inside James.
     */
    @Test
    void everyBouncyCastleClassTheJarNamesIsInTheJar() throws IOException {
        for (Path path : bothJars()) {
            try (JarFile jar = new JarFile(path.toFile())) {
                List<JarEntry> classes = jar.stream().filter(e -> e.getName().endsWith(".class")).collect(Collectors.toList());
                Set<String> present = classes.stream().map(e -> e.getName().substring(0, e.getName().length() - ".class".length()))
                        .collect(Collectors.toSet());
                Map<String, Set<String>> missing = new TreeMap<>();
                Set<String> signatureCheckNames = Set.of();
                for (JarEntry entry : classes) {
                    byte[] bytes;
                    try (InputStream in = jar.getInputStream(entry)) {
                        bytes = in.readAllBytes();
                    }
                    Set<String> named = ClassFileNames.of(bytes);
                    if (entry.getName().equals("dev/gatekeeper/dkim/SignatureCheck.class")) {
                        signatureCheckNames = named;
                    }
                    for (String name : named) {
                        if (name.startsWith(SHADED_BC) && !present.contains(name)) {
                            missing.computeIfAbsent(name, k -> new TreeSet<>()).add(entry.getName());
                        }
                    }
                }
                // The parser sees what the engine uses (a call's descriptor, a class entry).
                assertThat(signatureCheckNames).contains(SHADED_BC + "crypto/signers/Ed25519Signer",
                        SHADED_BC + "crypto/params/Ed25519PublicKeyParameters", SHADED_BC + "asn1/pkcs/RSAPublicKey",
                        "java/security/interfaces/RSAPublicKey");
                assertThat(missing).as(path + ": relocated BouncyCastle classes named in the jar but absent from it").isEmpty();
                // Only the part the engine can reach (347 classes of bcprov 1.87's 5,764).
                assertThat(present.stream().filter(n -> n.startsWith(SHADED_BC))).as(path + ": BouncyCastle classes shipped")
                        .hasSizeBetween(100, 600);
            }
        }
    }

    @Test
    void commandLineRunsWithJavaJarThroughTheRelocatedDnsjava() throws Exception {
        ZoneFile zone = ZoneFile.parse("$ORIGIN jar.test.\n$TTL 300\n"
                + "@ IN TXT \"v=spf1 ip4:192.0.2.0/24 -all\"\n", "jar.test");
        try (LoopbackDnsServer dns = LoopbackDnsServer.start(zone)) {
            Process p = new ProcessBuilder(Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
                    "-jar", jar().toString(), "spf", "--dns-server", dns.hostPort(),
                    "--ip", "192.0.2.7", "--helo", "mail.jar.test", "--sender", "alice@jar.test")
                    .redirectErrorStream(false).start();
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(err).as("stderr (no SLF4J warnings either)").isEmpty();
            assertThat(p.exitValue()).isZero();
            assertThat(out.lines().findFirst()).contains("pass");
        }
    }

    private static Object call(Object target, String method) throws ReflectiveOperationException {
        return target.getClass().getMethod(method).invoke(target);
    }

    /**
     * Gatekeeper's DKIM engine loaded from one jar alone (its DNS types too, so the zone below is
     * built by reflection), the platform's classes its only parent.
     */
    private static final class JarEngine implements AutoCloseable {

        private final URLClassLoader loader;
        private final Object zone;

        JarEngine(Path jar) throws Exception {
            loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, ClassLoader.getPlatformClassLoader());
            zone = loader.loadClass("dev.gatekeeper.dns.ZoneResolver").getMethod("builder").invoke(null);
        }

        /** A TXT record at {@code name}, in strings of at most 255 octets as a real zone has them. */
        JarEngine txt(String name, String record) throws ReflectiveOperationException {
            List<String> strings = new ArrayList<>();
            for (int i = 0; i < record.length(); i += 255) {
                strings.add(record.substring(i, Math.min(record.length(), i + 255)));
            }
            Object txt = loader.loadClass("dev.gatekeeper.dns.TxtRecord").getMethod("of", String[].class)
                    .invoke(null, (Object) strings.toArray(new String[0]));
            zone.getClass().getMethod("add", String.class, loader.loadClass("dev.gatekeeper.dns.DnsRecord")).invoke(zone, name, txt);
            return this;
        }

        /** The resinfo of each DKIM-Signature's result. */
        List<String> dkim(String message) throws Exception {
            List<String> resinfos = new ArrayList<>();
            for (Object result : (List<?>) complete(verify("verify", message))) {
                resinfos.add((String) call(result, "resinfo"));
            }
            return resinfos;
        }

        /** The ArcResult, from the jar's class loader. */
        Object arc(String message) throws Exception {
            return complete(verify("verifyArc", message));
        }

        private Object verify(String method, String message) throws ReflectiveOperationException {
            Object resolver = zone.getClass().getMethod("build").invoke(zone);
            Class<?> verifierClass = loader.loadClass("dev.gatekeeper.dkim.DkimVerifier");
            assertThat(verifierClass.getClassLoader()).isSameAs(loader);
            Object verifier = verifierClass.getConstructor(loader.loadClass("dev.gatekeeper.dns.DnsResolver")).newInstance(resolver);
            return verifierClass.getMethod(method, byte[].class).invoke(verifier, (Object) message.getBytes(StandardCharsets.ISO_8859_1));
        }

        private static Object complete(Object stage) throws Exception {
            return ((CompletionStage<?>) stage).toCompletableFuture().get(30, TimeUnit.SECONDS);
        }

        @Override
        public void close() throws IOException {
            loader.close();
        }
    }

    /**
     * The classes a class file names (JVMS §4.4–4.6): its CONSTANT_Class entries (array
     * descriptors read for their element type), the types in its NameAndType and MethodType
     * descriptors (every field access and call), and those in its own fields' and methods'
     * descriptors. Attributes (generic signatures, annotations) are not read: they link nothing.
     */
    static final class ClassFileNames {

        private static final Pattern OBJECT_TYPE = Pattern.compile("L([^;<]+)[;<]");

        static Set<String> of(byte[] classFile) throws IOException {
            DataInputStream in = new DataInputStream(new ByteArrayInputStream(classFile));
            if (in.readInt() != 0xCAFEBABE) {
                throw new IOException("not a class file");
            }
            in.readUnsignedShort();
            in.readUnsignedShort();
            int count = in.readUnsignedShort();
            String[] utf8 = new String[count];
            List<Integer> classes = new ArrayList<>();
            List<Integer> descriptors = new ArrayList<>();
            for (int i = 1; i < count; i++) {
                int tag = in.readUnsignedByte();
                switch (tag) {
                    case 1: // Utf8: the class file's modified UTF-8 is DataInput's
                        utf8[i] = in.readUTF();
                        break;
                    case 7: // Class
                        classes.add(in.readUnsignedShort());
                        break;
                    case 16: // MethodType
                        descriptors.add(in.readUnsignedShort());
                        break;
                    case 12: // NameAndType
                        in.readUnsignedShort();
                        descriptors.add(in.readUnsignedShort());
                        break;
                    case 8: case 19: case 20: // String, Module, Package
                        in.readUnsignedShort();
                        break;
                    case 3: case 4: case 9: case 10: case 11: case 17: case 18: // Integer, Float, refs, (Invoke)Dynamic
                        in.readInt();
                        break;
                    case 5: case 6: // Long, Double: two entries
                        in.readLong();
                        i++;
                        break;
                    case 15: // MethodHandle
                        in.readUnsignedByte();
                        in.readUnsignedShort();
                        break;
                    default:
                        throw new IOException("constant pool tag " + tag + " at entry " + i);
                }
            }
            in.readUnsignedShort(); // access flags
            in.readUnsignedShort(); // this class
            in.readUnsignedShort(); // super class
            in.skipBytes(2 * in.readUnsignedShort()); // interfaces: Class entries, read above
            for (int members = 0; members < 2; members++) { // fields, then methods
                for (int n = in.readUnsignedShort(); n > 0; n--) {
                    in.readUnsignedShort();
                    in.readUnsignedShort();
                    descriptors.add(in.readUnsignedShort());
                    for (int a = in.readUnsignedShort(); a > 0; a--) {
                        in.readUnsignedShort();
                        in.skipBytes(in.readInt());
                    }
                }
            }
            Set<String> names = new TreeSet<>();
            for (int c : classes) {
                String name = utf8[c];
                if (name.startsWith("[")) {
                    descriptors.add(c);
                } else {
                    names.add(name);
                }
            }
            for (int d : descriptors) {
                Matcher m = OBJECT_TYPE.matcher(utf8[d]);
                while (m.find()) {
                    names.add(m.group(1));
                }
            }
            return names;
        }
    }

    private static int majorVersion(JarFile jar, JarEntry entry) throws IOException {
        try (InputStream in = jar.getInputStream(entry); DataInputStream data = new DataInputStream(in)) {
            if (data.readInt() != 0xCAFEBABE) {
                throw new IOException(entry.getName() + " is not a class file");
            }
            data.readUnsignedShort();
            return data.readUnsignedShort();
        }
    }

}
