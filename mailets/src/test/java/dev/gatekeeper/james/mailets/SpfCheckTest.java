package dev.gatekeeper.james.mailets;

import static dev.gatekeeper.james.common.Mails.mail;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatekeeper.dns.LoopbackDnsServer;
import dev.gatekeeper.james.common.ForgedAuthenticationResults;
import dev.gatekeeper.james.common.GatekeeperAttributes;
import dev.gatekeeper.james.common.Mails;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import javax.mail.MessagingException;
import javax.mail.Session;
import javax.mail.internet.MimeMessage;
import org.apache.james.core.builder.MimeMessageBuilder;
import org.apache.james.server.core.MailImpl;
import org.apache.james.server.core.MimeMessageInputStreamSource;
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

    /** What a client wrote: a field in our name (folded, with a comment), one of another authserv-id. */
    private static final String CLIENT_HEADERS = "Authentication-Results: (trust me)\r\n MX.Gatekeeper.Test; spf=pass\r\n"
            + "Authentication-Results: other.example.com; dkim=pass header.d=example.com\r\n"
            + "Subject: hi\r\n";
    private static final String BODY = "\r\nAuthentication-Results: mx.gatekeeper.test; spf=pass\r\nbody\r\n";

    private static FakeMail clientMail(String client) throws Exception {
        return mail("bob@pass.gk.test", "r@gatekeeper.test").remoteAddr(client)
                .mimeMessage(new MimeMessage(Session.getDefaultInstance(System.getProperties()),
                        new ByteArrayInputStream((CLIENT_HEADERS + BODY).getBytes(StandardCharsets.UTF_8)))).build();
    }

    private SpfCheck authResMailet(String... more) throws MessagingException {
        String[] params = new String[4 + more.length];
        params[0] = "headers";
        params[1] = "authentication-results";
        params[2] = "authservId";
        params[3] = "mx.gatekeeper.test";
        System.arraycopy(more, 0, params, 4, more.length);
        return mailet(params);
    }

    @Test
    void anOutsideMailsFieldInOurNameGoesBeforeOursIsAdded() throws Exception {
        FakeMail m = clientMail("127.0.0.10");
        authResMailet("myNetworks", "192.0.2.0/24").service(m);
        assertThat(m.getMessage().getHeader("Authentication-Results")).containsExactly(
                "other.example.com; dkim=pass header.d=example.com",
                "mx.gatekeeper.test; spf=pass smtp.mailfrom=bob@pass.gk.test");
        assertThat(m.getMessage().getHeader(ForgedAuthenticationResults.RENAMED)).isNull();
        assertThat(written(m.getMessage())).endsWith(BODY);
    }

    @Test
    void renamedWithTheSetting() throws Exception {
        FakeMail m = clientMail("127.0.0.10");
        authResMailet("forgedAuthenticationResults", "rename").service(m);
        assertThat(m.getMessage().getHeader(ForgedAuthenticationResults.RENAMED))
                .containsExactly("(trust me)\r\n MX.Gatekeeper.Test; spf=pass");
        assertThat(m.getMessage().getHeader("Authentication-Results")).hasSize(2);
    }

    @Test
    void insideMailKeepsItsFields() throws Exception {
        FakeMail mine = clientMail("127.0.0.10");
        authResMailet("myNetworks", "127.0.0.0/24").service(mine);
        assertThat(mine.getMessage().getHeader("Authentication-Results")).hasSize(3);
        FakeMail authenticated = clientMail("127.0.0.10");
        authenticated.setAttribute(new Attribute(Mail.SMTP_AUTH_USER, AttributeValue.of("alice")));
        authResMailet().service(authenticated);
        assertThat(authenticated.getMessage().getHeader("Authentication-Results")).hasSize(3);
        // Writing no Authentication-Results, the mailet leaves those there are alone.
        FakeMail receivedSpfOnly = clientMail("127.0.0.10");
        mailet().service(receivedSpfOnly);
        assertThat(receivedSpfOnly.getMessage().getHeader("Authentication-Results")).hasSize(2);
    }

    @Test
    void jamesMailKeepsEveryOtherOctet() throws Exception {
        MailImpl m = MailImpl.builder().name("m1").sender("bob@pass.gk.test").addRecipient("r@gatekeeper.test")
                .remoteAddr("127.0.0.10").build();
        m.setMessageContent(MimeMessageInputStreamSource.create("m1",
                new ByteArrayInputStream((CLIENT_HEADERS + BODY).getBytes(StandardCharsets.UTF_8))));
        authResMailet().service(m);
        String written = written(m.getMessage());
        assertThat(written).doesNotContain("trust me").contains("Subject: hi\r\n").endsWith(BODY);
        assertThat(m.getMessage().getHeader("Authentication-Results")).containsExactly(
                "other.example.com; dkim=pass header.d=example.com",
                "mx.gatekeeper.test; spf=pass smtp.mailfrom=bob@pass.gk.test");
        m.dispose();
    }

    private static String written(MimeMessage message) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        message.writeTo(out);
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void badParametersAreRefusedByName() {
        assertThatThrownBy(() -> mailet("identities", "pra")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("SpfCheck: identities: unknown value 'pra' (mailfrom, helo)");
        assertThatThrownBy(() -> mailet("header", "none"))
                .hasMessage("SpfCheck: unknown parameter header (known: authservId, forgedAuthenticationResults, headers,"
                        + " identities, myNetworks, dns.*, spf.*, callout.*)");
        assertThatThrownBy(() -> mailet("forgedAuthenticationResults", "keep"))
                .hasMessage("SpfCheck: forgedAuthenticationResults: 'keep' is neither remove nor rename");
        assertThatThrownBy(() -> mailet("myNetworks", "127.0.0.0/8, 10.0.0.1/8"))
                .hasMessage("SpfCheck: myNetworks: '10.0.0.1/8' has host bits set below /8");
        assertThatThrownBy(() -> mailet("spf.maxDnsTerms", "many"))
                .hasMessage("SpfCheck: spf.maxDnsTerms: 'many' is not a whole number");
    }
}
