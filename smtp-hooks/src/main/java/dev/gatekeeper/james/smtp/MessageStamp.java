package dev.gatekeeper.james.smtp;

import dev.gatekeeper.spf.AuthenticationResultsSpf;
import dev.gatekeeper.spf.ReceivedSpfHeader;
import dev.gatekeeper.spf.SpfVerdict;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.mail.MessagingException;
import javax.mail.internet.MimeMessage;
import org.apache.mailet.Mail;

/**
 * What the end of DATA adds to an accepted mail: the SPF trace headers on top of the message
 * (RFC 7208 §9.1 {@code Received-SPF}, RFC 8601 {@code Authentication-Results}) and the
 * {@link GatekeeperAttributes} for the mailets and matchers.
 */
final class MessageStamp {

    private MessageStamp() {
    }

    /**
     * Prepends the headers. javax.mail appends unknown headers at the end; trace headers belong on
     * top (RFC 7208 §9.1 "SHOULD be prepended"; RFC 8601 §5 above the ones it relies on), so the
     * header block is rebuilt with ours first, every other line kept as it was.
     */
    static void prependHeaders(MimeMessage message, String receiver, String authservId, SpfVerdict mailFrom)
            throws MessagingException {
        List<String> ours = List.of(
                ReceivedSpfHeader.NAME + ": " + ReceivedSpfHeader.of(mailFrom, receiver).value(),
                AuthenticationResultsSpf.header(authservId, mailFrom));
        List<String> lines = Collections.list(message.getAllHeaderLines());
        Set<String> names = new LinkedHashSet<>();
        for (String line : lines) {
            int colon = line.indexOf(':');
            if (colon > 0) {
                names.add(line.substring(0, colon).trim());
            }
        }
        for (String name : names) {
            message.removeHeader(name);
        }
        for (String line : ours) {
            message.addHeaderLine(line);
        }
        for (String line : lines) {
            message.addHeaderLine(line);
        }
    }

    static void setAttributes(Mail mail, SpfVerdict mailFrom, SpfVerdict helo, String senderKey,
            Map<String, String> callouts, Set<String> tags, List<String> verdicts, List<String> warnings) {
        GatekeeperAttributes.setString(mail, GatekeeperAttributes.SPF_MAIL_FROM, mailFrom.result().keyword());
        mailFrom.explanation().or(mailFrom::problem).ifPresent(
                e -> GatekeeperAttributes.setString(mail, GatekeeperAttributes.SPF_MAIL_FROM_EXPLANATION, e));
        if (helo != null) {
            GatekeeperAttributes.setString(mail, GatekeeperAttributes.SPF_HELO, helo.result().keyword());
        }
        String senderOutcome = callouts.get(senderKey);
        if (senderOutcome != null) {
            GatekeeperAttributes.setString(mail, GatekeeperAttributes.CALLOUT_SENDER, senderOutcome);
        }
        if (!callouts.isEmpty()) {
            GatekeeperAttributes.setMap(mail, GatekeeperAttributes.CALLOUT_OUTCOMES, callouts);
        }
        GatekeeperAttributes.setStrings(mail, GatekeeperAttributes.TAGS, new ArrayList<>(tags));
        GatekeeperAttributes.setStrings(mail, GatekeeperAttributes.POLICY_VERDICTS, verdicts);
        if (!warnings.isEmpty()) {
            GatekeeperAttributes.setStrings(mail, GatekeeperAttributes.POLICY_WARNINGS, warnings);
        }
    }
}
