package dev.gatekeeper.benchmarks.latency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatekeeper.benchmarks.load.LoadComparison;
import dev.gatekeeper.benchmarks.load.LoopbackHosts;
import dev.gatekeeper.dns.AddressRecord;
import dev.gatekeeper.dns.MxRecord;
import dev.gatekeeper.dns.RecordType;
import dev.gatekeeper.dns.TxtRecord;
import dev.gatekeeper.dns.ZoneFile;
import dev.gatekeeper.dns.ZoneResolver;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The pieces of the latency driver that need no James. */
class TarpitLatencyTest {

    @Test
    void threadCountsAreRewrittenInPlace() {
        String xml = "<smtpserver>\n<ioWorkerCount>64</ioWorkerCount>\n<maxExecutorCount>64</maxExecutorCount>\n</smtpserver>";
        String four = TarpitLatency.withElement(xml, "ioWorkerCount", 4);
        assertThat(TarpitLatency.withElement(four, "maxExecutorCount", 16))
                .isEqualTo("<smtpserver>\n<ioWorkerCount>4</ioWorkerCount>\n<maxExecutorCount>16</maxExecutorCount>\n</smtpserver>");
        assertThat(TarpitLatency.withElement(xml, "ioWorkerCount", 0)).as("0 leaves conf/'s").isEqualTo(xml);
    }

    @Test
    void aMissingOrRepeatedThreadCountIsAnError() {
        assertThatThrownBy(() -> TarpitLatency.withElement("<smtpserver/>", "ioWorkerCount", 4))
                .hasMessage("conf/smtpserver.xml has 0 <ioWorkerCount> elements, not one");
        assertThatThrownBy(() -> TarpitLatency.withElement("<a><ioWorkerCount>1</ioWorkerCount><ioWorkerCount>2</ioWorkerCount></a>",
                "ioWorkerCount", 4)).hasMessage("conf/smtpserver.xml has 2 <ioWorkerCount> elements, not one");
    }

    @Test
    void theCalloutLimitsLeaveRoomForEveryTarpitProbe() {
        TarpitLatencySettings s = TarpitLatencySettings.parse("tarpits=300", "calloutWait=1500ms", "commandTimeout=15s");
        String handler = TarpitLatency.handler(s, "127.0.0.1:5353", 2525);
        assertThat(handler).contains("<servers>127.0.0.1:5353</servers>", "<port>2525</port>",
                "<maxConcurrentProbesPerDomain>600</maxConcurrentProbesPerDomain>", "<probeThreads>600</probeThreads>",
                "<commandTimeout>15000ms</commandTimeout>", "<calloutWait>1500ms</calloutWait>",
                "<policy file=\"conf/gatekeeper-policy.xml\"/>");
    }

    @Test
    void theZoneHasTheTarpitSendersDomainBesideTheLoadComparisons() throws Exception {
        ZoneFile zone = ZoneFile.parse(TarpitLatency.ZONE, "load.test");
        assertThat(zone.size()).as("four records more").isEqualTo(ZoneFile.parse(LoadComparison.ZONE, "load.test").size() + 4);
        ZoneResolver dns = zone.resolver();
        assertThat(dns.answer("tarpit.load.test", RecordType.MX).records(MxRecord.class))
                .containsExactly(MxRecord.of(10, "mx-tarpit.load.test"));
        assertThat(dns.answer("mx-tarpit.load.test", RecordType.A).records(AddressRecord.class))
                .extracting(r -> r.address().getHostAddress()).containsExactly("127.0.0.22");
        assertThat(dns.answer("client.tarpit.load.test", RecordType.A).records(AddressRecord.class))
                .extracting(r -> r.address().getHostAddress()).containsExactly("127.0.0.3");
        assertThat(dns.answer("tarpit.load.test", RecordType.TXT).records(TxtRecord.class))
                .extracting(TxtRecord::text).containsExactly("v=spf1 ip4:127.0.0.3 -all");
    }

    @Test
    void theHostsFileNamesEveryLoopbackClientAndTheMachine() {
        assertThat(LoopbackHosts.text("vm", TarpitLatency.HOSTS)).isEqualTo(
                "127.0.0.1 localhost vm\n127.0.0.2 client.load.test\n127.0.0.21 mx.load.test\n"
                        + "127.0.0.3 client.tarpit.load.test\n127.0.0.22 mx-tarpit.load.test\n");
    }

    @Test
    void durationsPrintAsTheyAreWritten() {
        assertThat(TarpitLatency.human(Duration.ofMillis(250))).isEqualTo("250ms");
        assertThat(TarpitLatency.human(Duration.ofSeconds(20))).isEqualTo("20s");
    }
}
