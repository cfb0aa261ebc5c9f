package dev.gatekeeper.james.mailets;

import static dev.gatekeeper.james.common.Mails.mail;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import javax.mail.MessagingException;
import javax.mail.internet.MimeMessage;
import javax.mail.internet.MimeMultipart;
import org.apache.james.core.MailAddress;
import org.apache.james.core.MaybeSender;
import org.apache.james.core.builder.MimeMessageBuilder;
import org.apache.mailet.Mail;
import org.apache.mailet.base.test.FakeMail;
import org.apache.mailet.base.test.FakeMailContext;
import org.apache.mailet.base.test.FakeMailetConfig;
import org.junit.jupiter.api.Test;

class BounceWithCodeTest {

    private final FakeMailContext context = FakeMailContext.builder()
            .postmaster(new MailAddressOf("postmaster@gatekeeper.test").get()).build();

    /** MailAddress's constructor throws a checked exception; field initialisers cannot. */
    static final class MailAddressOf {
        private final String text;

        MailAddressOf(String text) {
            this.text = text;
        }

        MailAddress get() {
            try {
                return new MailAddress(text);
            } catch (Exception e) {
                throw new IllegalArgumentException(e);
            }
        }
    }

    private BounceWithCode mailet(String... params) throws MessagingException {
        FakeMailetConfig.Builder b = FakeMailetConfig.builder().mailetName("BounceWithCode").mailetContext(context);
        for (int i = 0; i < params.length; i += 2) {
            b.setProperty(params[i], params[i + 1]);
        }
        BounceWithCode m = new BounceWithCode();
        m.init(b.build());
        return m;
    }

    private static String text(Object part) throws Exception {
        if (part instanceof String) {
            return (String) part;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ((javax.activation.DataSource) part).getInputStream().transferTo(out);
        return out.toString(StandardCharsets.US_ASCII);
    }

    @Test
    void returnsAnRfc3464ReportWithTheConfiguredReply() throws Exception {
        FakeMail m = mail("nobody@peer.callout.test", "r@gatekeeper.test", "s@gatekeeper.test")
                .mimeMessage(MimeMessageBuilder.mimeMessageBuilder().setSubject("Original subject").setText("original body")).build();
        mailet("reply", "550 5.1.7 Sender address rejected: undeliverable address",
                "reason", "The sender's own mail server refused the sender address.").service(m);

        assertThat(m.getState()).isEqualTo(Mail.GHOST);
        assertThat(context.getSentMails()).hasSize(1);
        FakeMailContext.SentMail sent = context.getSentMails().get(0);
        assertThat(sent.getSender()).as("null reverse-path").isNull();
        assertThat(sent.getRecipients()).containsExactly(new MailAddress("nobody@peer.callout.test"));
        MimeMessage dsn = sent.getMsg();
        assertThat(dsn.getContentType()).startsWith("multipart/report;").contains("report-type=delivery-status");
        assertThat(dsn.getHeader("Auto-Submitted")).containsExactly("auto-replied");
        assertThat(dsn.getFrom()[0].toString()).isEqualTo("postmaster@gatekeeper.test");

        MimeMultipart report = (MimeMultipart) dsn.getContent();
        assertThat(report.getCount()).isEqualTo(3);
        assertThat((String) report.getBodyPart(0).getContent())
                .contains("Reason: The sender's own mail server refused the sender address.")
                .contains("The server answered: 550 5.1.7 Sender address rejected: undeliverable address")
                .contains("<r@gatekeeper.test>").contains("<s@gatekeeper.test>");
        assertThat(report.getBodyPart(1).getContentType()).isEqualTo("message/delivery-status");
        String status = text(report.getBodyPart(1).getDataHandler().getDataSource());
        assertThat(status).startsWith("Reporting-MTA: dns; gatekeeper.test\r\n")
                .contains("\r\n\r\nFinal-Recipient: rfc822; r@gatekeeper.test\r\nAction: failed\r\nStatus: 5.1.7\r\n"
                        + "Diagnostic-Code: smtp; 550 5.1.7 Sender address rejected: undeliverable address\r\n")
                .contains("Final-Recipient: rfc822; s@gatekeeper.test\r\n");
        assertThat(report.getBodyPart(2).getContentType()).isEqualTo("text/rfc822-headers");
        assertThat(text(report.getBodyPart(2).getDataHandler().getDataSource())).contains("Subject: Original subject");
    }

    @Test
    void noDsnToTheNullSenderAndTheStateIsConfigurable() throws Exception {
        FakeMail bounce = FakeMail.builder().name("b").sender(MaybeSender.nullSender()).recipients("r@gatekeeper.test")
                .mimeMessage(MimeMessageBuilder.mimeMessageBuilder().setText("x")).build();
        mailet("reply", "550 5.7.1 rejected", "state", "quarantine").service(bounce);
        assertThat(context.getSentMails()).isEmpty();
        assertThat(bounce.getState()).isEqualTo("quarantine");
    }

    @Test
    void badParametersAreRefusedByName() {
        assertThatThrownBy(() -> mailet()).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("BounceWithCode: reply: required, e.g. 550 5.1.7 Sender address rejected");
        assertThatThrownBy(() -> mailet("reply", "451 4.7.1 later"))
                .hasMessage("BounceWithCode: reply: '451 4.7.1 later' is not a 5xx reply (a returned mail failed for good)");
        assertThatThrownBy(() -> mailet("reply", "550 no code"))
                .hasMessage("BounceWithCode: reply: '550 no code' has no enhanced status code (RFC 3464 Status needs one, e.g. 5.1.7)");
        assertThatThrownBy(() -> mailet("reply", "550 4.1.7 mixed"))
                .hasMessageStartingWith("BounceWithCode: reply: ");
        assertThatThrownBy(() -> mailet("reply", "550 5.1.7 x", "attachment", "body"))
                .hasMessage("BounceWithCode: attachment: 'body' is not one of [headers, message, none]");
    }
}
