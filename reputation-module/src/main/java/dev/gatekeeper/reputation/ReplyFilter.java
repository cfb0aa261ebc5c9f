package dev.gatekeeper.reputation;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Which A records of a DNS list's answer count as a listing: the reply filter of Postfix's
 * {@code postscreen_dnsbl_sites} ({@code zone=filter*weight}), with bit tests added. Immutable.
 *
 * <p>The syntax, one or more alternatives separated by commas (a reply matches when any
 * alternative does):
 *
 * <pre>
 * filter      = alternative *( "," alternative )        ; spaces around commas are allowed
 * alternative = octet "." octet "." octet "." octet [ "&amp;" mask ]
 * octet       = number / "[" item *( ";" item ) "]"
 * item        = number [ ".." number ]                  ; an inclusive range, low..high
 * number      = 1*3DIGIT                                ; 0..255
 * mask        = "0x" 1*8HEXDIG / 1*10DIGIT / dotted quad ; 32 bits
 * </pre>
 *
 * <ul>
 *   <li>{@code 127.0.0.2}: exactly that reply.
 *   <li>{@code 127.0.0.[2..11]}: each octet may be a bracketed list of numbers and ranges,
 *       {@code 127.0.[0;1].[2..4;10]} (Postfix's syntax).
 *   <li>{@code 127.0.0.2&0x02}: a bit test. With a mask, the octets must be plain numbers, and a
 *       reply R matches address A when {@code (R & mask) == (A & mask)}, the four octets read as one
 *       32-bit number (the first octet highest). {@code 127.0.0.2&0x02} matches every reply whose
 *       lowest octet has bit 1 (value 2) set: .2, .3, .6, .10, ...; {@code 127.0.0.4&0x06} every
 *       reply with bit 2 set and bit 1 clear. Bits outside the mask are ignored, so the
 *       {@code 127} there only documents the reply's shape (a reply outside 127.0.0.0/8 never
 *       lists anyway: see {@link DnsList}). A mask of zero, which would match everything, is refused.
 * </ul>
 *
 * <p>The {@link #any()} filter (Postfix's default, no filter written) matches every reply.
 */
public final class ReplyFilter {

    private static final ReplyFilter ANY = new ReplyFilter("", List.of());

    private final String text;
    private final List<Alternative> alternatives;

    private ReplyFilter(String text, List<Alternative> alternatives) {
        this.text = text;
        this.alternatives = alternatives;
    }

    /** Matches every reply. */
    public static ReplyFilter any() {
        return ANY;
    }

    /**
     * Parses a filter.
     *
     * @throws IllegalArgumentException {@code reply filter '127.0.0.[2..x]': 'x' is not a number
     *     0..255 (at 11)}: the text, what is wrong and the position (from 0) where it is
     */
    public static ReplyFilter parse(String text) {
        Objects.requireNonNull(text, "text");
        String t = text.strip();
        if (t.isEmpty()) {
            throw new IllegalArgumentException("reply filter is empty (leave it out to count every reply)");
        }
        Parser p = new Parser(t);
        List<Alternative> alts = new ArrayList<>();
        try {
            alts.add(p.alternative());
            while (p.more()) {
                p.skipSpaces();
                p.expect(',');
                p.skipSpaces();
                alts.add(p.alternative());
            }
        } catch (Problem e) {
            throw new IllegalArgumentException("reply filter '" + t + "': " + e.getMessage(), e);
        }
        return new ReplyFilter(t, List.copyOf(alts));
    }

    /** Whether an A record's address passes; an IPv6 address never does (DNS lists answer with A records). */
    public boolean matches(InetAddress reply) {
        if (!(reply instanceof Inet4Address)) {
            return false;
        }
        if (alternatives.isEmpty()) {
            return true;
        }
        byte[] b = reply.getAddress();
        for (Alternative a : alternatives) {
            if (a.matches(b)) {
                return true;
            }
        }
        return false;
    }

    /** Whether this is {@link #any()}. */
    public boolean isAny() {
        return alternatives.isEmpty();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ReplyFilter && text.equals(((ReplyFilter) o).text);
    }

    @Override
    public int hashCode() {
        return text.hashCode();
    }

    /** The filter as written (trimmed); empty for {@link #any()}. */
    @Override
    public String toString() {
        return text;
    }

    /** One alternative: four octet sets, or an address and a mask. */
    private static final class Alternative {
        /** For each octet, the 256 values it may take; null with a mask. */
        final boolean[][] octets;
        final long address;
        final long mask;

        Alternative(boolean[][] octets) {
            this.octets = octets;
            this.address = 0;
            this.mask = 0;
        }

        Alternative(long address, long mask) {
            this.octets = null;
            this.address = address;
            this.mask = mask;
        }

        boolean matches(byte[] b) {
            if (octets == null) {
                long r = ((b[0] & 0xffL) << 24) | ((b[1] & 0xffL) << 16) | ((b[2] & 0xffL) << 8) | (b[3] & 0xffL);
                return (r & mask) == (address & mask);
            }
            for (int i = 0; i < 4; i++) {
                if (!octets[i][b[i] & 0xff]) {
                    return false;
                }
            }
            return true;
        }
    }

    private static final class Problem extends Exception {
        private static final long serialVersionUID = 1L;

        Problem(String message) {
            super(message);
        }
    }

    private static final class Parser {
        private final String s;
        private int pos;

        Parser(String s) {
            this.s = s;
        }

        boolean more() {
            return pos < s.length();
        }

        void skipSpaces() {
            while (pos < s.length() && s.charAt(pos) == ' ') {
                pos++;
            }
        }

        void expect(char c) throws Problem {
            if (pos >= s.length()) {
                throw new Problem("'" + c + "' expected at the end");
            }
            if (s.charAt(pos) != c) {
                throw new Problem("'" + c + "' expected, found '" + s.charAt(pos) + "' (at " + pos + ")");
            }
            pos++;
        }

        Alternative alternative() throws Problem {
            int start = pos;
            boolean[][] octets = new boolean[4][];
            boolean plain = true;
            int[] values = new int[4];
            for (int i = 0; i < 4; i++) {
                if (i > 0) {
                    expect('.');
                }
                if (pos < s.length() && s.charAt(pos) == '[') {
                    plain = false;
                    octets[i] = bracket();
                } else {
                    values[i] = number();
                    octets[i] = new boolean[256];
                    octets[i][values[i]] = true;
                }
            }
            if (pos < s.length() && s.charAt(pos) == '&') {
                if (!plain) {
                    throw new Problem("a bit mask needs a plain address, not a list or range (at " + start + ")");
                }
                pos++;
                long mask = mask();
                long address = ((long) values[0] << 24) | (values[1] << 16) | (values[2] << 8) | values[3];
                return new Alternative(address, mask);
            }
            return new Alternative(octets);
        }

        private boolean[] bracket() throws Problem {
            int open = pos;
            pos++; // '['
            boolean[] set = new boolean[256];
            while (true) {
                int low = number();
                int high = low;
                if (s.startsWith("..", pos)) {
                    pos += 2;
                    int at = pos;
                    high = number();
                    if (high < low) {
                        throw new Problem("range " + low + ".." + high + " is empty (at " + at + ")");
                    }
                }
                for (int v = low; v <= high; v++) {
                    set[v] = true;
                }
                if (pos >= s.length()) {
                    throw new Problem("'[' at " + open + " is not closed");
                }
                char c = s.charAt(pos);
                if (c == ']') {
                    pos++;
                    return set;
                }
                if (c != ';') {
                    throw new Problem("';' or ']' expected, found '" + c + "' (at " + pos + ")");
                }
                pos++;
            }
        }

        private int number() throws Problem {
            int start = pos;
            while (pos < s.length() && Character.isDigit(s.charAt(pos)) && s.charAt(pos) < 0x80) {
                pos++;
            }
            if (start >= s.length()) {
                throw new Problem("a number 0..255 expected at the end");
            }
            if (pos == start && token(start, ",;[]&. ").isEmpty()) {
                throw new Problem("a number 0..255 expected, found '" + s.charAt(start) + "' (at " + start + ")");
            }
            if (pos == start || pos - start > 3) {
                throw new Problem("'" + token(start, ",;[]&. ") + "' is not a number 0..255 (at " + start + ")");
            }
            int v = Integer.parseInt(s.substring(start, pos));
            if (v > 255) {
                throw new Problem("'" + v + "' is not a number 0..255 (at " + start + ")");
            }
            return v;
        }

        private long mask() throws Problem {
            int start = pos;
            String rest = token(start, ", ");
            pos += rest.length();
            long m;
            try {
                if (rest.startsWith("0x") || rest.startsWith("0X")) {
                    String hex = rest.substring(2);
                    if (hex.isEmpty() || hex.length() > 8) {
                        throw new NumberFormatException();
                    }
                    m = Long.parseLong(hex, 16);
                } else if (rest.indexOf('.') >= 0) {
                    String[] parts = rest.split("\\.", -1);
                    if (parts.length != 4) {
                        throw new NumberFormatException();
                    }
                    m = 0;
                    for (String part : parts) {
                        if (part.isEmpty() || part.length() > 3 || !part.chars().allMatch(c -> c >= '0' && c <= '9')) {
                            throw new NumberFormatException();
                        }
                        int v = Integer.parseInt(part);
                        if (v > 255) {
                            throw new NumberFormatException();
                        }
                        m = (m << 8) | v;
                    }
                } else {
                    if (rest.isEmpty() || rest.length() > 10 || !rest.chars().allMatch(c -> c >= '0' && c <= '9')) {
                        throw new NumberFormatException();
                    }
                    m = Long.parseLong(rest);
                    if (m > 0xffffffffL) {
                        throw new NumberFormatException();
                    }
                }
            } catch (NumberFormatException e) {
                throw new Problem("'" + rest + "' is not a 32-bit mask (0x02, 2 or 0.0.0.2) (at " + start + ")");
            }
            if (m == 0) {
                throw new Problem("mask 0 would match every reply (at " + start + ")");
            }
            return m;
        }

        /** The text from {@code start} up to the next character of {@code stops} (or the end), for messages. */
        private String token(int start, String stops) {
            int end = start;
            while (end < s.length() && stops.indexOf(s.charAt(end)) < 0) {
                end++;
            }
            return s.substring(start, end);
        }
    }
}
