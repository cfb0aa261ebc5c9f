package dev.gatekeeper.james.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatekeeper.callout.CalloutSettings;
import dev.gatekeeper.callout.CalloutVerifier;
import dev.gatekeeper.dns.ZoneFile;
import dev.gatekeeper.dns.ZoneResolver;
import dev.gatekeeper.james.common.GatekeeperAttributes;
import dev.gatekeeper.mail.Mailbox;
import dev.gatekeeper.reputation.DnsList;
import dev.gatekeeper.reputation.DnsListChecker;
import dev.gatekeeper.reputation.DnsListSettings;
import dev.gatekeeper.reputation.Greylist;
import dev.gatekeeper.reputation.GreylistDecision;
import dev.gatekeeper.reputation.GreylistSettings;
import dev.gatekeeper.reputation.ReputationQuery;
import dev.gatekeeper.reputation.ReputationScore;
import dev.gatekeeper.spf.SpfEvaluator;
import dev.gatekeeper.spf.SpfSettings;
import dev.gatekeeper.state.SharedState;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.mailet.base.test.FakeMail;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The connection's checks run the policy's DNS lists and greylisting, and the score becomes mail attributes. */
class ReputationChecksTest {

    private final ZoneResolver zone;
    private final CalloutVerifier callouts;
    private final SpfEvaluator spf;
    private final List<DnsList> lists = List.of(DnsList.addressList("bl", "bl.example", 3));

    ReputationChecksTest() throws Exception {
        zone = ZoneFile.parse("$ORIGIN example.\n$TTL 300\n2.0.0.127.bl IN A 127.0.0.2\n", "test zone").resolver();
        callouts = CalloutVerifier.create(CalloutSettings.parse(Map.of()), zone);
        spf = new SpfEvaluator(zone, SpfSettings.parse(Map.of()));
    }

    @AfterEach
    void close() {
        callouts.close();
    }

    @Test
    void theListsAndTheGreylistAreTheEngines() throws Exception {
        Greylist greylist = Greylist.create(GreylistSettings.defaults(), SharedState.local(Clock.systemUTC(), 100), Clock.systemUTC());
        SessionChecks checks = new SessionChecks(spf, callouts, Duration.ofSeconds(1), Duration.ofSeconds(1),
                l -> DnsListChecker.builder(DnsListSettings.defaults(), l, zone).build(), greylist);
        InetAddress client = InetAddress.getByName("127.0.0.2");
        ReputationScore score = checks.dnsLists(lists, ReputationQuery.of(client)).toCompletableFuture().get(5, TimeUnit.SECONDS);
        assertThat(score).hasToString("score 3: bl[client-address]=127.0.0.2");
        GreylistDecision d = checks.greylist(client, Mailbox.parse("<a@outside.example>"), Mailbox.parse("<bob@example.org>"))
                .toCompletableFuture().get(5, TimeUnit.SECONDS);
        assertThat(d.result()).isEqualTo(GreylistDecision.Result.DEFER);
        assertThat(d.retryAfterSeconds()).isEqualTo(300);

        FakeMail mail = FakeMail.builder().name("m").build();
        MessageStamp.setAttributes(mail, score);
        assertThat(GatekeeperAttributes.string(mail, GatekeeperAttributes.DNSBL_SCORE)).contains("3");
        assertThat(GatekeeperAttributes.strings(mail, GatekeeperAttributes.DNSBL_HITS)).containsExactly("bl[client-address]=127.0.0.2");
    }

    @Test
    void withoutEnginesTheStagesFailAndThePolicyDecidesWhatThatMeans() {
        SessionChecks checks = new SessionChecks(spf, callouts, Duration.ofSeconds(1), Duration.ofSeconds(1));
        InetAddress client = InetAddress.getLoopbackAddress();
        assertThat(checks.dnsLists(lists, ReputationQuery.of(client)).toCompletableFuture())
                .failsWithin(Duration.ofSeconds(1)).withThrowableOfType(ExecutionException.class)
                .withCauseInstanceOf(UnsupportedOperationException.class);
        assertThat(checks.greylist(client, Mailbox.parse("<>"), Mailbox.parse("<bob@example.org>")).toCompletableFuture())
                .failsWithin(Duration.ofSeconds(1)).withThrowableOfType(ExecutionException.class)
                .withCauseInstanceOf(UnsupportedOperationException.class);
    }
}
