package dev.gatekeeper.policy;

import static dev.gatekeeper.policy.Policies.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatekeeper.dns.ZoneResolver;
import java.nio.file.Path;
import java.util.List;
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

    @Test
    void anUntracedSessionDecidesTheSameWithoutKeepingLines() {
        PolicyConfig config = Policies.config(dir, "",
                "<stage name=\"helo\"><rule name=\"named\" action=\"tag\" label=\"named\"><helo valid-syntax=\"true\"/></rule></stage>\n"
                + "<stage name=\"mail\"><rule name=\"noted\" action=\"warn\" text=\"sender noted\"><sender domain=\"example.org\"/></rule></stage>\n"
                + "<stage name=\"rcpt\"><rule name=\"no-dave\" action=\"reject\"><recipient local-part=\"dave\"/></rule></stage>");
        PolicyEngine engine = PolicyEngine.create(config, new FakeChecks(), ZoneResolver.builder().build());
        List<Verdict> traced = transaction(engine.openSession(ClientFacts.of(Policies.ip("192.0.2.1"), null, false)));
        List<Verdict> untraced = transaction(engine.openSession(ClientFacts.of(Policies.ip("192.0.2.1"), null, false), false));

        assertThat(untraced).hasSameSizeAs(traced);
        for (int i = 0; i < traced.size(); i++) {
            Verdict t = traced.get(i);
            Verdict u = untraced.get(i);
            assertThat(u.toString()).as("verdict %d", i).isEqualTo(t.toString());
            assertThat(u.answer()).isEqualTo(t.answer());
            assertThat(u.reply()).isEqualTo(t.reply());
            assertThat(u.tags()).isEqualTo(t.tags());
            assertThat(u.warnings()).isEqualTo(t.warnings());
            if (t.stage() != Stage.CONNECT) {
                // Connect has no rules here, so nothing to trace either way.
                assertThat(t.trace()).isNotEmpty();
            }
            assertThat(u.trace()).isEmpty();
        }
        assertThat(untraced.get(2).warnings()).anySatisfy(w -> assertThat(w).contains("sender noted"));
        assertThat(untraced.get(4).refuses()).isTrue();
        assertThat(untraced.get(3).tags()).contains("named");
    }

    /** Connect, HELO, MAIL, a recipient let through and one refused. */
    private static List<Verdict> transaction(PolicySession s) {
        return List.of(await(s.connect()), await(s.helo("client.example")), await(s.mail("<alice@example.org>")),
                await(s.rcpt("<bob@example.org>")), await(s.rcpt("<dave@example.org>")));
    }
}
