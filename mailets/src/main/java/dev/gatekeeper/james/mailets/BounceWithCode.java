package dev.gatekeeper.james.mailets;

import dev.gatekeeper.dns.Setting;
import dev.gatekeeper.policy.SmtpReply;
import java.util.Set;
import org.apache.james.core.MailAddress;
import org.apache.mailet.Mail;

/**
 * Returns a mail to its sender as a delivery status notification (RFC 3464) carrying the reply
 * the configuration gives, for a rejection decided after the mail was accepted; then moves the
 * mail to {@code state} (default {@code ghost}: gone). The DSN goes from the postmaster with the
 * null reverse-path (RFC 5321 §4.5.5), so it is never bounced in turn; a mail that itself has the
 * null sender gets no DSN (RFC 3464 §2, RFC 5321 §6.1) and only changes state.
 *
 * <table>
 * <caption>Parameters</caption>
 * <tr><th>Name</th><th>Default</th><th>Meaning</th></tr>
 * <tr><td>reply</td><td>(required)</td><td>a 5xx reply with enhanced code, as a server would have
 *     answered: {@code 550 5.1.7 Sender address rejected: undeliverable address}; it becomes the
 *     {@code Status} and the {@code Diagnostic-Code: smtp;} of the DSN</td></tr>
 * <tr><td>reason</td><td>the reply's text</td><td>the explanation in the human-readable part</td></tr>
 * <tr><td>attachment</td><td>headers</td><td>{@code headers} (text/rfc822-headers), {@code message}
 *     (message/rfc822) or {@code none}</td></tr>
 * <tr><td>reportingMta</td><td>the postmaster's domain</td><td>the {@code Reporting-MTA} name</td></tr>
 * <tr><td>state</td><td>ghost</td><td>the processor the mail goes to afterwards</td></tr>
 * </table>
 */
public class BounceWithCode extends GatekeeperMailet {

    /** What goes back with the report. */
    static final Setting<DeliveryStatusReport.Returned> ATTACHMENT = Setting.choice("attachment", DeliveryStatusReport.Returned.class,
            "headers");
    /** Where the mail goes afterwards; {@code ghost}: nowhere. */
    static final Setting<String> STATE = Setting.text("state", Mail.GHOST);

    private SmtpReply reply;
    private String reason;
    private DeliveryStatusReport.Returned attachment;
    private String reportingMta;
    private String state;

    @Override
    Set<String> parameters() {
        return Set.of("reply", "reason", ATTACHMENT.name(), "reportingMta", STATE.name());
    }

    @Override
    void configure() {
        String text = parameter("reply", "");
        if (text.isEmpty()) {
            throw new IllegalArgumentException("reply: required, e.g. 550 5.1.7 Sender address rejected");
        }
        SmtpReply r;
        try {
            r = SmtpReply.parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("reply: " + e.getMessage(), e);
        }
        if (!r.isPermanent()) {
            throw new IllegalArgumentException("reply: '" + text + "' is not a 5xx reply (a returned mail failed for good)");
        }
        if (r.enhancedCode().isEmpty()) {
            throw new IllegalArgumentException("reply: '" + text + "' has no enhanced status code (RFC 3464 Status needs one, e.g. 5.1.7)");
        }
        reply = r;
        reason = parameter("reason", r.text());
        attachment = parameter(ATTACHMENT);
        // James sets the postmaster after the mailets' init: its domain is read per mail.
        reportingMta = parameter("reportingMta", "");
        state = parameter(STATE);
    }

    @Override
    public void service(Mail mail) {
        if (mail.getMaybeSender().isNullSender() || mail.getMaybeSender().asOptional().isEmpty()) {
            log.debug("{} {}: null sender, no DSN; to state {}", getMailetName(), mail.getName(), state);
        } else {
            MailAddress sender = mail.getMaybeSender().get();
            MailAddress postmaster = getMailetContext().getPostmaster();
            String mta = reportingMta.isEmpty() ? postmaster.getDomain().asString() : reportingMta;
            DeliveryStatusReport.send(getMailetContext(), mail, postmaster, sender, mta, reply, reason, attachment);
            log.debug("{} {}: DSN '{}' sent to {}; to state {}", getMailetName(), mail.getName(), reply, sender, state);
        }
        mail.setState(state);
    }

    @Override
    public String getMailetInfo() {
        return "Gatekeeper bounce with a chosen reply (RFC 3464 DSN)";
    }
}
