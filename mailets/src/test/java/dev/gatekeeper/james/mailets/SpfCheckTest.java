package dev.gatekeeper.james.mailets;

import static dev.gatekeeper.james.matchers.Mails.mail;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatekeeper.dns.LoopbackDnsServer;
import dev.gatekeeper.james.matchers.Mails;
import dev.gatekeeper.james.smtp.GatekeeperAttributes;
import javax.mail.MessagingException;
import org.apache.james.core.builder.MimeMessageBuilder;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;
import org.apache.mailet.base.test.FakeMail;
import org.apache.mailet.base.test.FakeMailetConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class SpfCheckTest {

    static LoopbackDnsServer dns;

    @BeforeAll
    static void start() throws Exception {
        dns = Mails.dns();
    }

    @AfterAll
    static void stop() {
        dns.close();
    }

    private SpfCheck mailet(String... params) throws MessagingException {
        FakeMailetConfig.Builder b = FakeMailetConfig.builder().mailetName("SpfCheck")
                .setProperty("dns.servers", dns.hostPort()).setProperty("dns.timeout", "2s")
                .setProperty("spf.receiver", "mx.gatekeeper.test");
        for (int i = 0; i < params.length; i += 2) {
            b.setProperty(params[i], params[i + 1]);
        }
        SpfCheck m = new SpfCheck();
        m.init(b.build());
        return m;
    }

    private static FakeMail mailFrom(String sender, String client) throws Exception {
        return mail(sender, "r@gatekeeper.test").remoteAddr(client)
                .attribute(new Attribute(Mail.SMTP_HELO, AttributeValue.of("mta.pass.gk.test")))
                .mimeMessage(MimeMessageBuilder.mimeMessageBuilder().setSubject("hi").setText("body")).build();
    }

    @Test
    void addsReceivedSpfAndRecordsTheResult() throws Exception {
        FakeMail m = mailFrom("bob@fail.gk.test", "127.0.0.99");
        mailet().service(m);
        assertThat(GatekeeperAttributes.string(m, GatekeeperAttributes.SPF_MAIL_FROM)).contains("fail");
        assertThat(m.getMessage().getHeader("Received-SPF")).containsExactly(
                "fail (mx.gatekeeper.test: domain of bob@fail.gk.test does not designate 127.0.0.99 as permitted sender)"
                        + " client-ip=127.0.0.99; envelope-from=\"bob@fail.gk.test\"; helo=mta.pass.gk.test;"
                        + " receiver=mx.gatekeeper.test; identity=mailfrom; mechanism=-all");
        assertThat(m.getMessage().getHeader("Authentication-Results")).isNull();
    }

    @Test
    void authenticationResultsForBothIdentities() throws Exception {
        FakeMail m = mailFrom("bob@soft.gk.test", "127.0.0.10");
        mailet("identities", "mailfrom, helo", "headers", "authentication-results", "authservId", "mx.gatekeeper.test").service(m);
        assertThat(m.getMessage().getHeader("Authentication-Results")).containsExactly(
                "mx.gatekeeper.test; spf=pass smtp.mailfrom=bob@soft.gk.test",
                "mx.gatekeeper.test; spf=pass smtp.helo=mta.pass.gk.test");
        assertThat(m.getMessage().getHeader("Received-SPF")).isNull();
        assertThat(GatekeeperAttributes.string(m, GatekeeperAttributes.SPF_HELO)).contains("pass");
    }

    @Test
    void aRecordedResultIsLeftAsItIs() throws Exception {
        FakeMail m = mailFrom("bob@fail.gk.test", "127.0.0.99");
        GatekeeperAttributes.setString(m, GatekeeperAttributes.SPF_MAIL_FROM, "pass");
        mailet().service(m);
        assertThat(GatekeeperAttributes.string(m, GatekeeperAttributes.SPF_MAIL_FROM)).contains("pass");
        assertThat(m.getMessage().getHeader("Received-SPF")).isNull();
    }

    @Test
    void badParametersAreRefusedByName() {
        assertThatThrownBy(() -> mailet("identities", "pra")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("SpfCheck: identities: unknown value 'pra' (mailfrom, helo)");
        assertThatThrownBy(() -> mailet("header", "none"))
                .hasMessage("SpfCheck: unknown parameter header (known: authservId, headers, identities, dns.*, spf.*, callout.*)");
        assertThatThrownBy(() -> mailet("spf.maxDnsTerms", "many"))
                .hasMessageStartingWith("SpfCheck: maxDnsTerms");
    }
}
