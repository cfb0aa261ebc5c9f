package dev.gatekeeper.james.mailets;

import dev.gatekeeper.james.common.ForgedAuthenticationResults;
import java.io.IOException;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import javax.mail.MessagingException;
import javax.mail.internet.MimeMessage;
import org.apache.mailet.Mail;

/**
 * Header edits of a mail's message, the mailets' one way to touch the mail API: here, not in the
 * mailet classes James instantiates (see {@code JamesGeneration}).
 */
final class MailHeaders {

    private MailHeaders() {
    }

    /**
     * Removes or renames the fields of the mail's message that claim our authserv-id (RFC 8601 §5),
     * before the caller adds its own; returns how many.
     *
     * @throws IllegalStateException when the message cannot be read or written
     */
    static int removeForged(ForgedAuthenticationResults forged, Mail mail) {
        try {
            return forged.apply(mail);
        } catch (MessagingException | IOException e) {
            throw new IllegalStateException("cannot check the Authentication-Results fields of mail " + mail.getName()
                    + ": " + e.getMessage(), e);
        }
    }

    /**
     * Removes every field of the {@code removed} names, then adds the {@code added} fields in
     * order, and saves the message.
     *
     * @throws IllegalStateException when the message cannot be read or written; James's mailet
     *         container then handles the mail as for any failing mailet ({@code onMailetException})
     */
    static void edit(Mail mail, Collection<String> removed, List<Map.Entry<String, String>> added) {
        try {
            MimeMessage message = mail.getMessage();
            for (String name : removed) {
                message.removeHeader(name);
            }
            for (Map.Entry<String, String> field : added) {
                message.addHeader(field.getKey(), field.getValue());
            }
            message.saveChanges();
        } catch (MessagingException e) {
            throw new IllegalStateException("cannot write the headers of mail " + mail.getName() + ": " + e.getMessage(), e);
        }
    }
}
