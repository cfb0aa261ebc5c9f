package dev.gatekeeper.dns;

import java.net.InetAddress;
import java.util.Optional;

/**
 * IP address literals: parsing, formatting and prefix matching without
 * {@link InetAddress#getByName}, which may query the DNS. The one parser for every IP literal in
 * Gatekeeper: SPF mechanisms, policy CIDRs and address literals, settings and the command line.
 */
public final class IpAddresses {

    private static final char[] HEX_UPPER = "0123456789ABCDEF".toCharArray();

    private IpAddresses() {
    }

    /**
     * The client address as 4 or 16 octets; an IPv4-mapped IPv6 address becomes its IPv4 form
     * (RFC 7208 §5: such a client is treated as IPv4).
     */
    /**
     * An IPv4 dotted quad (no leading zeros) or an IPv6 address in RFC 4291 text form (no zone,
     * no brackets); empty for anything else. Never asks the DNS.
     */
    public static Optional<InetAddress> parse(String text) {
        String t = text.strip();
        byte[] octets = t.indexOf(':') >= 0 ? parseIp6(t, 0, t.length()) : parseIp4(t, 0, t.length());
        return octets == null ? Optional.empty() : Optional.of(toInetAddress(octets));
    }

    public static byte[] octets(InetAddress address) {
        byte[] b = address.getAddress();
        if (b.length == 16 && isMapped(b)) {
            byte[] v4 = new byte[4];
            System.arraycopy(b, 12, v4, 0, 4);
            return v4;
        }
        return b;
    }

    public static InetAddress toInetAddress(byte[] octets) {
        try {
            return InetAddress.getByAddress(octets);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    public static boolean isMapped(byte[] b) {
        for (int i = 0; i < 10; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return b[10] == (byte) 0xff && b[11] == (byte) 0xff;
    }

    /** RFC 7208 §12 ip4-network: four dotted decimal octets without leading zeros; null when malformed. */
    public static byte[] parseIp4(String s, int from, int to) {
        byte[] out = new byte[4];
        int part = 0;
        int i = from;
        while (true) {
            int start = i;
            int value = 0;
            while (i < to && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
                value = value * 10 + (s.charAt(i) - '0');
                i++;
                if (i - start > 3) {
                    return null;
                }
            }
            int len = i - start;
            if (len == 0 || value > 255 || (len > 1 && s.charAt(start) == '0')) {
                return null;
            }
            out[part++] = (byte) value;
            if (part == 4) {
                return i == to ? out : null;
            }
            if (i >= to || s.charAt(i) != '.') {
                return null;
            }
            i++;
        }
    }

    /** RFC 4291 §2.2 text form (with "::" and a trailing dotted IPv4 part); null when malformed. */
    public static byte[] parseIp6(String s, int from, int to) {
        if (to - from < 2 || to - from > 45) {
            return null;
        }
        byte[] out = new byte[16];
        int pos = 0;
        int gap = -1;
        int i = from;
        if (s.charAt(i) == ':') {
            if (s.charAt(i + 1) != ':') {
                return null;
            }
            gap = 0;
            i += 2;
            if (i == to) {
                return out;
            }
        }
        while (i < to) {
            if (pos >= 16) {
                return null;
            }
            int start = i;
            int value = 0;
            while (i < to && Character.digit(s.charAt(i), 16) >= 0 && s.charAt(i) < 128) {
                value = (value << 4) | Character.digit(s.charAt(i), 16);
                i++;
                if (i - start > 4) {
                    return null;
                }
            }
            if (i < to && s.charAt(i) == '.') {
                if (pos > 12) {
                    return null;
                }
                byte[] v4 = parseIp4(s, start, to);
                if (v4 == null) {
                    return null;
                }
                System.arraycopy(v4, 0, out, pos, 4);
                pos += 4;
                i = to;
                break;
            }
            if (i == start) {
                return null;
            }
            out[pos++] = (byte) (value >> 8);
            out[pos++] = (byte) value;
            if (i == to) {
                break;
            }
            if (s.charAt(i) != ':') {
                return null;
            }
            i++;
            if (i < to && s.charAt(i) == ':') {
                if (gap >= 0) {
                    return null;
                }
                gap = pos;
                i++;
                if (i == to) {
                    break;
                }
            } else if (i == to) {
                return null;
            }
        }
        if (gap >= 0) {
            if (pos == 16) {
                return null;
            }
            int tail = pos - gap;
            System.arraycopy(out, gap, out, 16 - tail, tail);
            for (int k = gap; k < 16 - tail; k++) {
                out[k] = 0;
            }
        } else if (pos != 16) {
            return null;
        }
        return out;
    }

    /** True when the first {@code bits} bits of both addresses (of equal length) agree. */
    public static boolean sameNetwork(byte[] a, byte[] b, int bits) {
        if (a.length != b.length) {
            return false;
        }
        int full = bits >> 3;
        for (int i = 0; i < full; i++) {
            if (a[i] != b[i]) {
                return false;
            }
        }
        int rest = bits & 7;
        if (rest == 0) {
            return true;
        }
        int mask = (0xff << (8 - rest)) & 0xff;
        return (a[full] & mask) == (b[full] & mask);
    }

    /** The %{c} form (RFC 7208 §7.3): dotted quad, or RFC 5952 compressed lower-case IPv6. */
    public static String readable(byte[] b) {
        if (b.length == 4) {
            return (b[0] & 0xff) + "." + (b[1] & 0xff) + "." + (b[2] & 0xff) + "." + (b[3] & 0xff);
        }
        int bestStart = -1;
        int bestLen = 0;
        for (int g = 0; g < 8; ) {
            if (group(b, g) == 0) {
                int start = g;
                while (g < 8 && group(b, g) == 0) {
                    g++;
                }
                if (g - start > bestLen && g - start > 1) {
                    bestStart = start;
                    bestLen = g - start;
                }
            } else {
                g++;
            }
        }
        StringBuilder sb = new StringBuilder(39);
        for (int g = 0; g < 8; g++) {
            if (g == bestStart) {
                sb.append("::");
                g += bestLen - 1;
                continue;
            }
            if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
                sb.append(':');
            }
            sb.append(Integer.toHexString(group(b, g)));
        }
        return sb.toString();
    }

    /** The %{i} form (RFC 7208 §7.3): dotted quad, or 32 dot-separated nibbles (upper case, as §7.4 shows). */
    public static String dotted(byte[] b) {
        if (b.length == 4) {
            return readable(b);
        }
        char[] out = new char[63];
        int k = 0;
        for (int i = 0; i < 16; i++) {
            if (k > 0) {
                out[k++] = '.';
            }
            out[k++] = HEX_UPPER[(b[i] >> 4) & 0xf];
            out[k++] = '.';
            out[k++] = HEX_UPPER[b[i] & 0xf];
        }
        return new String(out);
    }

    private static int group(byte[] b, int g) {
        return ((b[2 * g] & 0xff) << 8) | (b[2 * g + 1] & 0xff);
    }
}
