package dev.gatekeeper.james.smtp;

import dev.gatekeeper.spf.AuthenticationResultsSpf;
import dev.gatekeeper.spf.ReceivedSpfHeader;
import dev.gatekeeper.spf.SpfVerdict;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.mail.MessagingException;
import javax.mail.internet.MimeMessage;
import org.apache.james.lifecycle.api.LifecycleUtil;
import org.apache.james.server.core.MailImpl;
import org.apache.james.server.core.MimeMessageInputStreamSource;
import org.apache.james.server.core.MimeMessageWrapper;
import org.apache.mailet.Mail;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the end of DATA adds to an accepted mail: the SPF trace headers on top of the message
 * (RFC 7208 §9.1 {@code Received-SPF}, RFC 8601 {@code Authentication-Results}) and the
 * {@link GatekeeperAttributes} for the mailets and matchers.
 */
final class MessageStamp {

    private static final Logger LOG = LoggerFactory.getLogger(MessageStamp.class);

    private MessageStamp() {
    }

    /**
     * Prepends the headers: trace headers belong on top (RFC 7208 §9.1 "SHOULD be prepended";
     * RFC 8601 §5 above the ones it relies on). For mail from outside the administrative domain,
     * the {@code Authentication-Results} fields that claim our authserv-id go first
     * ({@link ForgedAuthenticationResults}, RFC 8601 §5).
     *
     * <p>Through the {@link MimeMessage} API that would mark the message modified, and James then
     * re-serialises a modified message with javax.mail at every later write (the queue, each
     * delivery), which under load doubled James's CPU per message. So, for James's own
     * {@link MailImpl}, the message gets a new source instead: our lines, then the message's bytes
     * exactly as received (less any forged field), and it stays unmodified. Any other {@link Mail}
     * gets the header block rebuilt through the API, ours first and every other line kept as it was.
     *
     * @param forged how to treat fields in our name, or empty for a client inside (they stay)
     * @return how many forged fields were removed or renamed
     */
    static int prependHeaders(Mail mail, String receiver, String authservId, SpfVerdict mailFrom,
            Optional<ForgedAuthenticationResults> forged) throws MessagingException, IOException {
        List<String> ours = List.of(
                ReceivedSpfHeader.NAME + ": " + ReceivedSpfHeader.of(mailFrom, receiver).value(),
                AuthenticationResultsSpf.header(authservId, mailFrom));
        if (mail instanceof MailImpl) {
            return prependToSource((MailImpl) mail, ours, forged);
        }
        return prependThroughApi(mail.getMessage(), ours, forged);
    }

    private static int prependToSource(MailImpl mail, List<String> lines, Optional<ForgedAuthenticationResults> forged)
            throws MessagingException, IOException {
        MimeMessageInputStreamSource source = MimeMessageInputStreamSource.create(mail.getName() + "-gatekeeper");
        try {
            int count = 0;
            try (OutputStream out = source.getWritableOutputStream()) {
                for (String line : lines) {
                    // UTF-8: an SMTPUTF8 sender may appear in the headers (RFC 6532 §3).
                    out.write((line + "\r\n").getBytes(StandardCharsets.UTF_8));
                }
                // Only the header section of the received octets is scanned, and only for a client outside.
                ForgedAuthenticationResults.HeaderSectionFilter filter = forged.map(f -> f.filter(out)).orElse(null);
                OutputStream rest = filter == null ? out : filter;
                MimeMessage message = mail.getMessage();
                if (message instanceof MimeMessageWrapper) {
                    // The received octets as they are: writeTo would parse the header block first.
                    try (InputStream in = ((MimeMessageWrapper) message).getMessageInputStream()) {
                        in.transferTo(rest);
                    }
                } else {
                    message.writeTo(rest);
                }
                if (filter != null) {
                    filter.finish();
                    count = filter.count();
                }
            }
            // Disposes the old message and its source, as James's own MailImpl.setMessage does.
            mail.setMessageContent(source);
            return count;
        } catch (MessagingException | IOException | RuntimeException e) {
            LifecycleUtil.dispose(source);
            throw e;
        }
    }

    private static int prependThroughApi(MimeMessage message, List<String> ours, Optional<ForgedAuthenticationResults> forged)
            throws MessagingException {
        List<String> lines = Collections.list(message.getAllHeaderLines());
        List<String> kept = lines;
        int count = 0;
        if (forged.isPresent()) {
            kept = new ArrayList<>(lines.size());
            count = forged.get().filterLines(lines, kept);
        }
        ForgedAuthenticationResults.rebuild(message, ours, kept);
        return count;
    }

    /**
     * The size of the message received, in octets, or -1 if James cannot tell (then no byte is
     * counted). Here rather than in the handler: the handler names no mail API type (see
     * {@link JamesGeneration}).
     */
    static long messageSize(String sessionId, Mail mail) {
        try {
            return mail.getMessageSize();
        } catch (MessagingException | RuntimeException e) {
            LOG.warn("{}: size of the message unknown: {}", sessionId, e.toString());
            return -1;
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
