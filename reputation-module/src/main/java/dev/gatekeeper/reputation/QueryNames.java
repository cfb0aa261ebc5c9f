package dev.gatekeeper.reputation;

import dev.gatekeeper.dns.IpAddresses;
import dev.gatekeeper.mail.DomainName;
import java.net.InetAddress;
import java.util.Optional;

/** The names a DNS list is asked about (RFC 5782 §2.1, §2.2, §2.4). */
final class QueryNames {

    private QueryNames() {
    }

    /**
     * RFC 5782 §2.1: an IPv4 address as its octets in reverse order ({@code 192.0.2.99} under
     * {@code bl.example} is {@code 99.2.0.192.bl.example}); §2.4: an IPv6 address as its 32 nibbles
     * in reverse order, each one hexadecimal digit in lower case. An IPv4-mapped IPv6 address is
     * asked as the IPv4 address it carries (the client is an IPv4 client).
     */
    static String forAddress(InetAddress address, DomainName zone) {
        byte[] b = IpAddresses.octets(address);
        StringBuilder sb = new StringBuilder(b.length == 4 ? 16 + zone.ascii().length() : 64 + zone.ascii().length());
        for (int i = b.length - 1; i >= 0; i--) {
            if (b.length == 4) {
                sb.append(b[i] & 0xff).append('.');
            } else {
                sb.append(Character.forDigit(b[i] & 0xf, 16)).append('.');
                sb.append(Character.forDigit((b[i] >> 4) & 0xf, 16)).append('.');
            }
        }
        return sb.append(zone.ascii()).toString();
    }

    /**
     * RFC 5782 §2.2: the domain (in A-labels, lower case, no trailing dot) prepended to the zone;
     * empty when the two together are longer than a DNS name may be (RFC 1035 §2.3.4), which can
     * then not be asked.
     */
    static Optional<String> forDomain(DomainName domain, DomainName zone) {
        String name = domain.ascii() + "." + zone.ascii();
        return name.length() > DomainName.MAX_LENGTH ? Optional.empty() : Optional.of(name);
    }
}
