package dev.gatekeeper.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A demo that retries, played against the greylisting peer (451 at every RCPT) on a free port. */
class DemoResultTest {
    private static PeerMtas peers;

    @BeforeAll
    static void start() throws Exception {
        peers = PeerMtas.start(0);
    }

    @AfterAll
    static void stop() {
        peers.close();
    }

    @Test
    void aRefusalEndsTheSessionsCommandsAndTheRetryStartsANewSession() {
        Expected any = Expected.always("not judged here");
        Demo demo = Demo.named("retry").from(Demos.DESIGNATED)
            .step(DemoStep.ehlo("mta.sandbox.test", any))
            .step(DemoStep.mail("alice@pass.sandbox.test", any))
            .step(DemoStep.rcpt("bob@greylist.sandbox.test", any))
            .step(DemoStep.rcpt("carol@greylist.sandbox.test", any))
            .step(DemoStep.reconnectAfter(Duration.ofSeconds(1), any))
            .step(DemoStep.ehlo("mta.sandbox.test", any))
            .step(DemoStep.mail("alice@pass.sandbox.test", any))
            .step(DemoStep.rcpt("bob@greylist.sandbox.test", any))
            .build();
        InetSocketAddress peer = new InetSocketAddress(PeerMta.GREYLISTING.address(), peers.port());

        long start = System.nanoTime();
        DemoResult result = DemoResult.run(demo, peer, true);

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofSeconds(1));
        assertThat(result.failure()).isEmpty();
        String refused = "451 4.7.1 Recipient address rejected: Greylisted, please try again later";
        // The second RCPT of the first session is not sent: a client stops at the refusal.
        assertThat(result.replyLines()).hasSize(7);
        assertThat(result.replyLines().get(2)).isEqualTo(refused);
        assertThat(result.replyLines().get(3)).startsWith("220 ");
        assertThat(result.replyLines().get(6)).isEqualTo(refused);
        assertThat(result.transcript()).containsSubsequence(
            "C: RCPT TO:<bob@greylist.sandbox.test>", "S: " + refused, "C: QUIT",
            "(the client waits 1 s and connects again)",
            "C: EHLO mta.sandbox.test", "C: RCPT TO:<bob@greylist.sandbox.test>", "S: " + refused, "C: QUIT");
        assertThat(result.transcript()).doesNotContain("C: RCPT TO:<carol@greylist.sandbox.test>");
        assertThat(result.transcript().get(0)).startsWith("S: 220 ");
    }
}
