package dev.gatekeeper.policy;

import dev.gatekeeper.dns.IpAddresses;
import java.net.InetAddress;
import java.util.Arrays;

/**
 * An IPv4 or IPv6 network, {@code 192.0.2.0/24} or {@code 2001:db8::/32}; a bare address is a /32 or /128.
 * Public for the adapters that take a network list of their own (the {@code SpfCheck} mailet's
 * {@code myNetworks}), so that it reads as the policy's {@code <my-networks>} does.
 */
public final class CidrBlock {

    private final byte[] network;
    private final int prefix;
    private final String text;

    private CidrBlock(byte[] network, int prefix, String text) {
        this.network = network;
        this.prefix = prefix;
        this.text = text;
    }

    /** @throws IllegalArgumentException for a bad address, prefix, or host bits set below the prefix */
    public static CidrBlock parse(String text) {
        String t = text.strip();
        if (t.startsWith("[")) {
            int close = t.indexOf(']');
            if (close < 0) {
                throw new IllegalArgumentException("bad network '" + text + "'");
            }
            t = t.substring(1, close) + t.substring(close + 1);
        }
        int slash = t.indexOf('/');
        String addr = slash < 0 ? t : t.substring(0, slash);
        InetAddress a = IpAddresses.parse(addr)
                .orElseThrow(() -> new IllegalArgumentException("'" + text + "' is not an IP address or network"));
        byte[] bytes = a.getAddress();
        int max = bytes.length * 8;
        int prefix = max;
        if (slash >= 0) {
            try {
                prefix = Integer.parseInt(t.substring(slash + 1));
            } catch (NumberFormatException e) {
                prefix = -1;
            }
            if (prefix < 0 || prefix > max) {
                throw new IllegalArgumentException("bad prefix length in '" + text + "' (0 to " + max + ")");
            }
        }
        for (int bit = prefix; bit < max; bit++) {
            if ((bytes[bit / 8] & (0x80 >> (bit % 8))) != 0) {
                throw new IllegalArgumentException("'" + text + "' has host bits set below /" + prefix);
            }
        }
        return new CidrBlock(bytes, prefix, t);
    }

    /** Whether the address is in the network; an IPv4 address is never in an IPv6 network, nor the reverse. */
    public boolean contains(InetAddress address) {
        byte[] b = address.getAddress();
        if (b.length != network.length) {
            return false;
        }
        int full = prefix / 8;
        if (!Arrays.equals(b, 0, full, network, 0, full)) {
            return false;
        }
        int rest = prefix % 8;
        if (rest == 0) {
            return true;
        }
        int mask = (0xff << (8 - rest)) & 0xff;
        return (b[full] & mask) == (network[full] & mask);
    }

    @Override
    public String toString() {
        return text;
    }
}
