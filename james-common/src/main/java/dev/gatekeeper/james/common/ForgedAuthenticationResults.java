package dev.gatekeeper.james.common;

import dev.gatekeeper.dns.Setting;
import dev.gatekeeper.spf.AuthenticationResultsField;
import dev.gatekeeper.spf.AuthenticationResultsSpf;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import javax.mail.MessagingException;
import javax.mail.internet.MimeMessage;
import org.apache.james.server.core.MailImpl;
import org.apache.james.server.core.MimeMessageWrapper;
import org.apache.mailet.Mail;

/**
 * RFC 8601 §5 at the border: an {@code Authentication-Results} field that claims our own
 * authserv-id on mail from outside the administrative domain was not written by us, so it goes
 * before we add ours: removed (the default), or renamed to {@value #RENAMED} and kept for
 * forensics (a reader that trusts our authserv-id no longer recognises it). Fields of other
 * authserv-ids, and fields whose authserv-id does not parse, are left as they are
 * ({@link AuthenticationResultsField}). The end-of-DATA hook and the mailets decide the same way
 * and rewrite the message the same way ({@link MessageRewrite}).
 *
 * <p>For James's own {@link MailImpl} with a {@link MimeMessageWrapper}, the received octets are
 * copied into a new source with only the forged fields' octets left out or renamed: the header
 * section is scanned up to its blank line, everything else stays byte for byte, and the message
 * stays unmodified for James (no mail API re-serialisation at later writes). Any other message
 * gets its header block rebuilt through the {@link MimeMessage} API, in the same order.
 */
public final class ForgedAuthenticationResults {

    /** The name a forged field gets with {@link Handling#RENAME}. */
    public static final String RENAMED = "X-Gatekeeper-Forged-Authentication-Results";

    /** What becomes of a forged field. */
    public enum Handling {
        /** Left out of the message (the default). */
        REMOVE,
        /** Renamed to {@value ForgedAuthenticationResults#RENAMED}, its body kept as it came. */
        RENAME;

        /** The setting's word: {@code remove} or {@code rename}. */
        public String keyword() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** @throws IllegalArgumentException for anything but {@code remove} or {@code rename} (any case) */
        public static Handling parse(String value) {
            String v = value == null ? "" : value.strip();
            for (Handling h : values()) {
                if (h.keyword().equalsIgnoreCase(v)) {
                    return h;
                }
            }
            throw new IllegalArgumentException("'" + value + "' is neither remove nor rename");
        }
    }

    /**
     * The setting of the SMTP handler and the {@code SpfCheck} mailet alike: RFC 8601 §5 says
     * remove or rename; removed, nobody downstream can be misled by it.
     */
    public static final Setting<Handling> HANDLING = Setting.parsed("forgedAuthenticationResults", Handling::parse,
            Handling::keyword, "remove");

    private final String authservId;
    private final Handling handling;

    /**
     * @param authservId our authserv-id, as we write it in our own field
     * @param handling remove or rename
     */
    public ForgedAuthenticationResults(String authservId, Handling handling) {
        this.authservId = Objects.requireNonNull(authservId, "authservId");
        this.handling = Objects.requireNonNull(handling, "handling");
    }

    public String authservId() {
        return authservId;
    }

    public Handling handling() {
        return handling;
    }

    /**
     * Removes or renames the forged fields of the mail's message, before the caller adds its own
     * field (and saves the message, as after any header change). A message without one is not
     * touched.
     *
     * @return how many fields were removed or renamed
     */
    public int apply(Mail mail) throws MessagingException, IOException {
        MimeMessage message = mail.getMessage();
        if (!anyForged(message.getHeader(AuthenticationResultsSpf.HEADER_NAME))) {
            return 0;
        }
        if (mail instanceof MailImpl && message instanceof MimeMessageWrapper) {
            return MessageRewrite.toSource((MailImpl) mail, List.of(), Optional.of(this));
        }
        return MessageRewrite.throughApi(message, List.of(), Optional.of(this));
    }

    private boolean anyForged(String[] values) {
        if (values != null) {
            for (String v : values) {
                if (AuthenticationResultsField.claims(v, authservId)) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * Header lines (each a whole field, folded as javax.mail keeps it) into {@code kept}, forged
     * ones left out or renamed.
     *
     * @return how many were forged
     */
    int filterLines(List<String> lines, List<String> kept) {
        int count = 0;
        for (String line : lines) {
            int colon = line.indexOf(':');
            if (colon > 0 && AuthenticationResultsField.isAuthenticationResults(line.substring(0, colon))
                    && AuthenticationResultsField.claims(line.substring(colon + 1), authservId)) {
                count++;
                if (handling == Handling.RENAME) {
                    kept.add(RENAMED + line.substring(nameEnd(line, colon)));
                }
            } else {
                kept.add(line);
            }
        }
        return count;
    }

    /** Where the field name ends: before the white space that may precede the colon (RFC 5322 §4.5.8). */
    private static int nameEnd(CharSequence line, int colon) {
        int end = colon;
        while (end > 0 && (line.charAt(end - 1) == ' ' || line.charAt(end - 1) == '\t')) {
            end--;
        }
        return end;
    }

    /** How many forged fields the message in {@code octets} has: the filter's scan, with nothing written. */
    int count(byte[] octets, int offset, int length) throws IOException {
        HeaderSectionFilter scan = filter(OutputStream.nullOutputStream());
        scan.write(octets, offset, length);
        scan.finish();
        return scan.count();
    }

    /** A stream that writes a message's octets to {@code out} with the forged fields left out or renamed. */
    HeaderSectionFilter filter(OutputStream out) {
        return new HeaderSectionFilter(out);
    }

    /**
     * Copies a message's octets, scanning only its header section (up to the first empty line, or
     * the end): a field is passed on as it comes unless its name starts like
     * {@code Authentication-Results:}; such a field is held until its last continuation line and
     * then written, left out or renamed. From the empty line on, writes go straight through.
     * Lines may end in CRLF or LF. {@link #finish()} after the last write.
     */
    final class HeaderSectionFilter extends OutputStream {

        private static final String NAME = "authentication-results";

        private final OutputStream out;
        private final ByteArrayOutputStream held = new ByteArrayOutputStream();
        private boolean body;
        private boolean lineStart = true;
        /** -1: passing the current field on; otherwise the octets of its name seen so far. */
        private int nameSeen = -1;
        private boolean holding;
        private int count;

        private HeaderSectionFilter(OutputStream out) {
            this.out = out;
        }

        /** How many fields were forged (known after {@link #finish()}). */
        int count() {
            return count;
        }

        @Override
        public void write(int b) throws IOException {
            if (body) {
                out.write(b);
            } else {
                step((byte) b);
            }
        }

        /**
         * Octets that pass unchanged go out in runs, one write each: within a field passed on, only
         * the line feed is looked for; line starts, field names and held fields take {@link #step}.
         */
        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            Objects.checkFromIndexSize(off, len, b.length);
            int end = off + len;
            int run = off;
            int i = off;
            while (i < end && !body) {
                if (!holding && nameSeen < 0) {
                    if (!lineStart || b[i] == ' ' || b[i] == '\t') {
                        lineStart = false;
                        while (i < end && b[i] != '\n') {
                            i++;
                        }
                        if (i < end) {
                            lineStart = true;
                            i++;
                        }
                        continue;
                    }
                }
                out.write(b, run, i - run);
                step(b[i]);
                run = ++i;
            }
            out.write(b, run, end - run);
        }

        private void step(byte b) throws IOException {
            if (lineStart) {
                lineStart = false;
                if (b != ' ' && b != '\t') {
                    endField();
                    if (b == '\r' || b == '\n') {
                        body = true;
                        out.write(b);
                        return;
                    }
                    nameSeen = 0;
                }
            }
            if (holding) {
                held.write(b);
            } else if (nameSeen >= 0) {
                boolean fits;
                if (nameSeen < NAME.length()) {
                    char c = (char) (b & 0xff);
                    fits = (c >= 'A' && c <= 'Z' ? (char) (c + 32) : c) == NAME.charAt(nameSeen);
                } else {
                    fits = b == ':' || b == ' ' || b == '\t';
                }
                if (!fits) {
                    // Most names differ at their first octet: nothing was held then.
                    if (held.size() > 0) {
                        held.writeTo(out);
                        held.reset();
                    }
                    out.write(b);
                    nameSeen = -1;
                } else {
                    held.write(b);
                    if (b == ':') {
                        holding = true;
                        nameSeen = -1;
                    } else {
                        nameSeen++;
                    }
                }
            } else {
                out.write(b);
            }
            if (b == '\n') {
                lineStart = true;
            }
        }

        /** The field held so far goes out as it came, renamed, or not at all. */
        private void endField() throws IOException {
            if (held.size() > 0) {
                byte[] field = held.toByteArray();
                held.reset();
                if (holding && isForged(field)) {
                    count++;
                    if (handling == Handling.RENAME) {
                        int colon = indexOf(field, (byte) ':');
                        String name = new String(field, 0, colon, StandardCharsets.ISO_8859_1);
                        int end = nameEnd(name, colon);
                        out.write(RENAMED.getBytes(StandardCharsets.US_ASCII));
                        out.write(field, end, field.length - end);
                    }
                } else {
                    out.write(field);
                }
            }
            holding = false;
            nameSeen = -1;
        }

        private boolean isForged(byte[] field) {
            int colon = indexOf(field, (byte) ':');
            return colon > 0
                    && AuthenticationResultsField.isAuthenticationResults(new String(field, 0, colon, StandardCharsets.ISO_8859_1))
                    // UTF-8: a field may carry it (RFC 6532); ours is US-ASCII either way.
                    && AuthenticationResultsField.claims(
                            new String(field, colon + 1, field.length - colon - 1, StandardCharsets.UTF_8), authservId);
        }

        private int indexOf(byte[] a, byte b) {
            for (int i = 0; i < a.length; i++) {
                if (a[i] == b) {
                    return i;
                }
            }
            return -1;
        }

        /** Writes out a field still held (a header section that ends without an empty line); does not close. */
        void finish() throws IOException {
            if (!body) {
                endField();
            }
            out.flush();
        }

        @Override
        public void flush() throws IOException {
            out.flush();
        }
    }
}
