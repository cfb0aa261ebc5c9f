package dev.gatekeeper.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The client against a scripted one-connection server on loopback. */
class SmtpClientTest {
    private ServerSocket server;
    private Thread peer;
    private final List<String> received = new CopyOnWriteArrayList<>();

    @BeforeEach
    void listen() throws Exception {
        server = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"));
        server.setSoTimeout(10_000);
        peer = new Thread(this::serveOneSession, "scripted-smtp-peer");
        peer.setDaemon(true);
        peer.start();
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
        peer.join(5_000);
    }

    private void serveOneSession() {
        try (Socket socket = server.accept()) {
            socket.setSoTimeout(10_000);
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            OutputStream out = socket.getOutputStream();
            out.write("220 peer.test ESMTP\r\n".getBytes(StandardCharsets.UTF_8));
            boolean inData = false;
            for (int n = 0; n < 100; n++) {
                String line = in.readLine();
                if (line == null) {
                    return;
                }
                received.add(line);
                String reply;
                if (inData) {
                    if (!line.equals(".")) {
                        continue;
                    }
                    inData = false;
                    reply = "250 2.0.0 queued";
                } else if (line.startsWith("EHLO")) {
                    reply = "250-peer.test\r\n250-PIPELINING\r\n250 ENHANCEDSTATUSCODES";
                } else if (line.equals("DATA")) {
                    inData = true;
                    reply = "354 go ahead";
                } else if (line.equals("QUIT")) {
                    out.write("221 2.0.0 bye\r\n".getBytes(StandardCharsets.UTF_8));
                    return;
                } else {
                    reply = "550 5.7.1 no thanks";
                }
                out.write((reply + "\r\n").getBytes(StandardCharsets.UTF_8));
            }
        } catch (Exception e) {
            // the test sees the failure through the client
        }
    }

    private SmtpClient client() {
        return SmtpClient.connect(new InetSocketAddress("127.0.0.1", server.getLocalPort()), null, Duration.ofSeconds(5));
    }

    @Test
    void readsMultiLineRepliesAndKeepsATranscript() {
        try (SmtpClient smtp = client()) {
            assertThat(smtp.greeting().lastLine()).isEqualTo("220 peer.test ESMTP");

            ServerReply ehlo = smtp.ehlo("client.test");

            assertThat(ehlo.code()).isEqualTo(250);
            assertThat(ehlo.rawLines()).containsExactly("250-peer.test", "250-PIPELINING", "250 ENHANCEDSTATUSCODES");
            assertThat(ehlo.text()).isEqualTo("peer.test\nPIPELINING\nENHANCEDSTATUSCODES");
            assertThat(smtp.rcptTo("x@y.test").lastLine()).isEqualTo("550 5.7.1 no thanks");
            assertThat(smtp.transcript()).containsExactly(
                "S: 220 peer.test ESMTP", "C: EHLO client.test",
                "S: 250-peer.test", "S: 250-PIPELINING", "S: 250 ENHANCEDSTATUSCODES",
                "C: RCPT TO:<x@y.test>", "S: 550 5.7.1 no thanks");
        }
    }

    @Test
    void dotStuffsTheMessageAndEndsWithCrlfDot() {
        try (SmtpClient smtp = client()) {
            ServerReply reply = smtp.data("Subject: t\n\n.hidden\nend\n");

            assertThat(reply.lastLine()).isEqualTo("250 2.0.0 queued");
            assertThat(received).containsExactly("DATA", "Subject: t", "", "..hidden", "end", ".");
            smtp.quit();
        }
    }

    @Test
    void refusesLineBreaksInsideACommand() {
        try (SmtpClient smtp = client()) {
            assertThatThrownBy(() -> smtp.rcptTo("a@b.test>\r\nRSET"))
                .isInstanceOf(IllegalArgumentException.class);
        }
    }
}
