package dev.gatekeeper.dns;

import java.io.IOException;

/** A zone file that cannot be read or parsed; the message starts with {@code file:line:} when the line is known. */
public final class ZoneFileException extends IOException {

    private static final long serialVersionUID = 1L;

    private final String file;
    private final int line;

    ZoneFileException(String file, int line, String reason, Throwable cause) {
        super((line > 0 ? file + ":" + line : file) + ": " + reason, cause);
        this.file = file;
        this.line = line;
    }

    /** The file (or source name) at fault. */
    public String file() {
        return file;
    }

    /** The line at fault, 1-based; 0 when the fault is not on one line. */
    public int line() {
        return line;
    }
}
