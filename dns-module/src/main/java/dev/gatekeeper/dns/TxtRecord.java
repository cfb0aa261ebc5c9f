package dev.gatekeeper.dns;

import java.util.List;
import java.util.Objects;

/**
 * A TXT record as its character-strings. RFC 7208 §3.3: a record split into several strings is
 * read as their concatenation with nothing between them, which {@link #text()} gives.
 */
public final class TxtRecord implements DnsRecord {

    private final List<String> strings;

    private TxtRecord(List<String> strings) {
        this.strings = List.copyOf(strings);
    }

    public static TxtRecord of(List<String> strings) {
        return new TxtRecord(strings);
    }

    public static TxtRecord of(String... strings) {
        return new TxtRecord(List.of(strings));
    }

    /** The character-strings as received, each decoded as ISO-8859-1 so that no octet is lost. */
    public List<String> strings() {
        return strings;
    }

    /** The character-strings concatenated. */
    public String text() {
        return String.join("", strings);
    }

    @Override
    public RecordType type() {
        return RecordType.TXT;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TxtRecord && strings.equals(((TxtRecord) o).strings);
    }

    @Override
    public int hashCode() {
        return Objects.hash(strings);
    }

    @Override
    public String toString() {
        return "TXT " + strings;
    }
}
