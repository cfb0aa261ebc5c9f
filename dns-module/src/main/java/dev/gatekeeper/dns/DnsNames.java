package dev.gatekeeper.dns;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;

/** The reverse-lookup names of addresses; names themselves are {@link dev.gatekeeper.mail.DomainName}'s. */
public final class DnsNames {

    private DnsNames() {
    }

    /** The reverse-lookup name of an address: {@code d.c.b.a.in-addr.arpa} or the nibble form under {@code ip6.arpa}. */
    public static String reverseName(InetAddress address) {
        byte[] b = address.getAddress();
        StringBuilder sb = new StringBuilder();
        if (address instanceof Inet4Address) {
            for (int i = b.length - 1; i >= 0; i--) {
                sb.append(b[i] & 0xff).append('.');
            }
            return sb.append("in-addr.arpa").toString();
        }
        if (!(address instanceof Inet6Address)) {
            throw new IllegalArgumentException("not an IP address: " + address);
        }
        for (int i = b.length - 1; i >= 0; i--) {
            sb.append(Character.forDigit(b[i] & 0xf, 16)).append('.');
            sb.append(Character.forDigit((b[i] >> 4) & 0xf, 16)).append('.');
        }
        return sb.append("ip6.arpa").toString();
    }
}
