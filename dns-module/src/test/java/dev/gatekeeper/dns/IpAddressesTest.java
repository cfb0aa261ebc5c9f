package dev.gatekeeper.dns;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class IpAddressesTest {

    @Test
    void parsesLiteralsOnly() {
        assertThat(IpAddresses.parse("192.0.2.1")).map(a -> a.getHostAddress()).contains("192.0.2.1");
        assertThat(IpAddresses.parse(" 2001:db8::1 ")).map(a -> a.getHostAddress()).contains("2001:db8:0:0:0:0:0:1");
        assertThat(IpAddresses.parse("::ffff:192.0.2.1")).isPresent();
        for (String bad : new String[] {"", "localhost", "192.0.2", "192.0.2.256", "01.2.3.4", "1.2.3.4.5",
                "2001:db8:::1", "[::1]", "fe80::1%eth0", "example.com", "1.2.3.4 "}) {
            assertThat(IpAddresses.parse(bad.trim().equals(bad) ? bad : bad + "x")).as(bad).isEmpty();
        }
    }
}
