package dev.gatekeeper.benchmarks.load;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatekeeper.benchmarks.load.SmtpSourceComparison.Settings;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The smtp-source driver end to end, short: the real smtp-source (Debian's postfix, which
 * .ci/run installs) against plain James 3.8.1 and James 3.8.1 with Gatekeeper's handler, 20
 * messages a run, one per connection, every one counted in the sink repository through WebAdmin;
 * and the null comparison, two plain Jameses, the second booted and warmed first.
 * Runs from the project root (failsafe's working directory), as the driver does.
 */
class SmtpSourceIT {

    @Test
    @Timeout(value = 180)
    void everyMessageSmtpSourceSendsIsCountedInBothJameses() throws Exception {
        assertThat(Path.of(SmtpSourceCommand.DEFAULT_EXECUTABLE))
                .as("smtp-source, from Debian's postfix package (see benchmarks/smtp-source.md)")
                .isExecutable();
        Settings s = Settings.parse("james=3.8.1", "shape=connection", "pipeline=sink", "sessions=5", "messages=20",
                "rounds=1", "warmup=20");
        long started = System.nanoTime();
        SmtpSourceComparison.Outcome outcome = SmtpSourceComparison.run(s);
        assertThat(outcome.lost()).as("messages sent but not counted").isZero();
        // The hooks took 127.0.0.1 for an outside client: SPF (TXT) at MAIL, the sender callout's
        // mail host (MX) at RCPT (the policy skips it for my-networks), DMARC at the end of DATA.
        // (The connect stage's lookups, client name and DNS lists, are made when the sandbox reads
        // James's greeting at boot, before the first counted run, and cached from then on.)
        assertThat(outcome.hookDnsQuestions()).containsKeys("load.test/TXT", "load.test/MX", "_dmarc.load.test/TXT");
        // Each round was also timed until James's spool was empty, through WebAdmin's queue route.
        assertThat(outcome.drainedRatios()).hasSize(1).allSatisfy(r -> assertThat(r).isFinite().isPositive());
        System.out.printf("smtp-source comparison, 3.8.1, 20 messages a run: %d s%n",
                Duration.ofNanos(System.nanoTime() - started).toSeconds());
    }

    @Test
    @Timeout(value = 180)
    void withMailboxDeliveryEveryRunIsCountedInInboxesEmptiedBeforeTheNext() throws Exception {
        // warmup=40: two warm-up runs and a timed one, each counted in INBOXes the run before emptied.
        Settings s = Settings.parse("james=3.8.1", "shape=connection", "pipeline=mailbox", "sessions=5", "messages=20",
                "rounds=1", "warmup=40", "second=plain");
        SmtpSourceComparison.Outcome outcome = SmtpSourceComparison.run(s);
        assertThat(outcome.lost()).as("messages sent but not counted").isZero();
        assertThat(outcome.drainedRatios()).hasSize(1).allSatisfy(r -> assertThat(r).isFinite().isPositive());
    }

    @Test
    @Timeout(value = 180)
    void aSecondPlainJamesBootedFirstCountsEveryMessageAndAsksNothingOfTheHooksDnsServer() throws Exception {
        Settings s = Settings.parse("james=3.8.1", "shape=connection", "pipeline=sink", "sessions=5", "messages=20",
                "rounds=1", "warmup=20", "second=plain");
        SmtpSourceComparison.Outcome outcome = SmtpSourceComparison.run(s, true);
        assertThat(outcome.lost()).as("messages sent but not counted").isZero();
        // No Gatekeeper handler in either James: the load zone's DNS server hears nothing from it.
        assertThat(outcome.hookDnsQuestions()).isEmpty();
        assertThat(outcome.median()).isPositive();
    }
}
