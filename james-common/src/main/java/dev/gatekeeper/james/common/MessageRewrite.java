package dev.gatekeeper.james.common;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import javax.mail.MessagingException;
import javax.mail.internet.MimeMessage;
import org.apache.james.lifecycle.api.LifecycleUtil;
import org.apache.james.server.core.MailImpl;
import org.apache.james.server.core.MimeMessageInputStreamSource;
import org.apache.james.server.core.MimeMessageWrapper;
import org.apache.mailet.Mail;

/**
 * The one way Gatekeeper rewrites the header section of a mail it received, for the end-of-DATA
 * hook (its SPF fields on top) and the mailets (forged {@code Authentication-Results} out) alike:
 * fields put on top, and the fields that claim our authserv-id left out or renamed
 * ({@link ForgedAuthenticationResults}, RFC 8601 §5).
 *
 * <p>Through the {@link MimeMessage} API that would mark the message modified, and James then
 * re-serialises a modified message with the mail API at every later write (the queue, each
 * delivery), which under load doubled James's CPU per message. So, for James's own
 * {@link MailImpl}, the message gets a new source instead: the new fields, then the message's
 * octets exactly as received (less any forged field), and it stays unmodified. The new source is
 * an {@link InMemoryMessageSource} when James would keep the message in memory too, a file above
 * James's threshold ({@code james.message.memory.threshold}, 100 KiB unless set). Any other
 * {@link Mail} gets the header block rebuilt through the API, the new fields first and every other
 * line kept as it was.
 */
public final class MessageRewrite {

    private MessageRewrite() {
    }

    /**
     * Puts {@code top} (whole header lines) above the mail's header section; with {@code forged},
     * also leaves out or renames the fields in its authserv-id's name.
     *
     * @return how many forged fields were removed or renamed
     */
    public static int prepend(Mail mail, List<String> top, Optional<ForgedAuthenticationResults> forged)
            throws MessagingException, IOException {
        if (mail instanceof MailImpl) {
            return toSource((MailImpl) mail, top, forged);
        }
        return throughApi(mail.getMessage(), top, forged);
    }

    /**
     * As {@link #prepend(Mail, List, Optional)}, over octets the caller already read: the new lines
     * go into the room above them ({@link ReceivedOctets}), and the message becomes that array, when
     * they fit and no forged field is to go; otherwise onto a copy, as for any mail.
     *
     * @return how many forged fields were removed or renamed
     */
    public static int prepend(ReceivedOctets received, List<String> top, Optional<ForgedAuthenticationResults> forged)
            throws MessagingException, IOException {
        MailImpl mail = received.mail();
        byte[] head = headerLines(top);
        boolean anyForged = forged.isPresent() && forged.get().count(received.array(), received.offset(), received.length()) > 0;
        int start = anyForged ? -1 : received.putAbove(head);
        if (start >= 0) {
            mail.setMessageContent(InMemoryMessageSource.of(sourceId(mail), received.array(), start,
                    head.length + received.length()));
            return 0;
        }
        InMemoryMessageSource.Buffer buffer = new InMemoryMessageSource.Buffer(head.length + received.length());
        int count = copy(received.stream(), head, forged, buffer);
        mail.setMessageContent(InMemoryMessageSource.of(sourceId(mail), buffer));
        return count;
    }

    private static String sourceId(MailImpl mail) {
        return mail.getName() + "-gatekeeper";
    }

    /**
     * The message's octets as James received them (and as stored since), without a parse of
     * the header block that {@code writeTo} would make; for any other message, its serialised
     * form. The caller closes the stream.
     */
    public static InputStream receivedOctets(Mail mail) throws MessagingException, IOException {
        MimeMessage message = mail.getMessage();
        if (message instanceof MimeMessageWrapper) {
            return ((MimeMessageWrapper) message).getMessageInputStream();
        }
        // Rare (a mail built by a mailet): serialised once into memory.
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        message.writeTo(out);
        return new java.io.ByteArrayInputStream(out.toByteArray());
    }

    static int toSource(MailImpl mail, List<String> top, Optional<ForgedAuthenticationResults> forged)
            throws MessagingException, IOException {
        byte[] head = headerLines(top);
        long received = mail.getMessageSize();
        if (received >= 0 && InMemoryMessageSource.fits(head.length + received)) {
            InMemoryMessageSource.Buffer buffer = new InMemoryMessageSource.Buffer((int) (head.length + received));
            int count = copy(receivedOctets(mail), head, forged, buffer);
            // Disposes the old message and its source, as James's own MailImpl.setMessage does.
            mail.setMessageContent(InMemoryMessageSource.of(sourceId(mail), buffer));
            return count;
        }
        MimeMessageInputStreamSource source = MimeMessageInputStreamSource.create(sourceId(mail));
        try {
            int count;
            try (OutputStream out = source.getWritableOutputStream()) {
                count = copy(receivedOctets(mail), head, forged, out);
            }
            mail.setMessageContent(source);
            return count;
        } catch (MessagingException | IOException | RuntimeException e) {
            LifecycleUtil.dispose(source);
            throw e;
        }
    }

    /**
     * The lines, each ended by CRLF, in UTF-8: an SMTPUTF8 sender may appear in the headers
     * (RFC 6532 §3). Nearly every field is ASCII; those are written straight into the one array,
     * without a joined string and its encoded copy.
     */
    private static byte[] headerLines(List<String> top) {
        int size = 0;
        for (String line : top) {
            size += line.length() + 2;
        }
        byte[] head = new byte[size];
        int at = 0;
        for (String line : top) {
            for (int i = 0; i < line.length(); i++) {
                char c = line.charAt(i);
                if (c >= 0x80) {
                    return utf8Lines(top);
                }
                head[at++] = (byte) c;
            }
            head[at++] = '\r';
            head[at++] = '\n';
        }
        return head;
    }

    private static byte[] utf8Lines(List<String> top) {
        StringBuilder lines = new StringBuilder();
        for (String line : top) {
            lines.append(line).append("\r\n");
        }
        return lines.toString().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * The new lines, then the received octets from {@code received} (closed here); only their
     * header section is scanned, and only when asked.
     */
    private static int copy(InputStream received, byte[] head, Optional<ForgedAuthenticationResults> forged, OutputStream out)
            throws IOException {
        out.write(head);
        ForgedAuthenticationResults.HeaderSectionFilter filter = forged.map(f -> f.filter(out)).orElse(null);
        try (InputStream in = received) {
            in.transferTo(filter == null ? out : filter);
        }
        if (filter == null) {
            return 0;
        }
        filter.finish();
        return filter.count();
    }

    static int throughApi(MimeMessage message, List<String> top, Optional<ForgedAuthenticationResults> forged)
            throws MessagingException {
        List<String> lines = Collections.list(message.getAllHeaderLines());
        List<String> kept = lines;
        int count = 0;
        if (forged.isPresent()) {
            kept = new ArrayList<>(lines.size());
            count = forged.get().filterLines(lines, kept);
        }
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
        for (String line : top) {
            message.addHeaderLine(line);
        }
        for (String line : kept) {
            message.addHeaderLine(line);
        }
        return count;
    }
}
