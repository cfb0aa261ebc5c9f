package dev.gatekeeper.dns;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class ZoneResolverTest {

    private final ZoneResolver zone = ZoneResolver.builder()
            .add("example.com", AddressRecord.of(ip("192.0.2.1")))
            .add("example.com", TxtRecord.of("v=spf1 ", "-all"))
            .add("Mail.Example.com.", MxRecord.of(10, "mx.example.com."))
            .cname("alias.example.com", "example.com")
            .cname("loop1.example.com", "loop2.example.com")
            .cname("loop2.example.com", "loop1.example.com")
            .timeout("slow.example.com", RecordType.TXT)
            .build();

    @Test
    void answersRecordsNodataAndNxdomain() {
        assertThat(zone.answer("EXAMPLE.com.", RecordType.A).records(AddressRecord.class))
                .extracting(AddressRecord::address).containsExactly(ip("192.0.2.1"));
        assertThat(zone.answer("example.com", RecordType.TXT).records(TxtRecord.class).get(0).text())
                .isEqualTo("v=spf1 -all");
        assertThat(zone.answer("example.com", RecordType.MX).status()).isEqualTo(DnsAnswer.Status.NODATA);
        assertThat(zone.answer("nowhere.example.com", RecordType.A).status()).isEqualTo(DnsAnswer.Status.NXDOMAIN);
        assertThat(zone.answer("mail.example.com", RecordType.MX).records(MxRecord.class).get(0).exchange())
                .isEqualTo("mx.example.com");
    }

    @Test
    void followsCnamesAndStopsLoops() {
        assertThat(zone.answer("alias.example.com", RecordType.A).status()).isEqualTo(DnsAnswer.Status.RECORDS);
        assertThat(zone.answer("loop1.example.com", RecordType.A).status()).isEqualTo(DnsAnswer.Status.TEMPFAIL);
    }

    @Test
    void timesOutOnlyTheNamedType() {
        assertThat(zone.answer("slow.example.com", RecordType.TXT).status()).isEqualTo(DnsAnswer.Status.TEMPFAIL);
        assertThat(zone.answer("slow.example.com", RecordType.A).status()).isEqualTo(DnsAnswer.Status.NODATA);
    }

    @Test
    void reverseNames() {
        assertThat(DnsNames.reverseName(ip("192.0.2.10"))).isEqualTo("10.2.0.192.in-addr.arpa");
        assertThat(DnsNames.reverseName(ip("2001:db8::1")))
                .isEqualTo("1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa");
    }

    private static InetAddress ip(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }
}
