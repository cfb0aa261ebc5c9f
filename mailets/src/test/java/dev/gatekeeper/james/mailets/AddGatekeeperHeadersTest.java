package dev.gatekeeper.james.mailets;

import static dev.gatekeeper.james.common.Mails.mail;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatekeeper.james.common.GatekeeperAttributes;
import java.util.List;
import org.apache.james.core.builder.MimeMessageBuilder;
import org.apache.mailet.base.test.FakeMail;
import org.apache.mailet.base.test.FakeMailetConfig;
import org.junit.jupiter.api.Test;

class AddGatekeeperHeadersTest {

    private AddGatekeeperHeaders mailet(String... params) throws Exception {
        FakeMailetConfig.Builder b = FakeMailetConfig.builder().mailetName("AddGatekeeperHeaders");
        for (int i = 0; i < params.length; i += 2) {
            b.setProperty(params[i], params[i + 1]);
        }
        AddGatekeeperHeaders m = new AddGatekeeperHeaders();
        m.init(b.build());
        return m;
    }

    @Test
    void writesRecordedVerdictsAndDropsForgedOnes() throws Exception {
        FakeMail m = mail("a@x.example", "r@gatekeeper.test").mimeMessage(MimeMessageBuilder.mimeMessageBuilder()
                .addHeader("X-Gatekeeper-SPF", "mailfrom=pass").addHeader("X-Gatekeeper-Tags", "trusted").setText("x")).build();
        GatekeeperAttributes.setString(m, GatekeeperAttributes.SPF_MAIL_FROM, "softfail");
        GatekeeperAttributes.setString(m, GatekeeperAttributes.SPF_HELO, "none");
        GatekeeperAttributes.setString(m, GatekeeperAttributes.CALLOUT_SENDER, "accepted");
        GatekeeperAttributes.setStrings(m, GatekeeperAttributes.POLICY_VERDICTS, List.of("mail:dunno", "rcpt:permit"));
        GatekeeperAttributes.setStrings(m, GatekeeperAttributes.POLICY_WARNINGS, List.of("rule 'x': would\r\nreject"));
        mailet().service(m);
        assertThat(m.getMessage().getHeader("X-Gatekeeper-SPF")).containsExactly("mailfrom=softfail helo=none");
        assertThat(m.getMessage().getHeader("X-Gatekeeper-Callout")).containsExactly("sender=accepted");
        assertThat(m.getMessage().getHeader("X-Gatekeeper-Verdicts")).containsExactly("mail:dunno rcpt:permit");
        assertThat(m.getMessage().getHeader("X-Gatekeeper-Warning")).containsExactly("rule 'x': would reject");
        assertThat(m.getMessage().getHeader("X-Gatekeeper-Tags")).as("forged, none recorded").isNull();
    }

    @Test
    void theDnsListsScoreAndHitsAreOneHeaderAndAForgedOneGoes() throws Exception {
        FakeMail m = mail("a@x.example", "r@gatekeeper.test").mimeMessage(MimeMessageBuilder.mimeMessageBuilder()
                .addHeader("X-Gatekeeper-DNSBL", "score=-5 dnswl[client-address]=127.0.0.2").setText("x")).build();
        GatekeeperAttributes.setString(m, GatekeeperAttributes.DNSBL_SCORE, "4");
        GatekeeperAttributes.setStrings(m, GatekeeperAttributes.DNSBL_HITS,
                List.of("zen[client-address]=127.0.0.2", "dbl[sender-domain]=127.0.1.2,127.0.1.3"));
        mailet().service(m);
        assertThat(m.getMessage().getHeader("X-Gatekeeper-DNSBL"))
                .containsExactly("score=4 zen[client-address]=127.0.0.2 dbl[sender-domain]=127.0.1.2,127.0.1.3");
    }

    @Test
    void greylistingsWaitIsPostgreysDelayedHeader() throws Exception {
        FakeMail m = mail("a@x.example", "r@gatekeeper.test").mimeMessage(MimeMessageBuilder.mimeMessageBuilder().setText("x")).build();
        GatekeeperAttributes.setString(m, GatekeeperAttributes.GREYLIST_DELAYED, "312");
        mailet().service(m);
        assertThat(m.getMessage().getHeader("X-Gatekeeper-Greylist")).containsExactly("delayed 312 seconds");
    }

    @Test
    void noDnsListsDeclaredNoHeader() throws Exception {
        FakeMail m = mail("a@x.example", "r@gatekeeper.test").mimeMessage(MimeMessageBuilder.mimeMessageBuilder()
                .addHeader("X-Gatekeeper-DNSBL", "score=-5").setText("x")).build();
        mailet().service(m);
        assertThat(m.getMessage().getHeader("X-Gatekeeper-DNSBL")).as("forged, none recorded").isNull();
    }

    @Test
    void prefixIsChecked() throws Exception {
        FakeMail m = mail("a@x.example", "r@gatekeeper.test").mimeMessage(MimeMessageBuilder.mimeMessageBuilder().setText("x")).build();
        GatekeeperAttributes.setStrings(m, GatekeeperAttributes.TAGS, List.of("suspect"));
        mailet("prefix", "X-GK-").service(m);
        assertThat(m.getMessage().getHeader("X-GK-Tags")).containsExactly("suspect");
        assertThatThrownBy(() -> mailet("prefix", "X Bad:"))
                .hasMessage("AddGatekeeperHeaders: prefix: 'X Bad:' is not a header field name (RFC 5322 §3.6.8)");
    }
}
