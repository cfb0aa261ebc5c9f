package dev.gatekeeper.callout;

import static dev.gatekeeper.callout.CalloutVerifierTest.ip;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MailHostTest {

    @ParameterizedTest(name = "{0} private={1}")
    @CsvSource({
        "127.0.0.1, true", "127.5.6.7, true", "10.1.2.3, true", "172.16.0.1, true", "172.31.255.255, true",
        "192.168.1.1, true", "169.254.1.1, true", "224.0.0.1, true", "0.0.0.0, true", "100.64.0.1, true",
        "198.18.0.1, true", "255.255.255.255, true", "240.0.0.1, true", "192.0.0.8, true",
        "::1, true", "::, true", "fe80::1, true", "fd00::1, true", "ff02::1, true", "::ffff:10.0.0.1, true",
        "192.0.2.1, false", "172.32.0.1, false", "100.128.0.1, false", "8.8.8.8, false", "2001:db8::1, false",
        "::ffff:192.0.2.1, false",
        // NAT64 (RFC 6052) reaches the IPv4 address it carries: an MX on 64:ff9b::a00:1 is 10.0.0.1.
        "64:ff9b::a00:1, true", "64:ff9b::7f00:1, true", "64:ff9b::a9fe:a9fe, true", "64:ff9b::c0a8:1, true",
        "64:ff9b::c000:201, false", "64:ff9b:0:1::a00:1, false",
    })
    void privateRanges(String address, boolean isPrivate) {
        assertThat(MailHost.isPrivate(ip(address))).isEqualTo(isPrivate);
    }
}
