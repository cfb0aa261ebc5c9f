package dev.gatekeeper.james.common;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import javax.mail.internet.MimeMessage;
import org.apache.james.server.core.BufferedDeferredFileOutputStream;
import org.apache.james.server.core.MimeMessageInputStreamSource;
import org.apache.james.server.core.MimeMessageSource;
import org.apache.james.server.core.MimeMessageWrapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The octets of a message as James's DATA handler received them, written straight from the buffer
 * James keeps them in. Reading them as a stream costs a copy of the whole message each time:
 * James's {@link MimeMessageInputStreamSource#getInputStream()} hands out a new array of its
 * buffer at every call ({@code BufferedDeferredFileOutputStream.getData()}), while the same
 * buffer's public {@code writeTo} writes the octets themselves.
 *
 * <p>James gives no getter for the source behind a {@link MimeMessageWrapper} (a protected field,
 * the same in 3.8 and 3.9); it is read through a {@link VarHandle} found once. Where that fails (a
 * James that changed the field), or the message is not exactly what was received (changed by an
 * earlier hook, a file-backed or another kind of source), the caller reads the stream as before.
 */
final class JamesMessageBuffer {

    private static final Logger LOG = LoggerFactory.getLogger(JamesMessageBuffer.class);

    /** {@code MimeMessageWrapper.source}; null when this James has no such field. */
    private static final VarHandle SOURCE = sourceField();

    private JamesMessageBuffer() {
    }

    /**
     * Writes the received octets of {@code message} into {@code into} from {@code offset} on, at
     * most {@code room} of them.
     *
     * @return how many octets it wrote; {@code room + 1} when the message has more than
     *         {@code room}; -1 when James's buffer cannot be reached (then nothing was written that
     *         the caller needs: it reads the stream)
     */
    static int writeInto(MimeMessage message, byte[] into, int offset, int room) {
        BufferedDeferredFileOutputStream buffer = inMemory(message);
        if (buffer == null) {
            return -1;
        }
        ArraySink sink = new ArraySink(into, offset, room);
        try {
            buffer.writeTo(sink);
        } catch (IOException e) {
            // Not closed yet, or gone to a file meanwhile: not the state James hands a hook.
            return -1;
        }
        return sink.overflow ? room + 1 : sink.at - offset;
    }

    /** James's buffer of the received octets, when the message is those octets and they are in memory; else null. */
    private static BufferedDeferredFileOutputStream inMemory(MimeMessage message) {
        if (SOURCE == null || !(message instanceof MimeMessageWrapper) || ((MimeMessageWrapper) message).isModified()) {
            return null;
        }
        Object source = SOURCE.get((MimeMessageWrapper) message);
        if (!(source instanceof MimeMessageInputStreamSource)) {
            return null;
        }
        OutputStream out = ((MimeMessageInputStreamSource) source).getWritableOutputStream();
        if (!(out instanceof BufferedDeferredFileOutputStream) || !((BufferedDeferredFileOutputStream) out).isInMemory()) {
            return null;
        }
        return (BufferedDeferredFileOutputStream) out;
    }

    private static VarHandle sourceField() {
        try {
            return MethodHandles.privateLookupIn(MimeMessageWrapper.class, MethodHandles.lookup())
                    .findVarHandle(MimeMessageWrapper.class, "source", MimeMessageSource.class);
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.info("James's message source cannot be read directly ({}): received messages are read through a copy", e.toString());
            return null;
        }
    }

    /** Writes into a slice of an array; what does not fit is counted as overflow, not written. */
    private static final class ArraySink extends OutputStream {
        private final byte[] into;
        private final int end;
        private int at;
        private boolean overflow;

        ArraySink(byte[] into, int offset, int room) {
            this.into = into;
            this.at = offset;
            this.end = offset + room;
        }

        @Override
        public void write(int b) {
            if (at == end) {
                overflow = true;
            } else {
                into[at++] = (byte) b;
            }
        }

        @Override
        public void write(byte[] b, int off, int len) {
            if (len > end - at) {
                overflow = true;
                return;
            }
            System.arraycopy(b, off, into, at, len);
            at += len;
        }
    }
}
