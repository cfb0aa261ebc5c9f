package dev.gatekeeper.james.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatekeeper.dns.AddressRecord;
import dev.gatekeeper.dns.DnsResolver;
import dev.gatekeeper.dns.PtrRecord;
import dev.gatekeeper.dns.RecordType;
import dev.gatekeeper.dns.ZoneResolver;
import java.net.InetAddress;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ClientNameTest {

    private static final DnsResolver ZONE = ZoneResolver.builder()
            // 192.0.2.1: forward-confirmed
            .add("1.2.0.192.in-addr.arpa", PtrRecord.of("mail.example.org."))
            .add("mail.example.org", AddressRecord.of(ip("192.0.2.1")))
            // 192.0.2.2: its name points elsewhere
            .add("2.2.0.192.in-addr.arpa", PtrRecord.of("forged.example.org."))
            .add("forged.example.org", AddressRecord.of(ip("198.51.100.9")))
            // 192.0.2.3: two names, the second confirms
            .add("3.2.0.192.in-addr.arpa", PtrRecord.of("nowhere.example.org."))
            .add("3.2.0.192.in-addr.arpa", PtrRecord.of("Good.Example.ORG."))
            .add("good.example.org", AddressRecord.of(ip("192.0.2.3")))
            // 192.0.2.4: the name's address lookup times out
            .add("4.2.0.192.in-addr.arpa", PtrRecord.of("slow.example.org."))
            .timeout("slow.example.org", RecordType.A)
            // 192.0.2.5: the PTR lookup times out
            .timeout("5.2.0.192.in-addr.arpa", RecordType.PTR)
            // 2001:db8::1: IPv6 confirmed through AAAA only
            .add("1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa", PtrRecord.of("v6.example.org."))
            .add("v6.example.org", AddressRecord.of(ip("2001:db8::1")))
            .build();

    private static InetAddress ip(String s) {
        try {
            return InetAddress.getByName(s);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static Optional<String> name(String client) throws Exception {
        return ClientName.verified(ZONE, ip(client)).toCompletableFuture().get(5, TimeUnit.SECONDS);
    }

    @Test
    void aNameWhoseAddressesHoldTheClientIsVerified() throws Exception {
        assertThat(name("192.0.2.1")).contains("mail.example.org");
        assertThat(name("2001:db8::1")).contains("v6.example.org");
    }

    @Test
    void theFirstConfirmedNameWinsAndIsLowerCase() throws Exception {
        assertThat(name("192.0.2.3")).contains("good.example.org");
    }

    @Test
    void noPtrAForgedPtrAndFailedLookupsAreUnknown() throws Exception {
        assertThat(name("192.0.2.9")).isEmpty();
        assertThat(name("192.0.2.2")).isEmpty();
        assertThat(name("192.0.2.4")).isEmpty();
        assertThat(name("192.0.2.5")).isEmpty();
    }
}
