package dev.gatekeeper.dkim;

import java.util.ArrayList;
import java.util.List;

/**
 * Canonicalises a body as it streams past (RFC 6376 §3.4.3 and §3.4.4) and hands the canonical
 * octets to every {@link BodyHash} of its algorithm. Memory stays bounded whatever the body: the
 * only state kept across chunks is a CR awaiting its LF, one pending space, and a count of empty
 * lines that may turn out to be the body's end (both algorithms drop trailing empty lines, so they
 * cannot be emitted until content follows them).
 */
final class BodyCanonicalizer {

    /** Where canonical octets go: a {@link BodyHash}, or a test's recorder. */
    interface Sink {
        void update(byte[] b, int off, int len);
    }

    private static final int BUFFER_SIZE = 8192;
    private static final byte[] CRLF = {'\r', '\n'};

    private final Canonicalization algorithm;
    private final List<Sink> sinks = new ArrayList<>();
    private final byte[] out = new byte[BUFFER_SIZE];
    private int outLength;

    private boolean pendingCr;
    private boolean pendingSpace;
    private boolean lineHasContent;
    private long pendingEmptyLines;
    private boolean emittedAnything;
    private boolean finished;

    /** By octet value: line content as it stands (not CR or LF, nor WSP for relaxed). */
    private final boolean[] ordinary = new boolean[256];

    BodyCanonicalizer(Canonicalization algorithm) {
        this.algorithm = algorithm;
        java.util.Arrays.fill(ordinary, true);
        ordinary['\r'] = false;
        ordinary['\n'] = false;
        if (algorithm == Canonicalization.RELAXED) {
            ordinary[' '] = false;
            ordinary['\t'] = false;
        }
    }

    Canonicalization algorithm() {
        return algorithm;
    }

    void addSink(Sink sink) {
        sinks.add(sink);
    }

    void update(byte[] b, int off, int len) {
        if (finished) {
            throw new IllegalStateException("body already finished");
        }
        int end = off + len;
        for (int i = off; i < end; i++) {
            byte c = b[i];
            if (!pendingCr && ordinary(c)) {
                // Most of a body is runs of octets that canonicalisation leaves alone: copied
                // as a run, not octet by octet.
                int run = i + 1;
                while (run < end) {
                    if (ordinary(b[run])) {
                        run++;
                    } else if (b[run] == ' ' && run + 1 < end && ordinary(b[run + 1])) {
                        // One SP between content octets stays as it is in relaxed too (§3.4.4
                        // only folds runs of WSP and drops them at a line's end).
                        run += 2;
                    } else {
                        break;
                    }
                }
                contentRun(b, i, run - i);
                i = run - 1;
                continue;
            }
            if (pendingCr) {
                pendingCr = false;
                if (c == '\n') {
                    endOfLine();
                    continue;
                }
                // A CR not followed by LF is an ordinary octet of the line.
                content((byte) '\r');
            }
            if (c == '\r') {
                pendingCr = true;
            } else if (c == '\n') {
                // A bare LF ends a line: the message came with Unix line ends and the signer
                // saw CRLF (RFC 5321 §2.3.8 forbids bare LF on the wire).
                endOfLine();
            } else if (algorithm == Canonicalization.RELAXED && (c == ' ' || c == '\t')) {
                pendingSpace = true;
            } else {
                content(c);
            }
        }
    }

    /** Ends the body: flushes what is owed and applies the empty-body rules. */
    void finish() {
        if (finished) {
            return;
        }
        finished = true;
        if (pendingCr) {
            pendingCr = false;
            content((byte) '\r');
        }
        if (lineHasContent) {
            // §3.4.3 and §3.4.4: a last line without CRLF gets one.
            emit(CRLF);
        } else if (algorithm == Canonicalization.SIMPLE && !emittedAnything) {
            // §3.4.3: an empty body (or only empty lines) is canonicalised as one CRLF;
            // relaxed leaves it empty (§3.4.4, as corrected by erratum 1384).
            emit(CRLF);
        }
        flush();
    }

    private boolean ordinary(byte c) {
        return ordinary[c & 0xff];
    }

    private void content(byte c) {
        beforeContent();
        emit(c);
        lineHasContent = true;
    }

    private void contentRun(byte[] b, int off, int len) {
        beforeContent();
        while (len > 0) {
            if (outLength == out.length) {
                flush();
            }
            int n = Math.min(len, out.length - outLength);
            System.arraycopy(b, off, out, outLength, n);
            outLength += n;
            off += n;
            len -= n;
        }
        emittedAnything = true;
        lineHasContent = true;
    }

    /** What content owes first: the empty lines it proves were not the end, and a pending space. */
    private void beforeContent() {
        while (pendingEmptyLines > 0) {
            emit(CRLF);
            pendingEmptyLines--;
        }
        if (pendingSpace) {
            // §3.4.4: a run of WSP inside a line becomes one SP; at the end of a line it goes.
            emit((byte) ' ');
            pendingSpace = false;
        }
    }

    private void endOfLine() {
        pendingSpace = false;
        if (lineHasContent) {
            emit(CRLF);
            lineHasContent = false;
        } else {
            pendingEmptyLines++;
        }
    }

    private void emit(byte c) {
        if (outLength == out.length) {
            flush();
        }
        out[outLength++] = c;
        emittedAnything = true;
    }

    private void emit(byte[] bytes) {
        for (byte c : bytes) {
            emit(c);
        }
    }

    private void flush() {
        if (outLength > 0) {
            for (Sink sink : sinks) {
                sink.update(out, 0, outLength);
            }
            outLength = 0;
        }
    }
}
