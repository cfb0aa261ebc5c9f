package dev.gatekeeper.policy;

import static dev.gatekeeper.policy.Policies.config;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatekeeper.dns.MutableClock;
import dev.gatekeeper.dns.ZoneFile;
import dev.gatekeeper.reputation.Greylist;
import dev.gatekeeper.reputation.GreylistSettings;
import dev.gatekeeper.reputation.ReputationScore;
import dev.gatekeeper.state.SharedState;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code <dnsbl>} declarations, {@code <dnsbl-score>}, {@code <dnsbl>} and {@code <greylist>}
 * conditions, decided by the real engines: the DNS lists over an in-memory zone, greylisting over
 * in-process state and a clock the test moves. Transcripts as the command line prints them.
 */
class ReputationConditionsTest {

    @TempDir
    Path dir;

    /** 198.51.100.7 on bl (weight 3); 198.51.100.8 on bl and the allow list; spam.example on dbl. */
    private static final String ZONE = String.join("\n",
            "$ORIGIN example.",
            "$TTL 300",
            "7.100.51.198.bl IN A 127.0.0.2",
            "7.100.51.198.bl IN TXT \"listed for spam\"",
            "8.100.51.198.bl IN A 127.0.0.2",
            "8.100.51.198.wl IN A 127.0.10.2",
            "9.100.51.198.bl IN A 127.0.0.99",
            "10.100.51.198.bl IN A 127.255.255.254",
            "spam.example.dbl IN A 127.0.1.2",
            "");

    private static final String LISTS = String.join("\n",
            "<dnsbl name=\"bl\" zone=\"bl.example\" weight=\"3\" filter=\"127.0.0.[2..11]\"/>",
            "<dnsbl name=\"wl\" zone=\"wl.example\" weight=\"-5\"/>",
            "<dnsbl name=\"dbl\" zone=\"dbl.example\" weight=\"2\" subjects=\"sender-domain helo\"/>");

    private static final String BLOCKED = "550 5.7.1 Service unavailable; Client host [198.51.100.7] blocked using bl.example";

    private final FakeChecks checks = new FakeChecks();
    private final MutableClock clock = new MutableClock();

    ReputationConditionsTest() throws Exception {
        checks.dnsListZone = ZoneFile.parse(ZONE, "test zone").resolver();
    }

    private Policies.Transaction run(String body, String ip) {
        return new Policies.Transaction(config(dir, "", LISTS + body), checks).ip(ip).to("<bob@example.org>");
    }

    @Test
    void aListedClientIsRefusedAtRcptWithTheListInPostfixsWords() {
        String body = "<stage name=\"connect\"><rule name=\"bl\" action=\"reject\" reason=\"dnsbl\"><dnsbl list=\"bl\"/></rule></stage>";
        Policies.Transaction t = run(body, "198.51.100.7");
        assertThat(t.run()).containsExactly("connect pass (held: " + BLOCKED + ")", "helo pass (held: " + BLOCKED + ")",
                "mail pass (held: " + BLOCKED + ")", "rcpt " + BLOCKED, "data pass");
        assertThat(t.last(Stage.CONNECT).trace()).contains("connect rule 'bl' (policy.xml:6): dnsbl score 3:"
                + " bl[client-address]=127.0.0.2 -> reject " + BLOCKED);
        assertThat(run(body, "198.51.100.6").run()).containsExactly("connect pass", "helo pass", "mail pass", "rcpt pass", "data pass");
    }

    @Test
    void theReplyFilterAndTheErrorRepliesDecideWhatIsAListing() {
        String body = "<stage name=\"rcpt\"><rule name=\"bl\" action=\"reject\" reason=\"dnsbl\"><dnsbl list=\"bl\"/></rule></stage>";
        // 127.0.0.99 is outside the filter; 127.255.255.254 is Spamhaus's "public resolver" error code.
        assertThat(run(body, "198.51.100.9").run()).contains("rcpt pass");
        assertThat(run(body, "198.51.100.10").run()).contains("rcpt pass");
        PolicySession s = PolicyEngine.create(config(dir, "", LISTS), checks, checks.dnsListZone)
                .openSession(ClientFacts.of(Policies.ip("198.51.100.10"), null, false));
        Policies.await(s.connect());
        assertThat(s.knownDnsListScore().orElseThrow().toString()).isEqualTo("score 0; problems: bl[client-address]: error-reply"
                + " (answered 127.255.255.254)");
    }

    @Test
    void theScoreAddsTheWeightsOfAddressAndDomainListsAndAllowListsSubtract() {
        String body = "<stage name=\"rcpt\"><rule name=\"score\" action=\"reject\" reason=\"dnsbl\"><dnsbl-score above=\"4\"/></rule></stage>";
        // 3 (bl) + 2 (dbl, the sender's domain) = 5.
        Policies.Transaction both = run(body, "198.51.100.7").from("<x@spam.example>");
        assertThat(both.run()).contains("rcpt 550 5.7.1 Service unavailable; Client host [198.51.100.7] blocked using bl.example,"
                + " dbl.example");
        assertThat(both.last(Stage.RCPT).trace()).anyMatch(l -> l.contains("rcpt rule 'score' (policy.xml:6): dnsbl score 5:"
                + " bl[client-address]=127.0.0.2 dbl[sender-domain]=127.0.1.2 -> reject"));
        // 3 alone, or 3 + 2 - 5 for a client on the allow list too; the trace says what the score was.
        Policies.Transaction alone = run(body, "198.51.100.7");
        assertThat(alone.run()).contains("rcpt pass");
        assertThat(alone.last(Stage.RCPT).trace()).contains("rcpt rule 'score' (policy.xml:6): no match (dnsbl score 3:"
                + " bl[client-address]=127.0.0.2)");
        assertThat(run(body, "198.51.100.8").from("<x@spam.example>").run()).contains("rcpt pass");
        // The HELO name is asked about too: one listing per list, however many subjects it lists.
        Policies.Transaction helo = run(body, "198.51.100.7").helo("spam.example").from("<x@spam.example>");
        assertThat(helo.run()).contains("rcpt 550 5.7.1 Service unavailable; Client host [198.51.100.7] blocked using bl.example,"
                + " dbl.example");
    }

    @Test
    void anAllowListAcceptsBeforeTheScoreIsRead() {
        String body = "<stage name=\"rcpt\">"
                + "<rule name=\"allowed\" action=\"accept\"><dnsbl-score below=\"0\"/></rule>"
                + "<rule name=\"listed\" action=\"reject\" reason=\"dnsbl\"><dnsbl list=\"bl\"/></rule></stage>";
        Policies.Transaction t = run(body, "198.51.100.8");
        assertThat(t.run()).contains("rcpt pass");
        assertThat(t.last(Stage.RCPT).trace()).anyMatch(l -> l.contains("rcpt rule 'allowed' (policy.xml:6): dnsbl score -2:"
                + " bl[client-address]=127.0.0.2 wl[client-address]=127.0.10.2 -> accept"));
    }

    @Test
    void aDomainListWithASubjectIsPostfixsRejectRhsbl() {
        String body = "<stage name=\"rcpt\"><rule name=\"rhsbl-helo\" action=\"reject\" reason=\"policy-reject\""
                + " description=\"Helo command rejected: listed\"><dnsbl list=\"dbl\" subject=\"helo\"/></rule></stage>";
        assertThat(run(body, "198.51.100.6").from("<x@spam.example>").run()).contains("rcpt pass");
        assertThat(run(body, "198.51.100.6").helo("spam.example").run()).contains("rcpt 550 5.7.1 Helo command rejected: listed");
    }

    @Test
    void theReplyShowsTheScore() {
        String body = "<reply reason=\"dnsbl\">554 5.7.1 Score ${dnsbl_score} on ${dnsbl_list} for [${client_ip}]</reply>"
                + "<stage name=\"rcpt\"><rule action=\"reject\" reason=\"dnsbl\"><dnsbl-score above=\"2\"/></rule></stage>";
        assertThat(run(body, "198.51.100.7").run()).contains("rcpt 554 5.7.1 Score 3 on bl.example for [198.51.100.7]");
    }

    /** Asked at connect, HELO and MAIL as each name becomes known, each question once; read at RCPT without asking again. */
    @Test
    void theListsAreAskedAsSoonAsANameIsKnownAndOncePerQuestion() {
        String body = "<stage name=\"rcpt\"><rule action=\"reject\" reason=\"dnsbl\"><dnsbl-score above=\"4\"/></rule>"
                + "<rule action=\"reject\" reason=\"dnsbl\"><dnsbl list=\"bl\"/></rule></stage>";
        run(body, "198.51.100.6").from("<x@other.example>").to("<carol@example.org>").run();
        assertThat(checks.dnsListQueries).extracting(Object::toString).containsExactly(
                "client 198.51.100.6",
                "client 198.51.100.6, helo client.example.net",
                "client 198.51.100.6, sender domain other.example, helo client.example.net");
    }

    @Test
    void aSessionWithoutListsAsksNothing() {
        new Policies.Transaction(config(dir, "", "<stage name=\"rcpt\"/>"), checks).to("<bob@example.org>").run();
        assertThat(checks.dnsListQueries).isEmpty();
    }

    @Test
    void theAdapterGivesTheScoreForTheAttributes() {
        PolicySession s = PolicyEngine.create(config(dir, "", LISTS), checks, checks.dnsListZone)
                .openSession(ClientFacts.of(Policies.ip("198.51.100.7"), null, false));
        Policies.await(s.connect());
        Policies.await(s.helo("client.example.net"));
        Policies.await(s.mail("<x@spam.example>"));
        Policies.await(s.rcpt("<bob@example.org>"));
        ReputationScore score = s.knownDnsListScore().orElseThrow();
        assertThat(score.score()).isEqualTo(5);
        assertThat(score.listedNames()).containsExactly("bl", "dbl");
    }

    @Test
    void whereAScoreCanBeReadFollowsTheSubjectsOfTheDeclaredLists() {
        String atConnect = "<stage name=\"connect\"><rule action=\"reject\" reason=\"dnsbl\"><dnsbl-score above=\"4\"/></rule></stage>";
        // With a sender-domain list the score is known from MAIL: at connect only with delayed rejection.
        assertThat(config(dir, "", LISTS + atConnect).rules(Stage.CONNECT)).hasSize(1);
        assertThatThrownBy(() -> config(dir, "delay-reject=\"false\"", LISTS + atConnect)).hasMessage("policy.xml:6: <dnsbl-score>:"
                + " not known yet at the connect stage (the sender is known from mail on); with delay-reject=\"true\" its rule would"
                + " be decided again at RCPT");
        // An IP list alone is known at connect.
        assertThat(config(dir, "delay-reject=\"false\"", LISTS + "<stage name=\"connect\"><rule action=\"reject\" reason=\"dnsbl\">"
                + "<dnsbl list=\"bl wl\"/></rule></stage>").rules(Stage.CONNECT)).hasSize(1);
        assertThatThrownBy(() -> config(dir, "delay-reject=\"false\"", LISTS + "<stage name=\"connect\"><rule action=\"reject\">"
                + "<dnsbl list=\"dbl\" subject=\"helo\"/></rule></stage>")).hasMessageStartingWith("policy.xml:6: <dnsbl>: not known yet"
                + " at the connect stage (the HELO name is known from helo on)");
    }

    @Test
    void aPostscreenSiteIsWrittenAsMainCfWritesIt() {
        PolicyConfig c = config(dir, "", "<dnsbl name=\"zen\" site=\"zen.spamhaus.org=127.0.0.[2..11]*3\"/>"
                + "<dnsbl name=\"dnswl\" site=\"list.dnswl.org=127.0.[0..255].[1..3]*-2\"/><dnsbl name=\"any\" site=\"bl.example\"/>");
        assertThat(c.dnsLists()).extracting(l -> l.name() + " " + l.zone().ascii() + " " + l.weight() + " " + l.filter())
                .containsExactly("zen zen.spamhaus.org 3 127.0.0.[2..11]", "dnswl list.dnswl.org -2 127.0.[0..255].[1..3]",
                        "any bl.example 1 ");
        assertThatThrownBy(() -> config(dir, "", "<dnsbl name=\"zen\" site=\"zen.spamhaus.org*3\" weight=\"2\"/>"))
                .hasMessage("policy.xml:4: <dnsbl name=\"zen\">: site gives the zone, filter and weight; weight goes without site");
    }

    @Test
    void mistakesAreRefusedWithFileAndLine() {
        assertThatThrownBy(() -> config(dir, "", LISTS + "<stage name=\"rcpt\"><rule action=\"reject\"><dnsbl list=\"zen\"/></rule></stage>"))
                .hasMessage("policy.xml:6: <dnsbl>: no DNS list named 'zen' (declared: bl, wl, dbl)");
        assertThatThrownBy(() -> config(dir, "", "<stage name=\"rcpt\"><rule action=\"reject\"><dnsbl-score above=\"1\"/></rule></stage>"))
                .hasMessage("policy.xml:4: <dnsbl-score>: no DNS list declared (declare them in <policy> with <dnsbl name=\"\" zone=\"\"/>)");
        assertThatThrownBy(() -> config(dir, "", "<dnsbl name=\"x\" zone=\"x.example\" filter=\"127.0.0.[11..2]\"/>"))
                .hasMessage("policy.xml:4: <dnsbl name=\"x\">: reply filter '127.0.0.[11..2]': range 11..2 is empty (at 13)");
        assertThatThrownBy(() -> config(dir, "", "<dnsbl name=\"x\" zone=\"x.example\"/><dnsbl name=\"x\" zone=\"y.example\"/>"))
                .hasMessage("policy.xml:4: <dnsbl>: list 'x' defined more than once");
        assertThatThrownBy(() -> config(dir, "", "<dnsbl name=\"x\" zone=\"x.example\" subjects=\"client-address helo\"/>"))
                .hasMessageStartingWith("policy.xml:4: <dnsbl name=\"x\">: subjects: an IP list is asked about the client-address only");
        assertThatThrownBy(() -> config(dir, "", "<dnsbl name=\"x\" zone=\"x.example\" weight=\"heavy\"/>"))
                .hasMessage("policy.xml:4: <dnsbl name=\"x\">: weight is a whole number, not 'heavy'");
        assertThatThrownBy(() -> config(dir, "", "<dnsbl name=\"x\" zone=\"x.example\" sites=\"x\"/>"))
                .hasMessageStartingWith("policy.xml:4: unknown attribute 'sites' on <dnsbl>");
        assertThatThrownBy(() -> config(dir, "", LISTS + "<stage name=\"rcpt\"><rule action=\"reject\"><dnsbl list=\"bl\""
                + " subject=\"helo\"/></rule></stage>")).hasMessage("policy.xml:6: <dnsbl>: subject helo: no list named here is asked"
                + " about it (they are asked about client-address)");
        assertThatThrownBy(() -> config(dir, "delay-reject=\"false\"", "<stage name=\"mail\"><rule action=\"defer\"><greylist/>"
                + "</rule></stage>")).hasMessageStartingWith("policy.xml:4: <greylist>: not known yet at the mail stage (the recipient is"
                + " known at rcpt only)");
        assertThatThrownBy(() -> config(dir, "", "<stage name=\"rcpt\"><rule action=\"defer\"><greylist on-failure=\"reject\"/></rule>"
                + "</stage>")).hasMessage("policy.xml:4: <greylist>: on-failure is accept or tempfail, not 'reject'");
    }

    // --- greylisting ------------------------------------------------------------------------

    private static final String GREYLIST = "<table name=\"trusted\" type=\"cidr\" file=\"trusted.cidr\"/>"
            + "<stage name=\"rcpt\">"
            + "<rule name=\"trusted\" action=\"accept\"><client-address table=\"trusted\"/></rule>"
            + "<rule name=\"greylist\" action=\"defer\" reason=\"greylisted\"><greylist/></rule></stage>";

    private Policies.Transaction greylisted(String ip, String body) {
        Policies.write(dir, "trusted.cidr", "203.0.113.0/24\n");
        return new Policies.Transaction(config(dir, "", body), checks).ip(ip).to("<bob@example.org>");
    }

    @Test
    void aNewTripletWaitsTheDelayThenPasses() {
        checks.greylist = Greylist.create(GreylistSettings.defaults(), SharedState.local(clock, 1000), clock);
        assertThat(greylisted("198.51.100.7", GREYLIST).run()).contains(
                "rcpt 450 4.7.1 <bob@example.org>: Recipient address rejected: Greylisted, try again in 300 seconds");
        clock.advance(Duration.ofSeconds(120));
        assertThat(greylisted("198.51.100.7", GREYLIST).run()).contains(
                "rcpt 450 4.7.1 <bob@example.org>: Recipient address rejected: Greylisted, try again in 180 seconds");
        clock.advance(Duration.ofSeconds(181));
        Policies.Transaction retry = greylisted("198.51.100.99", GREYLIST);
        assertThat(retry.run()).as("another address of the /24").contains("rcpt pass");
        assertThat(retry.last(Stage.RCPT).trace()).anyMatch(l -> l.contains("rcpt rule 'greylist' (policy.xml:4): no match (greylist pass"));
        assertThat(retry.session.greylistWaitedSeconds()).as("what the mail waited, for the adapter").hasValue(301);
        Policies.Transaction again = greylisted("198.51.100.7", GREYLIST);
        assertThat(again.run()).contains("rcpt pass");
        assertThat(again.session.greylistWaitedSeconds()).as("a known triplet did not wait").isEmpty();
    }

    @Test
    void aTrustedClientIsNeverGreylistedNorRecorded() {
        checks.greylist = Greylist.create(GreylistSettings.defaults(), SharedState.local(clock, 1000), clock);
        assertThat(greylisted("203.0.113.5", GREYLIST).run()).contains("rcpt pass");
        assertThat(checks.greylistAsked).hasValue(0);
    }

    @Test
    void whenTheStateFailsGreylistingAcceptsOrTempfailsNeverRefuses() {
        // No greylisting engine answers: the state is unavailable.
        assertThat(greylisted("198.51.100.7", GREYLIST).run()).contains("rcpt pass");
        assertThat(greylisted("198.51.100.7", GREYLIST.replace("<greylist/>", "<greylist on-failure=\"tempfail\"/>")).run())
                .contains("rcpt 451 4.3.0 Temporary server error, try again later");
    }

    @Test
    void greylistingOnlyTheDoubtful() {
        checks.greylist = Greylist.create(GreylistSettings.defaults(), SharedState.local(clock, 1000), clock);
        String body = "<stage name=\"rcpt\"><rule name=\"doubtful\" action=\"defer\" reason=\"greylisted\">"
                + "<dnsbl-score above=\"0\"/><greylist/></rule></stage>";
        assertThat(new Policies.Transaction(config(dir, "", LISTS + body), checks).ip("198.51.100.6").to("<bob@example.org>").run())
                .contains("rcpt pass");
        assertThat(checks.greylistAsked).hasValue(0);
        assertThat(new Policies.Transaction(config(dir, "", LISTS + body), checks).ip("198.51.100.7").to("<bob@example.org>").run())
                .contains("rcpt 450 4.7.1 <bob@example.org>: Recipient address rejected: Greylisted, try again in 300 seconds");
        assertThat(List.of(checks.greylistAsked.get())).containsExactly(1);
    }
}
