package dev.gatekeeper.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Each scripted peer on its loopback address and a shared free port, spoken to over SMTP. */
class PeerMtaTest {
    private static PeerMtas peers;

    @BeforeAll
    static void start() throws Exception {
        peers = PeerMtas.start(0);
    }

    @AfterAll
    static void stop() {
        peers.close();
    }

    private static String rcptReply(PeerMta peer, String recipient) {
        try (SmtpClient smtp = SmtpClient.connect(new InetSocketAddress(peer.address(), peers.port()))) {
            assertThat(smtp.greeting().lastLine()).startsWith("220 ");
            smtp.ehlo("probe.sandbox.test");
            smtp.mailFrom("");
            return smtp.rcptTo(recipient).lastLine();
        }
    }

    @Test
    void theAcceptingPeerKnowsItsUsersOnly() {
        assertThat(rcptReply(PeerMta.ACCEPTING, "bob@accept.sandbox.test")).isEqualTo("250 2.1.5 Ok");
        assertThat(rcptReply(PeerMta.ACCEPTING, "x7k2q9@accept.sandbox.test"))
            .isEqualTo("550 5.1.1 <unknown>: Recipient address rejected: User unknown");
    }

    @Test
    void theRejectingPeerRefusesEveryone() {
        assertThat(rcptReply(PeerMta.REJECTING, "bob@reject.sandbox.test"))
            .isEqualTo("550 5.1.1 Recipient address rejected: User unknown in local recipient table");
    }

    @Test
    void theGreylistingPeerDefers() {
        assertThat(rcptReply(PeerMta.GREYLISTING, "bob@greylist.sandbox.test"))
            .isEqualTo("451 4.7.1 Recipient address rejected: Greylisted, please try again later");
    }

    @Test
    void theCatchAllPeerTakesAnything() {
        assertThat(rcptReply(PeerMta.CATCH_ALL, "x7k2q9@catchall.sandbox.test")).isEqualTo("250 2.1.5 Ok, any mailbox will do");
    }

    @Test
    void theTarpitAnswersInTheEnd() {
        assertThat(rcptReply(PeerMta.TARPITTING, "bob@tarpit.sandbox.test")).isEqualTo("250 2.1.5 recipient ok");
        assertThat(peers.commands(PeerMta.TARPITTING)).contains("RCPT TO:<bob@tarpit.sandbox.test>");
    }

    @Test
    void sharesOnePortOnFiveAddresses() {
        for (PeerMta peer : PeerMta.values()) {
            assertThat(peers.peer(peer).port()).isEqualTo(peers.port());
            assertThat(peers.peer(peer).address().getHostAddress()).isEqualTo(peer.address());
        }
    }
}
