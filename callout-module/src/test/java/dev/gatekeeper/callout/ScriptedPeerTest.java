package dev.gatekeeper.callout;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The scripted peer as the MTA a client delivers to: DATA, the message kept, the end-of-data reply. */
class ScriptedPeerTest {

    @Test
    void acceptsAMessageAfterDataAndKeepsIt() throws Exception {
        try (ScriptedPeer peer = ScriptedPeer.on("127.0.0.2").endOfData("250 2.0.0 Ok: queued as 1A2B").start();
                Socket s = new Socket()) {
            s.connect(new InetSocketAddress(peer.address(), peer.port()), 5000);
            s.setSoTimeout(5000);
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
            OutputStream out = s.getOutputStream();
            List<String> replies = new ArrayList<>();
            replies.add(in.readLine());
            for (String line : List.of("HELO client.test", "MAIL FROM:<a@client.test>", "RCPT TO:<b@peer.test>", "DATA")) {
                out.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
                replies.add(in.readLine());
            }
            out.write("Subject: hi\r\n\r\n..a line that starts with a dot\r\nend\r\n.\r\nQUIT\r\n".getBytes(StandardCharsets.US_ASCII));
            replies.add(in.readLine());
            replies.add(in.readLine());
            assertThat(replies).containsExactly("220 peer.test ESMTP scripted", "250 peer.test", "250 2.1.0 sender ok",
                    "250 2.1.5 recipient ok", "354 end data with <CR><LF>.<CR><LF>", "250 2.0.0 Ok: queued as 1A2B", "221 2.0.0 bye");
            assertThat(peer.messages()).containsExactly("Subject: hi\r\n\r\n.a line that starts with a dot\r\nend");
            assertThat(peer.commands()).containsExactly("HELO client.test", "MAIL FROM:<a@client.test>", "RCPT TO:<b@peer.test>",
                    "DATA", "QUIT");
        }
    }
}
