package dev.gatekeeper.james.mailets;

import dev.gatekeeper.policy.SmtpReply;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.Date;
import java.util.Enumeration;
import java.util.List;
import javax.activation.DataHandler;
import javax.mail.Message;
import javax.mail.MessagingException;
import javax.mail.Session;
import javax.mail.internet.ContentType;
import javax.mail.internet.InternetAddress;
import javax.mail.internet.MailDateFormat;
import javax.mail.internet.MimeBodyPart;
import javax.mail.internet.MimeMessage;
import javax.mail.internet.MimeMultipart;
import javax.mail.util.ByteArrayDataSource;
import org.apache.james.core.MailAddress;
import org.apache.mailet.Mail;
import org.apache.mailet.MailetContext;

/**
 * A delivery status notification as RFC 3464 writes it: a {@code multipart/report;
 * report-type=delivery-status} (RFC 6522) of a human-readable part, the
 * {@code message/delivery-status} part (per-message fields, then one block per recipient with
 * {@code Action: failed}, the {@code Status} and the {@code Diagnostic-Code: smtp; <reply>}), and
 * the returned message or its headers.
 */
final class DeliveryStatusReport {

    /** RFC 3464 §2.1: the third part is the whole message or only its headers. */
    enum Returned { HEADERS, MESSAGE, NONE }

    private DeliveryStatusReport() {
    }

    /**
     * Builds the report on the mail and sends it to {@code sender} from the null reverse-path (a
     * DSN is never answered by another one).
     *
     * @throws IllegalStateException when the message cannot be read or the report not sent
     */
    static void send(MailetContext context, Mail mail, MailAddress postmaster, MailAddress sender, String reportingMta,
            SmtpReply reply, String reason, Returned returned) {
        try {
            MimeMessage dsn = build(mail.getMessage(), postmaster, sender, mail.getRecipients(), mail.getLastUpdated(),
                    reportingMta, reply, reason, returned);
            context.sendMail(null, List.of(sender), dsn);
        } catch (MessagingException e) {
            throw new IllegalStateException("cannot send a DSN for mail " + mail.getName() + ": " + e.getMessage(), e);
        }
    }

    static MimeMessage build(MimeMessage original, MailAddress from, MailAddress to, Collection<MailAddress> recipients,
            Date arrival, String reportingMta, SmtpReply reply, String reason, Returned returned) throws MessagingException {
        MimeMessage dsn = new MimeMessage(Session.getInstance(new java.util.Properties()));
        dsn.setFrom(new InternetAddress(from.asString()));
        dsn.setRecipient(Message.RecipientType.TO, new InternetAddress(to.asString()));
        dsn.setSubject("Undelivered Mail Returned to Sender");
        dsn.setSentDate(new Date());
        // RFC 3834 §5: an automatic response, so that no one answers it automatically.
        dsn.setHeader("Auto-Submitted", "auto-replied");

        MimeMultipart report = new MimeMultipart("report");
        ContentType type = new ContentType(report.getContentType());
        type.setParameter("report-type", "delivery-status");

        MimeBodyPart human = new MimeBodyPart();
        StringBuilder text = new StringBuilder()
                .append("This is the mail system at ").append(reportingMta).append(".\r\n\r\n")
                .append("Your message could not be delivered to the following recipient")
                .append(recipients.size() == 1 ? "" : "s").append(":\r\n\r\n");
        for (MailAddress r : recipients) {
            text.append("  <").append(r.asString()).append(">\r\n");
        }
        text.append("\r\nReason: ").append(reason).append("\r\n")
                .append("The server answered: ").append(reply).append("\r\n");
        human.setText(text.toString(), StandardCharsets.UTF_8.name());
        report.addBodyPart(human);

        MimeBodyPart status = new MimeBodyPart();
        status.setDataHandler(new DataHandler(new ByteArrayDataSource(
                deliveryStatus(recipients, arrival, reportingMta, reply).getBytes(StandardCharsets.US_ASCII),
                "message/delivery-status")));
        status.setHeader("Content-Type", "message/delivery-status");
        report.addBodyPart(status);

        if (returned == Returned.MESSAGE) {
            MimeBodyPart whole = new MimeBodyPart();
            whole.setContent(original, "message/rfc822");
            report.addBodyPart(whole);
        } else if (returned == Returned.HEADERS) {
            MimeBodyPart headers = new MimeBodyPart();
            headers.setDataHandler(new DataHandler(new ByteArrayDataSource(headerBlock(original), "text/rfc822-headers")));
            headers.setHeader("Content-Type", "text/rfc822-headers");
            report.addBodyPart(headers);
        }
        dsn.setContent(report, type.toString());
        dsn.setHeader("Content-Type", type.toString());
        dsn.saveChanges();
        // saveChanges lets the multipart write its own Content-Type, without report-type.
        dsn.setHeader("Content-Type", type.toString());
        return dsn;
    }

    /** RFC 3464 §2.2 per-message fields, then §2.3 per-recipient fields, blocks separated by a blank line. */
    static String deliveryStatus(Collection<MailAddress> recipients, Date arrival, String reportingMta, SmtpReply reply) {
        StringBuilder sb = new StringBuilder()
                .append("Reporting-MTA: dns; ").append(reportingMta).append("\r\n");
        if (arrival != null) {
            sb.append("Arrival-Date: ").append(new MailDateFormat().format(arrival)).append("\r\n");
        }
        for (MailAddress r : recipients) {
            sb.append("\r\n")
                    .append("Final-Recipient: rfc822; ").append(r.asString()).append("\r\n")
                    .append("Action: failed\r\n")
                    .append("Status: ").append(reply.enhancedCode()).append("\r\n")
                    .append("Diagnostic-Code: smtp; ").append(reply).append("\r\n");
        }
        return sb.toString();
    }

    private static byte[] headerBlock(MimeMessage original) throws MessagingException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Enumeration<String> lines = original.getAllHeaderLines();
        try {
            while (lines.hasMoreElements()) {
                out.write(lines.nextElement().getBytes(StandardCharsets.UTF_8));
                out.write('\r');
                out.write('\n');
            }
        } catch (IOException e) {
            throw new MessagingException("cannot copy headers", e);
        }
        return out.toByteArray();
    }
}
