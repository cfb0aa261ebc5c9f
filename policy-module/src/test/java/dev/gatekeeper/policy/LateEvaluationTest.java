package dev.gatekeeper.policy;

import static dev.gatekeeper.policy.Policies.await;
import static dev.gatekeeper.policy.Policies.line;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatekeeper.callout.CalloutResult;
import dev.gatekeeper.dns.ZoneResolver;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An evaluation goes on in the thread that completes a check, and may finish after the adapter
 * stopped waiting for it (GatekeeperHandler answers 451 at its wait limit and James reads the
 * next command): what it decides then belongs to the transaction it began in, never to the next.
 */
class LateEvaluationTest {

    private static final String POLICY = "<stage name=\"mail\">"
            + "<rule name=\"mark\" action=\"tag\" label=\"unverified\"><callout outcome=\"rejected\"/></rule>"
            + "<rule name=\"unverified\" action=\"reject\" reason=\"unverified-sender\"><callout outcome=\"rejected\"/></rule>"
            + "</stage>";

    @TempDir
    Path dir;

    private final FakeChecks checks = new FakeChecks();
    /** Answers the callout of slow@sender.example when the test says so; every other one is answered at once. */
    private final CompletableFuture<CalloutAnswer> slow = checks.calloutLater("slow@sender.example");

    @Test
    void aMailVerdictThatComesAfterRsetNeitherRefusesNorTagsTheNextTransaction() {
        PolicySession s = PolicyEngine.create(Policies.config(dir, "", POLICY), checks, ZoneResolver.builder().build())
                .openSession(ClientFacts.of(Policies.ip("198.51.100.7"), null, false));
        await(s.connect());
        await(s.helo("client.example.net"));
        CompletionStage<Verdict> late = s.mail("<slow@sender.example>");
        assertThat(late.toCompletableFuture()).as("waiting for the callout").isNotDone();

        s.reset();
        assertThat(line(await(s.mail("<fast@sender.example>")))).isEqualTo("mail pass");
        slow.complete(CalloutAnswer.of(CalloutResult.REJECTED, "550 5.1.1 no such user"));
        Verdict abandoned = await(late);
        assertThat(line(abandoned)).as("decided with what its own transaction knew")
                .isEqualTo("mail pass (held: 550 5.1.7 <slow@sender.example>: Sender address rejected: undeliverable address)");
        assertThat(abandoned.tags()).containsExactly("unverified");

        Verdict rcpt = await(s.rcpt("<bob@example.org>"));
        assertThat(line(rcpt)).isEqualTo("rcpt pass");
        assertThat(rcpt.tags()).isEmpty();
        assertThat(s.tags()).isEmpty();
    }
}
