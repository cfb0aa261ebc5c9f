package dev.gatekeeper.callout;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class SmtpReplyTest {

    @Test
    void enhancedCodeOnlyWhenItsClassMatchesTheReply() {
        PeerReply r = new PeerReply(550, List.of("550-5.1.1 no such", "550 5.1.1 user"));
        assertThat(r.enhancedCode()).isEqualTo("5.1.1");
        assertThat(r.text()).isEqualTo("no such user");
        PeerReply odd = new PeerReply(550, List.of("550 2.1.5 confused peer"));
        assertThat(odd.enhancedCode()).isEmpty();
        assertThat(odd.text()).isEqualTo("2.1.5 confused peer");
        assertThat(new PeerReply(250, List.of("250")).summary()).isEqualTo("250");
    }

    @Test
    void ehloKeywords() {
        PeerReply ehlo = new PeerReply(250, List.of("250-mx.test hello", "250-SIZE 1000", "250 starttls"));
        assertThat(ehlo.advertises("STARTTLS")).isTrue();
        assertThat(ehlo.advertises("SIZE")).isTrue();
        assertThat(ehlo.advertises("mx.test")).isFalse();
    }
}
