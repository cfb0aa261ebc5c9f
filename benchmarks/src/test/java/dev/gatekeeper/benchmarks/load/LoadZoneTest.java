package dev.gatekeeper.benchmarks.load;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatekeeper.dns.LoopbackDnsServer;
import dev.gatekeeper.dns.ZoneFile;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/**
 * The load zones as the drivers' DNS server answers them: each negative answer a connection
 * meets carries an SOA (RFC 2308 §5: without one a resolver may not cache it), and the clients'
 * names and SPF record are what the hooks need to pass them.
 */
class LoadZoneTest {

    /** The names a connection from either client asks for that do not exist, as the hooks ask them. */
    private static final List<String[]> NEGATIVE = List.of(
            new String[] {"1.0.0.127.bl.sandbox.test.", "A"},
            new String[] {"2.0.0.127.wl.sandbox.test.", "A"},
            new String[] {"_dmarc.load.test.", "TXT"},
            new String[] {"client.load.test.", "AAAA"},
            new String[] {"9.0.0.127.in-addr.arpa.", "PTR"});

    @Test
    void everyNegativeAnswerCarriesAnSoaWhoseMinimumIsItsCacheTime() throws IOException {
        try (LoopbackDnsServer dns = LoopbackDnsServer.start(ZoneFile.parse(LoadZone.text(true), "load.test"))) {
            for (String[] q : NEGATIVE) {
                Message answer = ask(dns, q[0], q[1]);
                assertThat(answer.getSection(Section.ANSWER)).as(q[0]).isEmpty();
                List<Record> authority = answer.getSection(Section.AUTHORITY);
                assertThat(authority).as(q[0]).singleElement().isInstanceOf(SOARecord.class);
                assertThat(authority.get(0).getTTL()).as(q[0]).isEqualTo(3600);
            }
        }
    }

    @Test
    void withoutSoaTheSameQuestionsGetNothingToCache() throws IOException {
        try (LoopbackDnsServer dns = LoopbackDnsServer.start(ZoneFile.parse(LoadZone.text(false), "load.test"))) {
            for (String[] q : NEGATIVE) {
                assertThat(ask(dns, q[0], q[1]).getSection(Section.AUTHORITY)).as(q[0]).isEmpty();
            }
        }
    }

    @Test
    void bothClientsHaveAForwardConfirmedNameAndPassSpf() throws IOException {
        try (LoopbackDnsServer dns = LoopbackDnsServer.start(ZoneFile.parse(LoadZone.TEXT, "load.test"))) {
            for (String ptr : List.of("1.0.0.127.in-addr.arpa.", "2.0.0.127.in-addr.arpa.")) {
                assertThat(rdata(ask(dns, ptr, "PTR"))).as(ptr).containsExactly("client.load.test.");
            }
            assertThat(rdata(ask(dns, "client.load.test.", "A"))).containsExactlyInAnyOrder("127.0.0.1", "127.0.0.2");
            assertThat(rdata(ask(dns, "load.test.", "TXT"))).singleElement().asString()
                    .contains("ip4:127.0.0.1 ", "ip4:127.0.0.2 ").endsWith("-all\"");
            assertThat(rdata(ask(dns, "load.test.", "MX"))).containsExactly("10 mx.load.test.");
        }
    }

    private static Message ask(LoopbackDnsServer dns, String name, String type) throws IOException {
        SimpleResolver resolver = new SimpleResolver(dns.address());
        resolver.setPort(dns.port());
        resolver.setTimeout(Duration.ofSeconds(5));
        Message answer = resolver.send(Message.newQuery(Record.newRecord(Name.fromString(name), Type.value(type), DClass.IN)));
        assertThat(answer.getRcode()).as(name).isIn(Rcode.NOERROR, Rcode.NXDOMAIN);
        return answer;
    }

    private static List<String> rdata(Message answer) {
        return answer.getSection(Section.ANSWER).stream().map(Record::rdataToString).toList();
    }
}
