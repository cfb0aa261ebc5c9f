package dev.gatekeeper.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatekeeper.dns.DnsAnswer;
import dev.gatekeeper.dns.DnsjavaResolver;
import dev.gatekeeper.dns.RecordType;
import dev.gatekeeper.dns.ResolverSettings;
import java.net.InetAddress;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The sandbox zone served over real UDP/TCP on a free port, asked through Gatekeeper's own resolver. */
class SandboxDnsTest {
    private static SandboxDns dns;
    private static DnsjavaResolver resolver;

    @BeforeAll
    static void start() throws Exception {
        Path conf = Paths.get(System.getProperty(JamesSandbox.CONF_PROPERTY));
        dns = SandboxDns.start(InetAddress.getByName("127.0.0.1"), 0,
            List.of(conf.resolve("sandbox.zone"), conf.resolve("demo.zone")));
        resolver = new DnsjavaResolver(ResolverSettings.builder().server(dns.hostPort())
            .timeout(Duration.ofSeconds(2)).retries(0).cacheSize(0).build());
    }

    @AfterAll
    static void stop() {
        dns.close();
    }

    private static DnsAnswer ask(String name, RecordType type) throws Exception {
        return resolver.lookup(name, type).toCompletableFuture().get();
    }

    @Test
    void publishesTheSpfRecordsOfTheSandboxDomains() throws Exception {
        assertThat(ask("fail.sandbox.test", RecordType.TXT).toString())
            .contains("v=spf1 ip4:127.0.0.10 -all exp=why.fail.sandbox.test");
        assertThat(ask("mta.sandbox.test", RecordType.A).toString()).contains("127.0.0.10");
    }

    @Test
    void servesTheDemoZoneBeside() throws Exception {
        assertThat(ask("strict.demo.test", RecordType.TXT).toString()).contains("v=spf1 a:mail.demo.test -all");
    }

    @Test
    void pointsTheCalloutDomainsAtThePeers() throws Exception {
        for (PeerMta peer : PeerMta.values()) {
            assertThat(ask(peer.domain(), RecordType.MX).toString()).as(peer.domain()).contains("mx.");
            String host = peer.domain().replace(".sandbox.test", "");
            assertThat(ask("mx." + host + ".sandbox.test", RecordType.A).toString()).contains(peer.address());
        }
    }

    @Test
    void publishesANullMx() throws Exception {
        assertThat(ask("nullmx.sandbox.test", RecordType.MX).toString()).isEqualTo("[MX 0 .]");
    }

    @Test
    void failsTheTemperrorDomainWithServfail() throws Exception {
        assertThat(ask("temperror.sandbox.test", RecordType.TXT).isTempfail()).isTrue();
        assertThat(ask("none.sandbox.test", RecordType.TXT).isTempfail()).isFalse();
    }

    @Test
    void refusesNonLoopbackAddresses() {
        assertThatThrownBy(() -> SandboxDns.start(InetAddress.getByName("192.0.2.1"), 0, List.of()))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("loopback only");
    }
}
