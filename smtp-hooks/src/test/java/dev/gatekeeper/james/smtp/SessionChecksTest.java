package dev.gatekeeper.james.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatekeeper.callout.CalloutSettings;
import dev.gatekeeper.callout.CalloutResult;
import dev.gatekeeper.callout.CalloutVerifier;
import dev.gatekeeper.dns.DnsAnswer;
import dev.gatekeeper.dns.DnsResolver;
import dev.gatekeeper.dns.RecordType;
import dev.gatekeeper.dns.ZoneResolver;
import dev.gatekeeper.mail.Mailbox;
import dev.gatekeeper.policy.CalloutAnswer;
import dev.gatekeeper.policy.SpfAnswer;
import dev.gatekeeper.spf.SpfEvaluator;
import dev.gatekeeper.spf.SpfResult;
import dev.gatekeeper.spf.SpfSettings;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The bounded waits: a callout or SPF check still running is answered in time, and goes on for the retry. */
class SessionChecksTest {

    private static final Duration SHORT = Duration.ofMillis(100);
    private static final InetAddress CLIENT = InetAddress.getLoopbackAddress();

    /** Holds every answer of an (empty) zone until the gate opens: a DNS server slower than any wait. */
    private final CompletableFuture<Void> gate = new CompletableFuture<>();
    private final DnsResolver zone = ZoneResolver.builder().exists("nomail.example.org").build();
    private final DnsResolver gated = new DnsResolver() {
        @Override
        public CompletionStage<DnsAnswer> lookup(String name, RecordType type) {
            return gate.thenCompose(v -> zone.lookup(name, type));
        }
    };
    private final CalloutVerifier callouts = CalloutVerifier.create(CalloutSettings.parse(Map.of()), gated);
    private final SpfEvaluator spf = new SpfEvaluator(gated, SpfSettings.parse(Map.of()));

    @AfterEach
    void close() {
        gate.complete(null);
        callouts.close();
    }

    private SessionChecks checks() {
        return new SessionChecks(spf, callouts, SHORT, SHORT);
    }

    @Test
    void aCalloutStillRunningIsInProgressAndItsAnswerServesTheRetry() throws Exception {
        Mailbox sender = Mailbox.parse("<alice@nomail.example.org>");
        SessionChecks first = checks();
        CalloutAnswer waited = first.callout(CLIENT, sender).toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertThat(waited.status()).isEqualTo(CalloutResult.TEMPFAIL);
        assertThat(waited.peerReply()).isEqualTo("verification in progress");
        assertThat(first.calloutOutcomes()).containsEntry("alice@nomail.example.org", "tempfail");

        gate.complete(null); // the DNS answers: the probe that went on concludes and caches its outcome
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        CalloutAnswer retry = waited;
        while (retry.status() == CalloutResult.TEMPFAIL && System.nanoTime() < deadline) {
            Thread.sleep(20);
            retry = checks().callout(CLIENT, sender).toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
        assertThat(retry.status()).isEqualTo(CalloutResult.NO_MAIL_HOST);
        assertThat(callouts.probesStarted()).isEqualTo(1);
    }

    @Test
    void spfStillRunningIsATemperrorNamingTheWait() throws Exception {
        SpfAnswer check = checks().mailFromSpf(CLIENT, "client.example.org", Mailbox.parse("<alice@nomail.example.org>"))
                .toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertThat(check.result()).isEqualTo(SpfResult.TEMPERROR);
        assertThat(check.explanation()).isEqualTo("no SPF answer within 100 ms");
        SpfAnswer helo = checks().heloSpf(CLIENT, "client.example.org").toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertThat(helo.result()).isEqualTo(SpfResult.TEMPERROR);
    }

    @Test
    void answersWithinTheWaitAreTheEngines() throws Exception {
        gate.complete(null);
        SessionChecks checks = new SessionChecks(spf, callouts, Duration.ofSeconds(30), Duration.ofSeconds(30));
        assertThat(checks.callout(CLIENT, Mailbox.parse("<alice@nomail.example.org>")).toCompletableFuture()
                .get(10, TimeUnit.SECONDS).status()).isEqualTo(CalloutResult.NO_MAIL_HOST);
        assertThat(checks.mailFromSpf(CLIENT, "client.example.org", Mailbox.parse("<alice@nomail.example.org>"))
                .toCompletableFuture().get(10, TimeUnit.SECONDS).result()).isEqualTo(SpfResult.NONE);
    }

    @Test
    void theSameSpfQuestionIsEvaluatedOnceAndAnyChangedPartIsANewOne() throws Exception {
        SessionChecks checks = checks();
        InetAddress other = InetAddress.getByName("127.0.0.2");
        CompletableFuture<?> first = checks.mailFromVerdict(CLIENT, "client.example.org", Mailbox.parse("<alice@nomail.example.org>"));
        // The same question, the sender's case aside (its key is lower case), is the one evaluation.
        assertThat(checks.mailFromVerdict(CLIENT, "client.example.org", Mailbox.parse("<Alice@NoMail.example.org>")))
                .isSameAs(first);
        assertThat(checks.mailFromVerdict(other, "client.example.org", Mailbox.parse("<alice@nomail.example.org>")))
                .isNotSameAs(first);
        CompletableFuture<?> second = checks.mailFromVerdict(CLIENT, "other.example.org", Mailbox.parse("<alice@nomail.example.org>"));
        assertThat(second).isNotSameAs(first);
        assertThat(checks.mailFromVerdict(CLIENT, "other.example.org", Mailbox.parse("<bob@nomail.example.org>")))
                .isNotSameAs(second);
        // A null HELO (none given) is a question of its own, and asked twice it is one evaluation too.
        CompletableFuture<?> noHelo = checks.mailFromVerdict(CLIENT, null, Mailbox.parse("<>"));
        assertThat(checks.mailFromVerdict(CLIENT, null, Mailbox.parse("<>"))).isSameAs(noHelo);
        checks.newTransaction();
        assertThat(checks.mailFromVerdict(CLIENT, null, Mailbox.parse("<>"))).isNotSameAs(noHelo);

        CompletableFuture<?> helo = checks.heloVerdict(CLIENT, "client.example.org");
        assertThat(checks.heloVerdict(CLIENT, "client.example.org")).isSameAs(helo);
        assertThat(checks.heloVerdict(CLIENT, "other.example.org")).isNotSameAs(helo);
        assertThat(checks.heloVerdict(other, "other.example.org")).isNotSameAs(helo);
    }
}
