package dev.gatekeeper.policy;

import static dev.gatekeeper.policy.Policies.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatekeeper.dns.ZoneResolver;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A verdict's trace is put into words only when it is read, which may be after the session has
 * gone on (a second HELO, more recipients): it must still say what was seen when the verdict was
 * decided, word for word as when the trace was built eagerly.
 */
class LazyTraceTest {

    @TempDir
    Path dir;

    @Test
    void aTraceReadLaterSaysWhatWasSeenWhenItWasDecided() {
        PolicyConfig config = Policies.config(dir, "",
                "<stage name=\"helo\"><rule name=\"named\" action=\"tag\" label=\"named\"><helo valid-syntax=\"true\"/></rule></stage>\n"
                + "<stage name=\"rcpt\"><rule name=\"more\" action=\"tag\" label=\"more\"><recipient-count above=\"1\"/></rule></stage>");
        PolicySession s = PolicyEngine.create(config, new FakeChecks(), ZoneResolver.builder().build())
                .openSession(ClientFacts.of(Policies.ip("192.0.2.1"), null, false));
        await(s.connect());
        Verdict first = await(s.helo("first.example"));
        await(s.helo("second.example"));
        await(s.mail("<alice@example.org>"));
        Verdict one = await(s.rcpt("<bob@example.org>"));
        Verdict two = await(s.rcpt("<carol@example.org>"));
        Verdict three = await(s.rcpt("<dave@example.org>"));

        assertThat(first.trace()).containsExactly(
                "helo rule 'named' (policy.xml:4): helo first.example -> tag named",
                "helo: no rule decided");
        assertThat(one.trace()).endsWith("rcpt rule 'more' (policy.xml:5): no match", "rcpt: no rule decided");
        assertThat(two.trace()).endsWith(
                "rcpt rule 'more' (policy.xml:5): recipient 2 of the transaction -> tag more", "rcpt: no rule decided");
        assertThat(three.trace()).endsWith(
                "rcpt rule 'more' (policy.xml:5): recipient 3 of the transaction -> tag more", "rcpt: no rule decided");
        assertThat(two.trace()).as("read twice, the same words").isEqualTo(two.trace());
    }
}
