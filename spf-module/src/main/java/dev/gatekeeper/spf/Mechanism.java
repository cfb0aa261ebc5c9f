package dev.gatekeeper.spf;

import dev.gatekeeper.dns.IpAddresses;

/** One parsed directive: qualifier, mechanism, target domain-spec and CIDR lengths (RFC 7208 §5). */
final class Mechanism {

    enum Kind {
        ALL, INCLUDE, A, MX, PTR, IP4, IP6, EXISTS
    }

    final Kind kind;
    final SpfResult result;
    /** The directive as written in the record, for {@code mechanism=} in headers. */
    final String text;
    /** The target domain-spec, or null for the current domain. */
    final MacroString domain;
    final int cidr4;
    final int cidr6;
    /** The network of ip4/ip6, 4 or 16 octets. */
    final byte[] network;

    Mechanism(Kind kind, SpfResult result, String text, MacroString domain, int cidr4, int cidr6, byte[] network) {
        this.kind = kind;
        this.result = result;
        this.text = text;
        this.domain = domain;
        this.cidr4 = cidr4;
        this.cidr6 = cidr6;
        this.network = network;
    }

    /** ip4 and ip6 against the client; an IPv4 client never matches ip6 and vice versa (§5.6). */
    boolean matchesIp(byte[] client) {
        if (client.length != network.length) {
            return false;
        }
        return IpAddresses.sameNetwork(client, network, client.length == 4 ? cidr4 : cidr6);
    }
}
