package dev.gatekeeper.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatekeeper.dns.DnsjavaResolver;
import dev.gatekeeper.dns.ResolverSettings;
import dev.gatekeeper.policy.PolicyConfig;
import dev.gatekeeper.reputation.DnsListChecker;
import dev.gatekeeper.reputation.DnsListSettings;
import dev.gatekeeper.reputation.ListHit;
import dev.gatekeeper.reputation.ListProblem;
import dev.gatekeeper.reputation.ReputationQuery;
import dev.gatekeeper.reputation.ReputationScore;
import java.net.InetAddress;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * conf/gatekeeper-policy.xml's DNS lists asked of conf/sandbox.zone, served on a free loopback
 * port, as the handler asks them: the score of each client in the zone's table. The policy
 * refuses above 2 and greylists above 0, so these scores are what the demos show, and what they
 * cannot show: the filtered and error replies count for nothing, and the IPv6 entry is found.
 */
class SandboxDnsListsTest {
    private static SandboxDns dns;
    private static DnsListChecker lists;

    @BeforeAll
    static void start() throws Exception {
        Path conf = Paths.get(System.getProperty(JamesSandbox.CONF_PROPERTY));
        dns = SandboxDns.start(InetAddress.getByName("127.0.0.1"), 0, List.of(conf.resolve("sandbox.zone")));
        DnsjavaResolver resolver = new DnsjavaResolver(ResolverSettings.builder().server(dns.hostPort())
            .timeout(Duration.ofSeconds(2)).retries(0).cacheSize(0).build());
        PolicyConfig policy = PolicyConfig.load(conf.resolve("gatekeeper-policy.xml"));
        lists = DnsListChecker.builder(DnsListSettings.defaults(), policy.dnsLists(), resolver).build();
    }

    @AfterAll
    static void stop() {
        dns.close();
    }

    private static ReputationScore score(String client) throws Exception {
        return lists.check(ReputationQuery.of(InetAddress.getByName(client))).toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private static List<String> hits(ReputationScore s) {
        return s.hits().stream().map(ListHit::toString).collect(Collectors.toList());
    }

    @Test
    void theListedClientIsAboveTheThreshold() throws Exception {
        ReputationScore s = score("127.0.0.41");
        assertThat(s.score()).isEqualTo(3);
        assertThat(hits(s)).singleElement().asString().startsWith("bl[client-address]=127.0.0.2");
        assertThat(s.problems()).isEmpty();
    }

    @Test
    void theAllowListOutweighsTheBlockList() throws Exception {
        ReputationScore s = score("127.0.0.42");
        assertThat(s.score()).isEqualTo(-2);
        assertThat(s.listedNames()).containsExactly("bl", "wl");
    }

    @Test
    void aReplyNoFilterTakesCountsForNothing() throws Exception {
        ReputationScore s = score("127.0.0.43");
        assertThat(s.score()).isZero();
        assertThat(s.hits()).isEmpty();
        assertThat(s.problems()).isEmpty();
    }

    @Test
    void anErrorReplyIsAProblemNeverAListing() throws Exception {
        ReputationScore s = score("127.0.0.44");
        assertThat(s.score()).isZero();
        assertThat(s.hits()).isEmpty();
        // Both bl declarations ask the one zone, and each sees the error code.
        assertThat(s.problems()).isNotEmpty().allSatisfy(p -> {
            assertThat(p.kind()).isEqualTo(ListProblem.Kind.ERROR_REPLY);
            assertThat(p.queryName()).isEqualTo("44.0.0.127.bl.sandbox.test");
            assertThat(p.detail()).contains("127.255.255.254");
        });
    }

    @Test
    void theDynamicAddressIsDoubtful() throws Exception {
        ReputationScore s = score("127.0.0.45");
        assertThat(s.score()).isEqualTo(1);
        assertThat(hits(s)).singleElement().asString().startsWith("bl-dynamic[client-address]=127.0.0.10");
    }

    @Test
    void theIpv6EntryIsAskedByItsReversedNibbles() throws Exception {
        ReputationScore s = score("::1");
        assertThat(s.score()).isEqualTo(3);
        assertThat(s.hits()).singleElement().satisfies(h -> assertThat(h.queryName())
            .isEqualTo("1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.bl.sandbox.test"));
    }

    @Test
    void theSpfAndTrustedClientsAreOnNoList() throws Exception {
        for (String client : List.of("127.0.0.10", "127.0.0.11", "127.0.0.1")) {
            ReputationScore s = score(client);
            assertThat(s.score()).as(client).isZero();
            assertThat(s.hits()).as(client).isEmpty();
            assertThat(s.problems()).as(client).isEmpty();
        }
    }
}
