package dev.gatekeeper.benchmarks;

import dev.gatekeeper.dkim.DkimVerifier;
import dev.gatekeeper.dmarc.DmarcEvaluator;
import dev.gatekeeper.dmarc.MessageAuthentication;
import dev.gatekeeper.dmarc.MessageAuthenticator;
import dev.gatekeeper.dmarc.SpfEvidence;
import dev.gatekeeper.dns.ZoneResolver;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The end of DATA's DKIM, ARC and DMARC for a message that carries no DKIM-Signature and no ARC
 * set, as most mail a small MX receives: {@link MessageAuthenticator} reads the octets as the hook
 * hands them over. The DNS is an empty in-memory zone (DMARC finds no record), so what is measured
 * is the message pass itself. Body of 2 KB or 1 MB.
 *
 * <pre>
 * java -jar benchmarks/target/gatekeeper-benchmarks.jar UnsignedMessageBenchmark -f 1 -wi 3 -i 5 -w 1s -r 1s -prof gc
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class UnsignedMessageBenchmark {

    @Param({"2048", "1048576"})
    public int bodyOctets;

    private byte[] message;
    private MessageAuthenticator authenticator;

    @Setup
    public void setUp() {
        ZoneResolver dns = ZoneResolver.builder().build();
        authenticator = new MessageAuthenticator(new DkimVerifier(dns), DmarcEvaluator.builder(dns).build());
        StringBuilder m = new StringBuilder()
                .append("Received: from client.example.com (client.example.com [127.0.0.2])\r\n")
                .append("\tby mx.gatekeeper.test with SMTP; Sat, 5 Dec 2026 12:00:00 +0000\r\n")
                .append("From: Sender <sender@example.com>\r\n")
                .append("To: user1@gatekeeper.test\r\n")
                .append("Subject: unsigned\r\n")
                .append("Date: Sat, 5 Dec 2026 12:00:00 +0000\r\n")
                .append("Message-ID: <unsigned@example.com>\r\n")
                .append("\r\n");
        String line = "The quick brown fox jumps over the lazy dog, again and again and again.\r\n";
        while (m.length() < bodyOctets) {
            m.append(line);
        }
        message = m.toString().getBytes(StandardCharsets.US_ASCII);
        MessageAuthentication first = authenticate();
        if (!first.dkim().isEmpty()) {
            throw new IllegalStateException("an unsigned message has no DKIM result: " + first.dkim());
        }
    }

    @Benchmark
    public MessageAuthentication authenticate() {
        try {
            return authenticator.authenticate(new ByteArrayInputStream(message), SpfEvidence.none())
                    .toCompletableFuture().join();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
