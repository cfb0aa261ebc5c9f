package dev.gatekeeper.dmarc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatekeeper.dkim.DkimSettings;
import dev.gatekeeper.dkim.DkimStatus;
import dev.gatekeeper.dkim.DkimVerifier;
import dev.gatekeeper.dkim.Rfc8463Example;
import dev.gatekeeper.dns.TxtRecord;
import dev.gatekeeper.dns.ZoneResolver;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** DKIM then DMARC over one read of a message: RFC 8463 Appendix A's message, signed twice by football.example.com. */
class MessageAuthenticatorTest {

    private static final ZoneResolver ZONE = Rfc8463Example.zone()
            .add("_dmarc.football.example.com", TxtRecord.of("v=DMARC1; p=reject"))
            .build();

    private final MessageAuthenticator authenticator = new MessageAuthenticator(
            new DkimVerifier(ZONE, DkimSettings.builder().clock(Rfc8463Example.CLOCK).build()),
            DmarcEvaluator.builder(ZONE).build());

    private MessageAuthentication authenticate(String message, SpfEvidence spf) throws Exception {
        return authenticator.authenticate(new ByteArrayInputStream(Rfc8463Example.bytes(message)), spf)
                .toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void alignedSignaturesPassDmarcWithoutSpf() throws Exception {
        MessageAuthentication a = authenticate(Rfc8463Example.MESSAGE, SpfEvidence.of("bounces.example.net", "pass"));
        assertThat(a.dkim()).extracting(r -> r.status()).containsExactly(DkimStatus.PASS, DkimStatus.PASS);
        assertThat(a.dmarc().outcome()).isEqualTo(DmarcOutcome.PASS);
        assertThat(a.dmarc().dkimAligned()).isTrue();
        assertThat(a.dmarc().spfAligned()).isFalse();
        assertThat(a.resinfos()).hasSize(4);
        assertThat(a.resinfos().get(2)).isEqualTo("arc=none");
        assertThat(a.resinfos().get(0)).startsWith("dkim=pass").contains("header.d=football.example.com", "header.s=brisbane");
        assertThat(a.resinfos().get(3)).isEqualTo("dmarc=pass (p=reject dis=none) header.from=football.example.com");
        assertThat(a.appendTo("Authentication-Results: mx.example.net; spf=pass smtp.mailfrom=bounces.example.net"))
                .isEqualTo("Authentication-Results: mx.example.net; spf=pass smtp.mailfrom=bounces.example.net;\r\n\t"
                        + a.resinfos().get(0) + ";\r\n\t" + a.resinfos().get(1) + ";\r\n\tarc=none;\r\n\t"
                        + "dmarc=pass (p=reject dis=none) header.from=football.example.com");
    }

    @Test
    void aForgedBodyFailsBothSignaturesAndTheDomainsPolicyApplies() throws Exception {
        String forged = Rfc8463Example.MESSAGE.replace("We lost the game.", "We won the game.");
        MessageAuthentication a = authenticate(forged, SpfEvidence.of("bounces.example.net", "pass"));
        assertThat(a.dkim()).extracting(r -> r.status()).containsExactly(DkimStatus.FAIL, DkimStatus.FAIL);
        assertThat(a.dmarc().outcome()).isEqualTo(DmarcOutcome.FAIL);
        assertThat(a.dmarc().disposition()).isEqualTo(Policy.REJECT);
    }

    @Test
    void anUnsignedMessageSaysDkimNoneAndDmarcFollowsSpf() throws Exception {
        String unsigned = Rfc8463Example.HEADERS + "\r\n" + Rfc8463Example.BODY;
        MessageAuthentication a = authenticate(unsigned, SpfEvidence.of("football.example.com", "pass"));
        assertThat(a.dkim()).isEmpty();
        assertThat(a.resinfos().get(0)).isEqualTo("dkim=none");
        assertThat(a.dmarc().outcome()).isEqualTo(DmarcOutcome.PASS);
        assertThat(a.dmarc().spfAligned()).isTrue();
    }

    @Test
    void aMessageReadInSmallPiecesGivesTheSameResults() throws Exception {
        InputStream trickle = new ByteArrayInputStream(Rfc8463Example.bytes(Rfc8463Example.MESSAGE)) {
            @Override
            public synchronized int read(byte[] b, int off, int len) {
                return super.read(b, off, Math.min(len, 7));
            }
        };
        MessageAuthentication a = authenticator.authenticate(trickle, SpfEvidence.none()).toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertThat(a.dkim()).extracting(r -> r.status()).containsExactly(DkimStatus.PASS, DkimStatus.PASS);
    }

    @Test
    void aHeaderSectionPastTheLimitIsAnErrorNotAnEndlessRead() {
        String huge = "X-Filler: " + "a".repeat(900) + "\r\n";
        String message = huge.repeat(DkimVerifier.MAX_HEADER_SECTION / huge.length() + 1) + "\r\nbody\r\n";
        assertThatThrownBy(() -> authenticate(message, SpfEvidence.none())).isInstanceOf(IOException.class)
                .hasMessageContaining("header section longer than");
    }

    @Test
    void aMessageWithoutFromIsADmarcPermerror() throws Exception {
        MessageAuthentication a = authenticate("Subject: hi\r\n\r\nbody\r\n", SpfEvidence.none());
        assertThat(a.dmarc().outcome()).isEqualTo(DmarcOutcome.PERMERROR);
        assertThat(a.resinfos()).containsExactly("dkim=none", "arc=none", a.dmarc().authenticationResults());
    }
}
