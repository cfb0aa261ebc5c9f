package dev.gatekeeper.reputation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatekeeper.dns.IpAddresses;
import dev.gatekeeper.mail.DomainName;
import org.junit.jupiter.api.Test;

class QueryNamesTest {

    private static final DomainName ZONE = DomainName.parse("bl.example");

    @Test
    void ipv4IsReversedOctets() {
        // RFC 5782 §2.1's own example.
        assertThat(QueryNames.forAddress(IpAddresses.parse("192.0.2.99").orElseThrow(), ZONE)).isEqualTo("99.2.0.192.bl.example");
        assertThat(QueryNames.forAddress(IpAddresses.parse("127.0.0.2").orElseThrow(), DomainName.parse("Zen.Example.")))
                .isEqualTo("2.0.0.127.zen.example");
    }

    @Test
    void ipv6IsReversedNibblesInLowerCase() {
        // RFC 5782 §2.4's own example: 2001:db8:1:2:3:4:567:89ab.
        assertThat(QueryNames.forAddress(IpAddresses.parse("2001:DB8:1:2:3:4:567:89AB").orElseThrow(), ZONE))
                .isEqualTo("b.a.9.8.7.6.5.0.4.0.0.0.3.0.0.0.2.0.0.0.1.0.0.0.8.b.d.0.1.0.0.2.bl.example");
        assertThat(QueryNames.forAddress(IpAddresses.parse("::1").orElseThrow(), ZONE))
                .isEqualTo("1" + ".0".repeat(31) + ".bl.example");
    }

    @Test
    void anIpv4MappedAddressIsAskedAsIpv4() {
        assertThat(QueryNames.forAddress(IpAddresses.parse("::ffff:127.0.0.2").orElseThrow(), ZONE))
                .isEqualTo("2.0.0.127.bl.example");
    }

    @Test
    void aDomainIsPrependedInALabels() {
        assertThat(QueryNames.forDomain(DomainName.parse("Spam.Example."), ZONE)).contains("spam.example.bl.example");
        assertThat(QueryNames.forDomain(DomainName.parse("bücher.example"), ZONE)).contains("xn--bcher-kva.example.bl.example");
    }

    @Test
    void aDomainTooLongWithTheZoneIsNotAsked() {
        String label = "a".repeat(63);
        DomainName longName = DomainName.parse(label + "." + label + "." + label + "." + "a".repeat(50) + ".example");
        assertThat(QueryNames.forDomain(longName, ZONE)).isEmpty();
    }
}
