package dev.gatekeeper.james.common;

import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;
import javax.mail.MessagingException;
import org.apache.james.server.core.MailImpl;
import org.apache.james.server.core.MimeMessageWrapper;
import org.apache.mailet.Mail;

/**
 * A received message's octets, read from James once at the end of DATA for both things Gatekeeper
 * does with them: DKIM, ARC and DMARC read them where they are, and the fields Gatekeeper puts on
 * top go into room left above them, so that the rewritten message ({@link MessageRewrite}) is this
 * array, not a copy of it. Before, each message was copied four times (two reads from James, the
 * verifier's buffer, the new message). They come straight from James's own buffer where it can be
 * reached ({@link JamesMessageBuffer}), without the copy that reading James's stream makes.
 *
 * <p>Only for James's own {@link MailImpl} with a message small enough that James keeps it in
 * memory ({@link InMemoryMessageSource#THRESHOLD}, room included); anything else keeps the
 * streaming paths, which never hold a large message.
 */
public final class ReceivedOctets {

    /**
     * Room above the message for {@code Received-SPF} (RFC 7208 §9.1) and
     * {@code Authentication-Results} (RFC 8601): with SPF, one DKIM signature, ARC and DMARC they
     * take 500-700 octets. Longer fields (several signatures) go on a copy.
     */
    static final int HEAD_ROOM = 1024;

    private final MailImpl mail;
    private final byte[] buffer;
    private final int length;
    private boolean roomTaken;

    private ReceivedOctets(MailImpl mail, byte[] buffer, int length) {
        this.mail = mail;
        this.buffer = buffer;
        this.length = length;
    }

    /**
     * Reads the mail's message as received, or nothing (the caller streams it as before) for a
     * mail that is not James's own, a message James keeps in a file, or one whose size James
     * cannot tell or told wrong.
     */
    public static Optional<ReceivedOctets> read(Mail mail) throws MessagingException, IOException {
        if (!(mail instanceof MailImpl) || !(mail.getMessage() instanceof MimeMessageWrapper)) {
            return Optional.empty();
        }
        long size = mail.getMessageSize();
        if (size < 0 || !InMemoryMessageSource.fits(HEAD_ROOM + size)) {
            return Optional.empty();
        }
        byte[] buffer = new byte[HEAD_ROOM + (int) size];
        int length = JamesMessageBuffer.writeInto(mail.getMessage(), buffer, HEAD_ROOM, (int) size);
        if (length < 0) {
            try (InputStream in = MessageRewrite.receivedOctets(mail)) {
                length = in.readNBytes(buffer, HEAD_ROOM, (int) size);
                if (in.read() != -1) {
                    return Optional.empty();
                }
            }
        } else if (length > size) {
            return Optional.empty();
        }
        return Optional.of(new ReceivedOctets((MailImpl) mail, buffer, length));
    }

    /** The array the octets are in: read it, never write it (the rewritten message shares it). */
    public byte[] array() {
        return buffer;
    }

    /** Where the octets start in {@link #array()}. */
    public int offset() {
        return HEAD_ROOM;
    }

    /** How many octets the message has. */
    public int length() {
        return length;
    }

    MailImpl mail() {
        return mail;
    }

    InputStream stream() {
        return new OneReaderByteStream(buffer, HEAD_ROOM, length);
    }

    /**
     * Puts {@code head} just above the octets, once: the start of the message with them, or -1 when
     * they do not fit or the room was already given to an earlier message (which shares the array).
     */
    int putAbove(byte[] head) {
        if (roomTaken || head.length > HEAD_ROOM) {
            return -1;
        }
        roomTaken = true;
        int start = HEAD_ROOM - head.length;
        System.arraycopy(head, 0, buffer, start, head.length);
        return start;
    }
}
