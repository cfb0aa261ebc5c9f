package dev.gatekeeper.james.common;

import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import javax.mail.MessagingException;
import javax.mail.internet.InternetHeaders;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * What the class of the rewritten message's stream costs James's header parsing. James 3.8 reads
 * every header section a byte at a time through one call site ({@code LineInputStream.readLine}
 * under {@code InternetHeaders.load}), for its own messages (the JDK's {@code ByteArrayInputStream})
 * and for the one the end-of-DATA hook rewrote. Each operation parses, as a hooked James does a
 * message, James's copy of a message and the rewritten message twice; {@code stream} says what the
 * rewritten message's stream is:
 *
 * <ul>
 * <li>{@code jdk}: the JDK's {@code ByteArrayInputStream}, the class James's own sources hand out,
 *     whose {@code read()} takes a lock;</li>
 * <li>{@code one-reader}: Gatekeeper's {@link OneReaderByteStream} (cut 18), which takes none but
 *     is a second class at that call site, so the compiler can no longer inline one
 *     {@code read()} there (the "vtable stub" under {@code LineInputStream.readLine} in a hooked
 *     James's profile).</li>
 * </ul>
 *
 * Before measuring, the call site also sees a buffered stream, as in a James where other readers
 * reach it too. Each value in its own JVM, so that each profile holds only its own classes; the
 * machine's speed drifts, so run the two values by turns:
 *
 * <pre>
 * for i in 1 2 3 4 5 6; do for s in jdk one-reader; do
 *   java -jar benchmarks/target/gatekeeper-benchmarks.jar HeaderStreamBenchmark -p stream=$s -f 1 -wi 5 -i 5 -w 2s -r 1s
 * done; done
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class HeaderStreamBenchmark {

    /** A header section as smtp-source's message has it after James's Received field. */
    private static final String JAMES = "Received: from client.load.test ([127.0.0.1])\r\n"
            + "          by mx.gatekeeper.test (JAMES SMTP Server ) with ESMTP ID 1a2b3c4d\r\n"
            + "          for <user@gatekeeper.test>;\r\n"
            + "          Mon, 7 Dec 2026 04:22:25 +0000 (UTC)\r\n"
            + "From: <load@load.test>\r\n"
            + "To: <user@gatekeeper.test>\r\n"
            + "Date: Mon, 7 Dec 2026 04:22:25 +0000\r\n"
            + "Message-Id: <1a82.0013.0272@client.load.test>\r\n"
            + "Subject: test\r\n"
            + "\r\n";
    /** The same with the two fields the end-of-DATA hook puts on top. */
    private static final String REWRITTEN = "Received-SPF: pass (mx.gatekeeper.test: domain of load@load.test designates"
            + " 127.0.0.1 as permitted sender) client-ip=127.0.0.1; envelope-from=\"load@load.test\";"
            + " helo=client.load.test; receiver=mx.gatekeeper.test; identity=mailfrom;\r\n"
            + "Authentication-Results: mx.gatekeeper.test;\r\n"
            + "\tspf=pass smtp.mailfrom=load@load.test;\r\n"
            + "\tdkim=none;\r\n"
            + "\tarc=none;\r\n"
            + "\tdmarc=none header.from=load.test\r\n"
            + JAMES;

    @Param({"jdk", "one-reader"})
    public String stream;

    private final byte[] james = JAMES.getBytes(StandardCharsets.US_ASCII);
    private final byte[] rewritten = REWRITTEN.getBytes(StandardCharsets.US_ASCII);

    @Setup(Level.Trial)
    public void seeOtherReaders() throws MessagingException {
        // Until compiled, the call site records every class it sees; a buffered stream is the other
        // reader James's parsing meets.
        for (int i = 0; i < 20_000; i++) {
            new InternetHeaders(new BufferedInputStream(new ByteArrayInputStream(james)));
            parse();
        }
    }

    @Benchmark
    public int parse() throws MessagingException {
        int fields = count(new InternetHeaders(new ByteArrayInputStream(james)));
        fields += count(new InternetHeaders(rewrittenStream()));
        fields += count(new InternetHeaders(rewrittenStream()));
        return fields;
    }

    private InputStream rewrittenStream() {
        return stream.equals("jdk") ? new ByteArrayInputStream(rewritten) : new OneReaderByteStream(rewritten, 0, rewritten.length);
    }

    private static int count(InternetHeaders headers) {
        int n = 0;
        for (var e = headers.getAllHeaderLines(); e.hasMoreElements(); e.nextElement()) {
            n++;
        }
        return n;
    }
}
