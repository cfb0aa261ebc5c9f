package dev.gatekeeper.james.common;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.Objects;

/**
 * A {@link ByteArrayInputStream} for the one reader each stream of a message source has, without
 * the lock the JDK's takes at every call. James parses a message's header section one byte at a
 * time ({@code InternetHeaders.load} through a line reader, at each {@code MimeMessageWrapper}'s
 * first look at its headers), and an uncontended lock is still an atomic operation per byte: JFR
 * put {@code ByteArrayInputStream.read} at 3% of a hooked James 3.9.0's samples. It stays a
 * {@code ByteArrayInputStream} because James and Jakarta Mail buffer any other stream before
 * parsing it ({@code MimeMessageWrapper.parseUnsynchronized}, {@code MimeMessage.parse}).
 */
final class OneReaderByteStream extends ByteArrayInputStream {

    OneReaderByteStream(byte[] octets, int offset, int length) {
        super(octets, offset, length);
    }

    @Override
    public int read() {
        return pos < count ? buf[pos++] & 0xff : -1;
    }

    @Override
    public int read(byte[] b, int off, int len) {
        Objects.checkFromIndexSize(off, len, b.length);
        if (pos >= count) {
            return -1;
        }
        int n = Math.min(len, count - pos);
        System.arraycopy(buf, pos, b, off, n);
        pos += n;
        return n;
    }

    @Override
    public byte[] readAllBytes() {
        byte[] rest = Arrays.copyOfRange(buf, pos, count);
        pos = count;
        return rest;
    }

    @Override
    public int readNBytes(byte[] b, int off, int len) {
        int n = read(b, off, len);
        return n == -1 ? 0 : n;
    }

    @Override
    public long transferTo(OutputStream out) throws IOException {
        int n = count - pos;
        out.write(buf, pos, n);
        pos = count;
        return n;
    }

    @Override
    public long skip(long n) {
        long k = Math.max(0, Math.min(n, count - pos));
        pos += (int) k;
        return k;
    }

    @Override
    public int available() {
        return count - pos;
    }

    @Override
    public void mark(int readAheadLimit) {
        mark = pos;
    }

    @Override
    public void reset() {
        pos = mark;
    }
}
