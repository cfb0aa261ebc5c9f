package dev.gatekeeper.benchmarks.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The load driver against a small SMTP sink on loopback that counts what it was given. */
class SmtpLoadTest {

    private Sink sink;

    @BeforeEach
    void start() throws IOException {
        sink = new Sink();
    }

    @AfterEach
    void stop() throws IOException {
        sink.close();
    }

    @Test
    void everyMessageIsSentOnceAndTheRecipientsTakeTurns() throws Exception {
        LoadResult r = new SmtpLoad(plan().sessions(3).messages(12).recipient("a@sink.test").recipient("b@sink.test")
                .recipient("c@sink.test").recipient("d@sink.test").build()).run();

        assertThat(r.accepted()).isEqualTo(12);
        assertThat(r.refused()).isZero();
        assertThat(r.timedOut()).isFalse();
        assertThat(sink.messages.get()).isEqualTo(12);
        // Message n goes to recipient n mod 4, whichever session sends it: three each.
        assertThat(sink.byRecipient).containsOnly(Map.entry("a@sink.test", 3), Map.entry("b@sink.test", 3),
                Map.entry("c@sink.test", 3), Map.entry("d@sink.test", 3));
        assertThat(r.acceptedByRecipient()).isEqualTo(sink.byRecipient);
        assertThat(sink.sessions.get()).isEqualTo(3);
        assertThat(r.connections()).isEqualTo(3);
        assertThat(r.rcptLatency(50)).isPositive();
    }

    @Test
    void aRefusedRecipientIsCountedAndTheSessionGoesOn() throws Exception {
        LoadResult r = new SmtpLoad(plan().sessions(2).messages(6).recipient("a@sink.test").recipient("refused@sink.test")
                .build()).run();

        assertThat(r.accepted()).isEqualTo(3);
        assertThat(r.refused()).isEqualTo(3);
        assertThat(sink.messages.get()).isEqualTo(3);
        assertThat(sink.byRecipient).containsOnly(Map.entry("a@sink.test", 3));
        // Only what got 250 after DATA is expected in a mailbox.
        assertThat(r.acceptedByRecipient()).isEqualTo(Map.of("a@sink.test", 3));
    }

    private SmtpLoad.Plan.Builder plan() {
        return SmtpLoad.Plan.builder(sink.address()).helo("load.test").sender("load@load.test").messageBytes(512)
                .replyTimeout(Duration.ofSeconds(5)).deadline(Duration.ofSeconds(30));
    }

    /**
     * Accepts any recipient but {@code refused@}, reads DATA up to the lone dot, counts messages by
     * recipient. Each session ends at QUIT, end of input or 200 commands.
     */
    private static final class Sink implements AutoCloseable {
        final ServerSocket server = new ServerSocket();
        final ExecutorService pool = Executors.newCachedThreadPool();
        final AtomicInteger sessions = new AtomicInteger();
        final AtomicInteger messages = new AtomicInteger();
        final Map<String, Integer> byRecipient = new ConcurrentHashMap<>();

        Sink() throws IOException {
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            pool.execute(this::accept);
        }

        InetSocketAddress address() {
            return new InetSocketAddress(server.getInetAddress(), server.getLocalPort());
        }

        private void accept() {
            while (!server.isClosed()) {
                try {
                    Socket s = server.accept();
                    sessions.incrementAndGet();
                    pool.execute(() -> serve(s));
                } catch (IOException e) {
                    return;
                }
            }
        }

        private void serve(Socket socket) {
            try (Socket s = socket) {
                s.setSoTimeout(10_000);
                BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1));
                OutputStream out = s.getOutputStream();
                reply(out, "220 sink.test");
                String recipient = null;
                for (int n = 0; n < 200; n++) {
                    String line = in.readLine();
                    if (line == null) {
                        return;
                    }
                    String upper = line.toUpperCase(java.util.Locale.ROOT);
                    if (upper.startsWith("RCPT TO:")) {
                        String to = line.substring(line.indexOf('<') + 1, line.indexOf('>'));
                        boolean refused = to.startsWith("refused@");
                        recipient = refused ? null : to;
                        reply(out, refused ? "550 5.1.1 no such user" : "250 2.1.5 ok");
                    } else if (upper.equals("DATA")) {
                        reply(out, "354 go on");
                        for (int lines = 0; lines < 10_000 && !".".equals(in.readLine()); lines++) {
                            // the message itself is not kept
                        }
                        messages.incrementAndGet();
                        byRecipient.merge(recipient, 1, Integer::sum);
                        reply(out, "250 2.0.0 queued");
                    } else if (upper.equals("QUIT")) {
                        reply(out, "221 bye");
                        return;
                    } else {
                        reply(out, "250 ok");
                    }
                }
            } catch (IOException e) {
                // the driver went away: nothing more to count
            }
        }

        private static void reply(OutputStream out, String line) throws IOException {
            out.write((line + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
        }

        @Override
        public void close() throws IOException {
            server.close();
            pool.shutdownNow();
        }
    }
}
