package dev.gatekeeper.dns;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.Locale;

/** Domain name helpers shared by every resolver. */
public final class DnsNames {

    private DnsNames() {
    }

    /** Lower case, without the trailing dot of an absolute name. DNS names compare case-insensitively (RFC 4343). */
    public static String normalize(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return n.endsWith(".") ? n.substring(0, n.length() - 1) : n;
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
