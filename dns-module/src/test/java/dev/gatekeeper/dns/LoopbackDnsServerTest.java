package dev.gatekeeper.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

@Timeout(30)
class LoopbackDnsServerTest {

    private LoopbackDnsServer server;

    @BeforeEach
    void start() throws Exception {
        server = LoopbackDnsServer.start(DnsjavaResolverTest.exampleZone());
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private Message ask(String name, int type, boolean tcp) throws Exception {
        SimpleResolver r = new SimpleResolver(new InetSocketAddress(server.address(), server.port()));
        r.setTCP(tcp);
        r.setIgnoreTruncation(true);
        r.setTimeout(Duration.ofSeconds(2));
        Message query = Message.newQuery(Record.newRecord(Name.fromString(name), type, DClass.IN));
        try {
            return r.sendAsync(query).toCompletableFuture().get(5, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception ? (Exception) e.getCause() : e;
        }
    }

    @Test
    void answersAuthoritativelyOverUdpAndTcp() throws Exception {
        for (boolean tcp : new boolean[] {false, true}) {
            Message m = ask("example.test.", Type.A, tcp);
            assertThat(m.getHeader().getFlag(Flags.AA)).isTrue();
            assertThat(m.getHeader().getFlag(Flags.QR)).isTrue();
            assertThat(m.getHeader().getFlag(Flags.RD)).isTrue();
            assertThat(m.getRcode()).isEqualTo(Rcode.NOERROR);
            assertThat(m.getSection(Section.ANSWER)).extracting(Record::rdataToString).containsExactly("192.0.2.1");
            assertThat(m.getSection(Section.ANSWER)).extracting(Record::getTTL).containsExactly(300L);
        }
        assertThat(server.udpQueries()).isEqualTo(1);
        assertThat(server.tcpQueries()).isEqualTo(1);
        assertThat(server.queries("EXAMPLE.test.", "a")).isEqualTo(2);
        assertThat(server.questions()).containsExactly(Map.entry("example.test/A", 2));
    }

    @Test
    void negativeAnswersCarryTheSoaWithItsMinimumAsTtl() throws Exception {
        Message nx = ask("nowhere.example.test.", Type.A, false);
        assertThat(nx.getRcode()).isEqualTo(Rcode.NXDOMAIN);
        assertThat(nx.getSection(Section.AUTHORITY)).singleElement().isInstanceOfSatisfying(SOARecord.class,
                soa -> assertThat(soa.getTTL()).isEqualTo(60));

        Message nodata = ask("mx1.example.test.", Type.MX, false);
        assertThat(nodata.getRcode()).isEqualTo(Rcode.NOERROR);
        assertThat(nodata.getSection(Section.ANSWER)).isEmpty();
        assertThat(nodata.getSection(Section.AUTHORITY)).hasSize(1);
    }

    @Test
    void putsCnameChainsInTheAnswer() throws Exception {
        Message m = ask("www.example.test.", Type.A, false);
        assertThat(m.getSection(Section.ANSWER)).extracting(r -> Type.string(r.getType()))
                .containsExactly("CNAME", "CNAME", "A");

        server.chaseCnames(false);
        assertThat(ask("www.example.test.", Type.A, false).getSection(Section.ANSWER)).hasSize(1);
    }

    @Test
    void servfailKnob() throws Exception {
        server.servfail(true);
        assertThat(ask("example.test.", Type.A, false).getRcode()).isEqualTo(Rcode.SERVFAIL);
        server.noFaults();
        assertThat(ask("example.test.", Type.A, false).getRcode()).isEqualTo(Rcode.NOERROR);
    }

    @Test
    void truncateKnobSetsTcOverUdpOnly() throws Exception {
        server.truncateUdp(true);
        Message udp = ask("example.test.", Type.MX, false);
        assertThat(udp.getHeader().getFlag(Flags.TC)).isTrue();
        assertThat(udp.getSection(Section.ANSWER)).isEmpty();
        Message tcp = ask("example.test.", Type.MX, true);
        assertThat(tcp.getHeader().getFlag(Flags.TC)).isFalse();
        assertThat(tcp.getSection(Section.ANSWER)).hasSize(2);
    }

    @Test
    void failTcpKnobClosesTcpUnansweredAndLeavesUdpAlone() throws Exception {
        server.truncateUdp(true).failTcp(true);
        assertThat(ask("example.test.", Type.MX, false).getHeader().getFlag(Flags.TC)).isTrue();
        assertThatThrownBy(() -> ask("example.test.", Type.MX, true)).isInstanceOf(java.io.IOException.class);
        assertThat(server.tcpQueries()).isEqualTo(1);
        server.noFaults();
        // dnsjava may still hold the TCP channel the server closed: its first reuse can fail, so
        // allow a bounded number of fresh attempts before TCP must answer again.
        Message answer = null;
        for (int attempt = 0; attempt < 3 && answer == null; attempt++) {
            try {
                answer = ask("example.test.", Type.MX, true);
            } catch (java.io.IOException e) {
                Thread.sleep(100);
            }
        }
        assertThat(answer).as("a TCP answer once the fault is off").isNotNull();
        assertThat(answer.getSection(Section.ANSWER)).hasSize(2);
    }

    @Test
    void hugeAnswersAreTruncatedOverUdpAsTheyMustBe() throws Exception {
        server.hugeAnswers(200);
        assertThat(ask("example.test.", Type.TXT, false).getHeader().getFlag(Flags.TC)).isTrue();
        assertThat(ask("example.test.", Type.TXT, true).getSection(Section.ANSWER)).hasSize(200);
    }

    @Test
    void delayKnobDelaysAndDropKnobNeverAnswers() throws Exception {
        server.delay(Duration.ofMillis(300));
        long start = System.nanoTime();
        ask("example.test.", Type.A, false);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(300));

        server.noFaults().drop(true);
        assertThatThrownBy(() -> ask("example.test.", Type.A, false)).isInstanceOf(SocketTimeoutException.class);
        assertThat(server.queries()).isEqualTo(2);
    }

    @Test
    void bindsTheGivenPortAgainAfterClose() throws Exception {
        int port = server.port();
        InetAddress address = server.address();
        server.close();
        server = LoopbackDnsServer.start(address, port, DnsjavaResolverTest.exampleZone());
        assertThat(server.port()).isEqualTo(port);
        assertThat(ask("example.test.", Type.A, true).getRcode()).isEqualTo(Rcode.NOERROR);
    }

    @Test
    void servesOtherLoopbackAddresses() throws Exception {
        try (LoopbackDnsServer other = LoopbackDnsServer.start(InetAddress.getByName("127.0.0.2"), 0,
                DnsjavaResolverTest.exampleZone())) {
            assertThat(other.hostPort()).startsWith("127.0.0.2:");
        }
    }

    @Test
    void refusesNonLoopbackAddresses() {
        assertThatThrownBy(() -> LoopbackDnsServer.start(InetAddress.getByName("192.0.2.1"), 0,
                DnsjavaResolverTest.exampleZone())).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void zoneDataCanBeReplaced() throws Exception {
        server.zone(ZoneFile.parse("example.test. 60 A 192.0.2.99\n", "inline"));
        assertThat(ask("example.test.", Type.A, false).getSection(Section.ANSWER))
                .extracting(Record::rdataToString).containsExactly("192.0.2.99");
    }

    @Test
    void faultsCanBeLimitedToSomeNames() throws Exception {
        server.servfail(true).onlyFor("mx1.example.test");
        assertThat(ask("mx1.example.test.", Type.A, false).getRcode()).isEqualTo(Rcode.SERVFAIL);
        assertThat(ask("example.test.", Type.A, false).getRcode()).isEqualTo(Rcode.NOERROR);
        server.onlyFor();
        assertThat(ask("example.test.", Type.A, false).getRcode()).isEqualTo(Rcode.SERVFAIL);
    }

    @Test
    void dropCanBeLimitedToOneName() throws Exception {
        server.drop(true).onlyFor("mx1.example.test");
        for (boolean tcp : new boolean[] {false, true}) {
            assertThatThrownBy(() -> ask("mx1.example.test.", Type.TXT, tcp)).isInstanceOf(SocketTimeoutException.class);
            assertThat(ask("example.test.", Type.A, tcp).getRcode()).isEqualTo(Rcode.NOERROR);
        }
        assertThat(server.queries("mx1.example.test", "TXT")).isEqualTo(2);
    }
}
