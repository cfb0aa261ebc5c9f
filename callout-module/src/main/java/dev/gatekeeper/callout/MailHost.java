package dev.gatekeeper.callout;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.Objects;

/** One address of one mail host (RFC 5321 §5.1): the exchange's name and one of its addresses. */
final class MailHost {

    private final String name;
    private final InetAddress address;

    MailHost(String name, InetAddress address) {
        this.name = Objects.requireNonNull(name, "name");
        this.address = Objects.requireNonNull(address, "address");
    }

    String name() {
        return name;
    }

    InetAddress address() {
        return address;
    }

    /**
     * True for addresses a probe must not reach unless private targets are allowed: loopback,
     * RFC 1918 and ULA (RFC 4193), link-local, multicast, unspecified, CGNAT (RFC 6598), and the
     * IPv4 special ranges of RFC 6890 that never hold a public mail host, also when an IPv6 address
     * carries them (IPv4-mapped, or NAT64's well-known prefix). An MX that points there
     * is either a mistake or an attempt to make us scan our own network.
     */
    static boolean isPrivate(InetAddress a) {
        if (a.isLoopbackAddress() || a.isSiteLocalAddress() || a.isLinkLocalAddress() || a.isMulticastAddress()
                || a.isAnyLocalAddress()) {
            return true;
        }
        byte[] b = a.getAddress();
        if (a instanceof Inet6Address) {
            if ((b[0] & 0xfe) == 0xfc) {
                return true; // fc00::/7 unique local
            }
            boolean mapped = true; // ::ffff:0:0/96 carries an IPv4 address
            for (int i = 0; i < 10; i++) {
                mapped &= b[i] == 0;
            }
            // 64:ff9b::/96, RFC 6052 §2.1: a NAT64 gateway connects to the IPv4 address in the last 32 bits.
            boolean nat64 = b[0] == 0 && b[1] == 0x64 && (b[2] & 0xff) == 0xff && (b[3] & 0xff) == 0x9b;
            for (int i = 4; i < 12; i++) {
                nat64 &= b[i] == 0;
            }
            if (mapped && (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff || nat64) {
                byte[] v4 = {b[12], b[13], b[14], b[15]};
                try {
                    return isPrivate(InetAddress.getByAddress(v4));
                } catch (java.net.UnknownHostException e) {
                    return true;
                }
            }
            return false;
        }
        int o0 = b[0] & 0xff;
        int o1 = b[1] & 0xff;
        return o0 == 0 // 0.0.0.0/8 "this network"
                || (o0 == 100 && (o1 & 0xc0) == 64) // 100.64.0.0/10 shared address space
                || (o0 == 192 && o1 == 0 && (b[2] & 0xff) == 0) // 192.0.0.0/24 protocol assignments
                || (o0 == 198 && (o1 & 0xfe) == 18) // 198.18.0.0/15 benchmarking
                || o0 >= 240; // 240.0.0.0/4 reserved, and broadcast
    }

    @Override
    public String toString() {
        // An address-literal domain already is the address: "[192.0.2.1]", not "[192.0.2.1] [192.0.2.1]".
        return name.startsWith("[") ? name : name + " [" + address.getHostAddress() + "]";
    }
}
