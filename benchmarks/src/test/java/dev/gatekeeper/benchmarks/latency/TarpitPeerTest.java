package dev.gatekeeper.benchmarks.latency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The tarpit mail host over a real loopback socket, with a short delay. */
class TarpitPeerTest {

    private static final Duration DELAY = Duration.ofMillis(300);

    /** A client of the tarpit: lines in, lines out, every read bounded. */
    private static final class Client implements AutoCloseable {
        final Socket socket = new Socket();
        final BufferedReader in;
        final OutputStream out;

        Client(TarpitPeer peer, int readTimeoutMillis) throws IOException {
            socket.connect(new InetSocketAddress(peer.address(), peer.port()), 5000);
            socket.setSoTimeout(readTimeoutMillis);
            in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
            out = socket.getOutputStream();
        }

        List<String> send(String command) throws IOException {
            out.write((command + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return reply();
        }

        List<String> reply() throws IOException {
            List<String> lines = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                String line = in.readLine();
                if (line == null) {
                    break;
                }
                lines.add(line);
                if (line.length() < 4 || line.charAt(3) != '-') {
                    break;
                }
            }
            return lines;
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    @Test
    void greetsNoSoonerThanItsDelayThenAnswersAsAnAcceptingMta() throws Exception {
        try (TarpitPeer peer = TarpitPeer.start("127.0.0.1", 0, DELAY);
                Client c = new Client(peer, 10_000)) {
            long connected = System.nanoTime();
            List<String> greeting = c.reply();
            long waited = System.nanoTime() - connected;
            assertThat(greeting).containsExactly("220 tarpit.test ESMTP slow to greet");
            // A lower bound only: a slow machine greets later, never sooner.
            assertThat(Duration.ofNanos(waited)).isGreaterThanOrEqualTo(DELAY.minusMillis(20));
            assertThat(c.send("EHLO mx.gatekeeper.test")).containsExactly("250-tarpit.test", "250 PIPELINING");
            assertThat(c.send("MAIL FROM:<>")).containsExactly("250 2.1.0 sender ok");
            assertThat(c.send("RCPT TO:<t1@tarpit.load.test>")).containsExactly("250 2.1.5 recipient ok");
            assertThat(c.send("DATA")).containsExactly("554 5.5.1 no mail taken here");
            assertThat(c.send("RSET")).containsExactly("250 2.0.0 ok");
            assertThat(c.send("VRFY x")).containsExactly("500 5.5.2 command not recognized");
            assertThat(c.send("QUIT")).containsExactly("221 2.0.0 bye");
            assertThat(c.in.readLine()).as("closed after QUIT").isNull();
            assertThat(peer.connections()).isEqualTo(1);
            assertThat(peer.greeted()).isEqualTo(1);
        }
    }

    @Test
    void saysNothingWhileTheDelayRuns() throws Exception {
        try (TarpitPeer peer = TarpitPeer.start("127.0.0.1", 0, Duration.ofSeconds(30));
                Client c = new Client(peer, 200)) {
            assertThatThrownBy(c.in::readLine).isInstanceOf(SocketTimeoutException.class);
            assertThat(peer.connections()).isEqualTo(1);
            assertThat(peer.greeted()).isZero();
        }
    }

    @Test
    void aClientThatGaveUpBeforeTheGreetingIsCountedAndOthersAreStillServed() throws Exception {
        try (TarpitPeer peer = TarpitPeer.start("127.0.0.1", 0, DELAY)) {
            new Client(peer, 1000).close();
            try (Client waiting = new Client(peer, 10_000)) {
                assertThat(waiting.reply()).containsExactly("220 tarpit.test ESMTP slow to greet");
                assertThat(waiting.send("QUIT")).containsExactly("221 2.0.0 bye");
            }
            assertThat(peer.connections()).isEqualTo(2);
            // Its greeting was due first, but another thread may still be noticing that it went away.
            for (int i = 0; i < 100 && peer.goneBeforeGreeting() == 0; i++) {
                Thread.sleep(50);
            }
            assertThat(peer.goneBeforeGreeting()).isEqualTo(1);
            assertThat(peer.greeted()).isEqualTo(1);
        }
    }

    @Test
    void manyConnectionsWaitAtOnceAndAreAllGreeted() throws Exception {
        try (TarpitPeer peer = TarpitPeer.start("127.0.0.1", 0, DELAY)) {
            List<Client> clients = new ArrayList<>();
            try {
                for (int i = 0; i < 40; i++) {
                    clients.add(new Client(peer, 10_000));
                }
                // Each says QUIT once greeted, so that it gives its conversation thread back.
                for (Client c : clients) {
                    assertThat(c.reply()).containsExactly("220 tarpit.test ESMTP slow to greet");
                    assertThat(c.send("QUIT")).containsExactly("221 2.0.0 bye");
                }
            } finally {
                for (Client c : clients) {
                    c.close();
                }
            }
            assertThat(peer.greeted()).isEqualTo(40);
        }
    }

    @Test
    void refusesAnAddressOutsideLoopback() {
        assertThatThrownBy(() -> TarpitPeer.start("192.0.2.1", 0, DELAY))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("loopback");
    }
}
