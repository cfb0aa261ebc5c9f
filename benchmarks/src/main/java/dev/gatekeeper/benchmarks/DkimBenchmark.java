package dev.gatekeeper.benchmarks;

import dev.gatekeeper.dkim.DkimResult;
import dev.gatekeeper.dkim.DkimSettings;
import dev.gatekeeper.dkim.DkimStatus;
import dev.gatekeeper.dkim.DkimVerifier;
import dev.gatekeeper.dns.TxtRecord;
import dev.gatekeeper.dns.ZoneResolver;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.james.jdkim.DKIMVerifier;
import org.apache.james.jdkim.api.BodyHasher;
import org.apache.james.jdkim.api.Headers;
import org.apache.james.jdkim.api.SignatureRecord;
import org.apache.james.jdkim.exceptions.FailException;
import org.apache.james.jdkim.exceptions.PermFailException;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * DKIM verifications per second of one signed message, Gatekeeper's verifier beside
 * apache-jdkim 0.3 (the library of James 3.8.1's {@code DKIMVerify} mailet), each called the way
 * James calls it, on the same octets, its key from memory. One operation is one message with one
 * signature, relaxed/relaxed, and a body of about 2 KB or 1 MB.
 *
 * <p>Every set-up first has both libraries verify the message, so that no row measures a failing
 * path, and checks that Gatekeeper takes each octet from the stream once. jdkim 0.3 knows only
 * {@code k=rsa}, so it runs the RSA rows only; the set-up checks that it still fails on the
 * Ed25519 message, so a later jdkim that can verify it will be noticed.
 *
 * <pre>
 * java -jar benchmarks/target/gatekeeper-benchmarks.jar DkimBenchmark -prof gc -prof 'perfnorm:events=task-clock'
 * </pre>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "-Xmx1g")
public class DkimBenchmark {

    @State(Scope.Benchmark)
    public static class Gatekeeper {
        /** Ed25519 first: JMH runs the rows in this order, so the RSA rows of both libraries run back to back. */
        @Param({"ed25519", "rsa"})
        public String algorithm;
        @Param({"2k", "1m"})
        public String body;

        byte[] message;
        DkimVerifier verifier;

        @Setup
        public void setUp() throws Exception {
            DkimSignedMessage m = signedAndChecked(algorithm, body);
            message = m.octets;
            verifier = gatekeeper(m);
        }
    }

    @State(Scope.Benchmark)
    public static class Jdkim {
        /** jdkim 0.3 has no Ed25519 (see {@link #signedAndChecked}). */
        @Param("rsa")
        public String algorithm;
        @Param({"2k", "1m"})
        public String body;

        DkimSignedMessage message;
        DKIMVerifier verifier;

        @Setup
        public void setUp() throws Exception {
            message = signedAndChecked(algorithm, body);
            verifier = jdkim(message);
        }
    }

    /** As James's end of DATA reads it: from a stream, in one pass. */
    @Benchmark
    public List<DkimResult> gatekeeper(Gatekeeper s) throws IOException {
        return s.verifier.read(new ByteArrayInputStream(s.message)).finish().toCompletableFuture().join();
    }

    @Benchmark
    public List<SignatureRecord> jdkim(Jdkim s) throws Exception {
        return jdkimVerify(s.verifier, s.message);
    }

    /**
     * As James's {@code DKIMVerify} mailet and 3.9's {@code DKIMHook} call jdkim (through their
     * {@code mailets.DKIMVerifier}): the header fields first, then the body written into the
     * body hasher in one pass. Returns the passing signatures, or throws a FailException.
     * (jdkim's {@code verify(InputStream)}, which James does not call, would parse the whole
     * message into a mime4j {@code Message} in memory first.)
     */
    static List<SignatureRecord> jdkimVerify(DKIMVerifier verifier, DkimSignedMessage m) throws Exception {
        BodyHasher hasher = verifier.newBodyHasher(new FieldList(m.octets, m.bodyStart));
        try (OutputStream body = hasher.getOutputStream()) {
            body.write(m.octets, m.bodyStart, m.octets.length - m.bodyStart);
        }
        return verifier.verify(hasher);
    }

    /**
     * Signs the message and has both libraries verify it: both must pass the RSA message; on the
     * Ed25519 one Gatekeeper must pass and jdkim must fail.
     */
    static DkimSignedMessage signedAndChecked(String algorithm, String body) throws Exception {
        int octets = switch (body) {
            case "2k" -> 2 * 1024;
            case "1m" -> 1024 * 1024;
            default -> throw new IllegalArgumentException("body: 2k or 1m, not " + body);
        };
        DkimSignedMessage m = DkimSignedMessage.sign(algorithm, octets);
        Counting in = new Counting(m.octets);
        List<DkimResult> ours = gatekeeper(m).read(in).finish().toCompletableFuture().join();
        if (ours.size() != 1 || ours.get(0).status() != DkimStatus.PASS) {
            throw new IllegalStateException("Gatekeeper does not pass the " + algorithm + " message: " + ours);
        }
        if (in.read != m.octets.length) {
            throw new IllegalStateException("Gatekeeper read " + in.read + " octets of " + m.octets.length);
        }
        String theirs;
        try {
            theirs = "pass " + jdkimVerify(jdkim(m), m).size();
        } catch (FailException e) {
            theirs = "fail: " + e.getMessage();
        }
        String expected = algorithm.equals("rsa") ? "pass 1" : "fail";
        if (!theirs.startsWith(expected)) {
            throw new IllegalStateException("jdkim on the " + algorithm + " message: " + theirs + ", expected " + expected);
        }
        System.out.printf("%n[dkim] %s %s: %d octets, sha-256 %s; gatekeeper %s, each octet read once; jdkim %s%n",
                algorithm, body, m.octets.length, fingerprint(m.octets), ours.get(0).resinfo(), theirs);
        return m;
    }

    private static DkimVerifier gatekeeper(DkimSignedMessage m) {
        ZoneResolver zone = ZoneResolver.builder().add(m.keyName, TxtRecord.of(m.keyRecordStrings())).build();
        Clock clock = Clock.fixed(Instant.ofEpochSecond(DkimSignedMessage.SIGNED_AT + 300), ZoneOffset.UTC);
        return new DkimVerifier(zone, DkimSettings.builder().clock(clock).build());
    }

    private static DKIMVerifier jdkim(DkimSignedMessage m) {
        return new DKIMVerifier((method, selector, domain) -> {
            if (!(selector + "._domainkey." + domain).equals(m.keyName)) {
                throw new PermFailException("no key for " + selector + "._domainkey." + domain);
            }
            return List.of(m.keyRecord);
        });
    }

    /**
     * The header fields as James's {@code MimeMessageHeaders} gives them to jdkim: each field one
     * string, folding kept, without its final CRLF, found by its name in lower case.
     */
    private static final class FieldList implements Headers {
        private final List<String> fields = new ArrayList<>();
        private final Map<String, List<String>> byName = new HashMap<>();

        FieldList(byte[] message, int bodyStart) {
            String section = new String(message, 0, bodyStart - 2, StandardCharsets.ISO_8859_1);
            for (String field : section.split("\r\n(?![ \t])")) {
                fields.add(field);
                String name = field.substring(0, field.indexOf(':')).trim().toLowerCase(Locale.ROOT);
                byName.computeIfAbsent(name, n -> new ArrayList<>()).add(field);
            }
        }

        @Override
        public List<String> getFields() {
            return fields;
        }

        @Override
        public List<String> getFields(String name) {
            return byName.getOrDefault(name.toLowerCase(Locale.ROOT), List.of());
        }
    }

    /** Counts the octets a verifier takes from the stream: the message's length means one pass. */
    private static final class Counting extends ByteArrayInputStream {
        long read;

        Counting(byte[] octets) {
            super(octets);
        }

        @Override
        public synchronized int read(byte[] b, int off, int len) {
            int n = super.read(b, off, len);
            read += Math.max(n, 0);
            return n;
        }

        @Override
        public synchronized int read() {
            int c = super.read();
            read += c < 0 ? 0 : 1;
            return c;
        }
    }

    private static String fingerprint(byte[] octets) throws NoSuchAlgorithmException {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(octets), 0, 8);
    }
}
