package dev.gatekeeper.james.common;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.util.Objects;
import java.util.Optional;
import org.apache.james.server.core.MimeMessageSource;
import org.apache.james.util.SizeFormat;

/**
 * A rewritten message's octets, held on the heap, for a message small enough that James itself
 * would keep it in memory. James's own {@code MimeMessageInputStreamSource} costs, per message, a
 * deferred-file stream, a cleaner registration and a pass of its leak tracker, for the two header
 * fields the end-of-DATA hook adds to every mail. Nothing to release: no file, no stream left open.
 */
final class InMemoryMessageSource implements MimeMessageSource {

    /** James's default for {@code james.message.memory.threshold} (MimeMessageInputStreamSource). */
    private static final long JAMES_DEFAULT_THRESHOLD = 100 * 1024;

    /** Above this, a rewritten message goes to a file like any large message James receives. */
    static final long THRESHOLD = threshold(System.getProperty("james.message.memory.threshold"));

    private final String sourceId;
    private final byte[] octets;
    private final int offset;
    private final int length;

    private InMemoryMessageSource(String sourceId, byte[] octets, int offset, int length) {
        this.sourceId = Objects.requireNonNull(sourceId, "sourceId");
        Objects.checkFromIndexSize(offset, length, octets.length);
        this.octets = octets;
        this.offset = offset;
        this.length = length;
    }

    /** Takes over the buffer's octets without copying them; the caller writes no more to it. */
    static InMemoryMessageSource of(String sourceId, Buffer buffer) {
        return new InMemoryMessageSource(sourceId, buffer.octets(), 0, buffer.size());
    }

    /** The message in {@code octets} from {@code offset}, not copied; nobody writes there any more. */
    static InMemoryMessageSource of(String sourceId, byte[] octets, int offset, int length) {
        return new InMemoryMessageSource(sourceId, octets, offset, length);
    }

    /** The most one Java array holds: a larger threshold keeps a message on the heap up to this. */
    private static final long LARGEST_ARRAY = Integer.MAX_VALUE - 8;

    /**
     * The threshold James reads from the same system property; a value it cannot read is James's
     * default, and none exceeds what one array holds.
     */
    static long threshold(String property) {
        long value;
        try {
            value = Optional.ofNullable(property).map(SizeFormat::parseAsByteCount).orElse(JAMES_DEFAULT_THRESHOLD);
        } catch (RuntimeException e) {
            value = JAMES_DEFAULT_THRESHOLD;
        }
        return Math.min(value, LARGEST_ARRAY);
    }

    /**
     * Whether a message of {@code octets} octets is one James would keep in memory; false for a
     * size James could not tell (negative).
     */
    static boolean fits(long octets) {
        return octets >= 0 && octets <= THRESHOLD;
    }

    @Override
    public String getSourceId() {
        return sourceId;
    }

    @Override
    public InputStream getInputStream() {
        return new OneReaderByteStream(octets, offset, length);
    }

    @Override
    public long getMessageSize() {
        return length;
    }

    /** A byte buffer whose octets can be handed over without the copy {@code toByteArray} makes. */
    static final class Buffer extends ByteArrayOutputStream {

        Buffer(int expected) {
            super(expected);
        }

        byte[] octets() {
            return buf;
        }
    }
}
