package dev.gatekeeper.policy;

import static dev.gatekeeper.policy.Policies.config;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatekeeper.callout.CalloutResult;
import dev.gatekeeper.spf.SpfResult;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PolicyEngineTest {

    @TempDir
    Path dir;

    private Policies.Transaction tx(PolicyConfig c) {
        return new Policies.Transaction(c, new FakeChecks());
    }

    @Test
    void defaultRelayRulesDenyStrangersAndLetOurDomainsThrough() {
        PolicyConfig c = config(dir, "", "");
        assertThat(tx(c).to("<bob@example.org>", "<carol@partner.example>", "<x@elsewhere.example>").run()).containsExactly(
                "connect pass", "helo pass", "mail pass", "rcpt pass", "rcpt pass",
                "rcpt 550 5.7.1 <x@elsewhere.example>: Relay access denied", "data pass");
    }

    @Test
    void trustedNetworksAuthenticatedAndAuthorizedClientsMayRelay() {
        PolicyConfig c = config(dir, "", "");
        Policies.Transaction mine = tx(c).ip("192.0.2.9").to("<x@elsewhere.example>");
        assertThat(mine.run()).contains("rcpt pass");
        assertThat(mine.last(Stage.RCPT).relayGranted()).isTrue();
        assertThat(tx(c).ip("2001:db8:1:2::5").to("<x@elsewhere.example>").run()).contains("rcpt pass");
        assertThat(tx(c).auth("alice").to("<x@elsewhere.example>").run()).contains("rcpt pass");
        assertThat(tx(c).relayAllowed().to("<x@elsewhere.example>").run()).contains("rcpt pass");
        Policies.Transaction local = tx(c).to("<bob@example.org>");
        local.run();
        assertThat(local.last(Stage.RCPT).relayGranted()).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "<x%elsewhere.example@example.org>",
        "<elsewhere.example!x@example.org>",
        "<@example.org:x@elsewhere.example>",
        "<@elsewhere.example:x@example.org>",
        "<\"x@elsewhere.example\"@example.org>",
        "<\"x%elsewhere.example\"@example.org>",
        "<x@[192.0.2.25]>",
        "<x@example.org.>",
    })
    void addressesThatSmuggleARelayAreNeverLocal(String rcpt) {
        PolicyConfig c = config(dir, "addresses=\"192.0.2.25\"", "");
        Policies.Transaction t = tx(c).to(rcpt);
        t.run();
        Verdict v = t.last(Stage.RCPT);
        assertThat(v.answer()).isEqualTo(Verdict.Answer.REJECT);
        assertThat(v.reply().orElseThrow().toString()).startsWith("550 5.7.1 <").endsWith(">: Relay access denied");
    }

    @Test
    void mixedCaseDomainsAreOurs() {
        PolicyConfig c = config(dir, "", "");
        assertThat(tx(c).to("<Bob@EXAMPLE.Org>").run()).contains("rcpt pass");
    }

    @Test
    void badRecipientSyntaxIs501() {
        PolicyConfig c = config(dir, "", "");
        assertThat(tx(c).to("<bob@exa mple.org>").run()).contains("rcpt 501 5.1.3 <bob@exa mple.org>: Recipient address rejected: bad address syntax");
        assertThat(tx(c).from("<a b@c>").to("<bob@example.org>").run().get(2))
                .isEqualTo("mail 501 5.1.7 <a b@c>: Sender address rejected: bad address syntax");
    }

    private static final String BLOCK_CLIENT = "<stage name=\"connect\"><rule name=\"block\" action=\"reject\" description=\"Client host rejected\">"
            + "<client-address cidr=\"!198.51.100.8 198.51.100.0/24\"/></rule></stage>";

    @Test
    void delayedRejectionHoldsAConnectDecisionUntilTheFirstRcpt() {
        PolicyConfig c = config(dir, "", BLOCK_CLIENT
                + "<stage name=\"helo\"><rule action=\"reject\"><helo domain-tree=\"example.net\"/></rule></stage>");
        Policies.Transaction t = tx(c).to("<bob@example.org>", "<carol@example.org>");
        assertThat(t.run()).containsExactly(
                "connect pass (held: 550 5.7.1 Client host rejected)",
                "helo pass (held: 550 5.7.1 Client host rejected)",
                "mail pass (held: 550 5.7.1 Client host rejected)",
                "rcpt 550 5.7.1 Client host rejected",
                "rcpt 550 5.7.1 Client host rejected",
                "data pass");
        assertThat(t.last(Stage.RCPT).trace()).anyMatch(l -> l.contains("decided at connect"));
        // The negated entry comes first and wins.
        assertThat(tx(c).ip("198.51.100.8").helo("ok.example.com").to("<bob@example.org>").run()).contains("rcpt pass");
    }

    @Test
    void withoutDelayTheGreetingRefusesWith554Or421() {
        PolicyConfig c = config(dir, "delay-reject=\"false\"", BLOCK_CLIENT);
        assertThat(tx(c).run().get(0)).isEqualTo("connect 554 5.7.1 Client host rejected");
        PolicyConfig d = config(dir, "delay-reject=\"false\"",
                "<stage name=\"connect\"><rule action=\"defer\"><client-address cidr=\"198.51.100.0/24\"/></rule></stage>");
        Policies.Transaction t = tx(d);
        assertThat(t.run().get(0)).isEqualTo("connect 421 4.7.1 Try again later");
        assertThat(t.last(Stage.CONNECT).answer()).isEqualTo(Verdict.Answer.DISCONNECT);
    }

    @Test
    void aMailDecisionIsHeldForItsTransactionOnly() {
        PolicyConfig c = config(dir, "", "<stage name=\"mail\"><rule action=\"reject\" reason=\"unknown-sender-domain\">"
                + "<sender domain-tree=\"bad.example\"/></rule></stage>");
        PolicySession s = PolicyEngine.create(c, new FakeChecks(), dev.gatekeeper.dns.ZoneResolver.builder().build())
                .openSession(ClientFacts.of(Policies.ip("198.51.100.7"), null, false));
        Policies.await(s.connect());
        Policies.await(s.helo("h.example"));
        assertThat(Policies.await(s.mail("<a@x.bad.example>")).held()).isPresent();
        assertThat(Policies.line(Policies.await(s.rcpt("<bob@example.org>"))))
                .isEqualTo("rcpt 550 5.1.8 <a@x.bad.example>: Sender address rejected: Domain not found");
        s.reset();
        Policies.await(s.mail("<a@good.example>"));
        assertThat(Policies.line(Policies.await(s.rcpt("<bob@example.org>")))).isEqualTo("rcpt pass");
    }

    @Test
    void theSenderParsedAtMailLastsItsTransactionOnly() {
        PolicySession s = PolicyEngine.create(config(dir, "", ""), new FakeChecks(), dev.gatekeeper.dns.ZoneResolver.builder().build())
                .openSession(ClientFacts.of(Policies.ip("198.51.100.7"), null, false));
        Policies.await(s.connect());
        Policies.await(s.helo("h.example"));
        assertThat(s.sender()).isEmpty();
        Policies.await(s.mail("<Alice@Example.ORG>"));
        assertThat(s.sender().map(m -> m.original())).contains("Alice@Example.ORG");
        s.reset();
        assertThat(s.sender()).isEmpty();
        Policies.await(s.mail("<>"));
        assertThat(s.sender().map(m -> m.isNullPath())).contains(true);
        Policies.await(s.mail("<a b@c>"));
        assertThat(s.sender()).isEmpty();
    }

    @Test
    void insideIsMyNetworksOrSmtpAuthNotJamesAuthorizedAddresses() {
        PolicyEngine engine = PolicyEngine.create(config(dir, "", ""), new FakeChecks(),
                dev.gatekeeper.dns.ZoneResolver.builder().build());
        assertThat(engine.openSession(ClientFacts.of(Policies.ip("192.0.2.44"), null, false)).fromInside()).isTrue();
        assertThat(engine.openSession(ClientFacts.of(Policies.ip("2001:db8:1::25"), null, false)).fromInside()).isTrue();
        assertThat(engine.openSession(ClientFacts.of(Policies.ip("198.51.100.7"), null, true)).fromInside()).isFalse();
        PolicySession outside = engine.openSession(ClientFacts.of(Policies.ip("198.51.100.7"), null, false));
        assertThat(outside.fromInside()).isFalse();
        outside.authenticated("alice");
        assertThat(outside.fromInside()).isTrue();
    }

    @Test
    void softBounceMakesEveryPermanentRefusalTemporary() {
        PolicyConfig c = config(dir, "soft-bounce=\"true\"", "");
        Policies.Transaction t = tx(c).to("<x@elsewhere.example>");
        assertThat(t.run()).contains("rcpt 450 4.7.1 <x@elsewhere.example>: Relay access denied");
        assertThat(t.last(Stage.RCPT).answer()).isEqualTo(Verdict.Answer.DEFER);
    }

    @Test
    void warnOnlyChangesNothingButSaysWhatWouldHaveHappened() {
        PolicyConfig c = config(dir, "warn-only=\"true\"", BLOCK_CLIENT);
        Policies.Transaction t = tx(c).to("<x@elsewhere.example>");
        assertThat(t.run()).containsExactly("connect pass", "helo pass", "mail pass", "rcpt pass", "data pass");
        assertThat(t.verdicts.get(0).warnings()).containsExactly("warn-only: would answer 550 5.7.1 Client host rejected at connect");
        assertThat(t.last(Stage.RCPT).warnings()).containsExactly(
                "warn-only: would answer 550 5.7.1 <x@elsewhere.example>: Relay access denied at rcpt");
    }

    @Test
    void spfIsAskedOnlyWhenARuleNeedsItAndOncePerTransaction() {
        PolicyConfig c = config(dir, "", "<stage name=\"mail\"><rule action=\"tag\" label=\"spf-pass\"><spf result=\"pass\"/></rule></stage>"
                + "<stage name=\"rcpt\"><rule action=\"reject\" reason=\"spf-fail\"><spf identity=\"mail-from\" result=\"fail\"/></rule>"
                + "<rule action=\"defer\" reason=\"spf-temperror\"><spf result=\"temperror\"/></rule></stage>");
        FakeChecks checks = new FakeChecks().mailFrom(SpfResult.FAIL, "192.0.2.99 is not one of sender.example's hosts");
        Policies.Transaction t = new Policies.Transaction(c, checks).to("<bob@example.org>", "<carol@example.org>");
        assertThat(t.run()).containsExactly("connect pass", "helo pass", "mail pass",
                "rcpt 550 5.7.23 SPF check failed: 192.0.2.99 is not one of sender.example's hosts",
                "rcpt 550 5.7.23 SPF check failed: 192.0.2.99 is not one of sender.example's hosts", "data pass");
        assertThat(checks.mailFromAsked).hasValue(1);
        assertThat(checks.heloAsked).hasValue(0);
        assertThat(checks.calloutAsked).hasValue(0);

        FakeChecks unused = new FakeChecks();
        new Policies.Transaction(config(dir, "", ""), unused).to("<bob@example.org>").run();
        assertThat(unused.mailFromAsked).hasValue(0);
    }

    @Test
    void spfIdentityNamesWhatSpfChecked() {
        PolicyConfig c = config(dir, "", "<reply reason=\"spf-fail\">550 5.7.23 SPF: ${client_ip} may not send mail for ${spf_identity}</reply>"
                + "<stage name=\"rcpt\"><rule action=\"reject\" reason=\"spf-fail\"><spf result=\"fail\"/></rule></stage>");
        assertThat(new Policies.Transaction(c, new FakeChecks().mailFrom(SpfResult.FAIL, "no")).helo("h.example.net")
                .from("<>").to("<bob@example.org>").run())
                .contains("rcpt 550 5.7.23 SPF: 198.51.100.7 may not send mail for postmaster@h.example.net");
        assertThat(new Policies.Transaction(c, new FakeChecks().mailFrom(SpfResult.FAIL, "no")).helo("h.example.net")
                .from("<alice@sender.example>").to("<bob@example.org>").run())
                .contains("rcpt 550 5.7.23 SPF: 198.51.100.7 may not send mail for alice@sender.example");
        PolicyConfig helo = config(dir, "", "<reply reason=\"spf-fail\">550 5.7.23 SPF: not ${spf_identity}</reply>"
                + "<stage name=\"helo\"><rule action=\"reject\" reason=\"spf-fail\"><spf identity=\"helo\" result=\"fail\"/></rule></stage>");
        assertThat(new Policies.Transaction(helo, new FakeChecks().helo(SpfResult.FAIL)).helo("h.example.net")
                .to("<bob@example.org>").run())
                .contains("rcpt 550 5.7.23 SPF: not h.example.net");
    }

    @Test
    void heloSpfAndHeloNames() {
        PolicyConfig c = config(dir, "hostname=\"mx.example.org\" addresses=\"192.0.2.25\"", "<stage name=\"helo\">"
                + "<rule action=\"reject\" reason=\"helo-syntax\"><helo valid-syntax=\"false\"/></rule>"
                + "<rule action=\"reject\" reason=\"bad-helo\" description=\"You are not me\"><helo ours=\"true\"/></rule>"
                + "<rule action=\"reject\" reason=\"bad-helo\" description=\"Address literal\"><helo address-literal=\"true\"/></rule>"
                + "<rule action=\"reject\" reason=\"spf-fail\"><spf identity=\"helo\" result=\"fail\"/></rule>"
                + "</stage>");
        FakeChecks checks = new FakeChecks().helo(SpfResult.FAIL);
        assertThat(new Policies.Transaction(c, new FakeChecks()).helo("bad_name!").to("<b@example.org>").run())
                .contains("rcpt 501 5.5.2 <bad_name!>: Helo command rejected: Invalid name");
        assertThat(new Policies.Transaction(c, new FakeChecks()).helo("MX.example.org").to("<b@example.org>").run())
                .contains("rcpt 550 5.7.1 <MX.example.org>: Helo command rejected: You are not me");
        assertThat(new Policies.Transaction(c, new FakeChecks()).helo("[192.0.2.25]").to("<b@example.org>").run())
                .contains("rcpt 550 5.7.1 <[192.0.2.25]>: Helo command rejected: You are not me");
        assertThat(new Policies.Transaction(c, new FakeChecks()).helo("[198.51.100.7]").to("<b@example.org>").run())
                .contains("rcpt 550 5.7.1 <[198.51.100.7]>: Helo command rejected: Address literal");
        assertThat(new Policies.Transaction(c, checks).helo("h.example.net").to("<b@example.org>").run())
                .contains("rcpt 550 5.7.23 SPF check failed:");
    }

    @Test
    void calloutOutcomesAreAskedOncePerAddress() {
        PolicyConfig c = config(dir, "", "<stage name=\"rcpt\">"
                + "<rule action=\"reject\" reason=\"null-mx-sender\"><callout outcome=\"null-mx\"/></rule>"
                + "<rule action=\"reject\" reason=\"unverified-sender\"><callout address=\"sender\" outcome=\"rejected\"/></rule>"
                + "<rule action=\"defer\" reason=\"callout-tempfail\"><callout outcome=\"tempfail\"/></rule>"
                + "<rule action=\"reject\" reason=\"unknown-recipient\"><recipient domain=\"partner.example\"/>"
                + "<callout address=\"recipient\" outcome=\"rejected\"/></rule></stage>");
        FakeChecks checks = new FakeChecks().callout("alice@sender.example", CalloutResult.REJECTED);
        Policies.Transaction t = new Policies.Transaction(c, checks).to("<bob@example.org>", "<carol@example.org>");
        assertThat(t.run()).contains("rcpt 550 5.1.7 <alice@sender.example>: Sender address rejected: undeliverable address");
        assertThat(checks.calloutAsked).hasValue(1);

        FakeChecks nullMx = new FakeChecks().callout("a@nullmx.example", CalloutResult.NULL_MX);
        assertThat(new Policies.Transaction(c, nullMx).from("<a@nullmx.example>").to("<bob@example.org>").run())
                .contains("rcpt 550 5.7.27 <a@nullmx.example>: Sender address rejected: domain accepts no mail (null MX)");

        FakeChecks rcpt = new FakeChecks().callout("nobody@partner.example", CalloutResult.REJECTED);
        assertThat(new Policies.Transaction(c, rcpt).to("<nobody@partner.example>").run())
                .contains("rcpt 550 5.1.1 <nobody@partner.example>: Recipient address rejected: User unknown");
    }

    @Test
    void aFailingCheckIsATemporaryFailureNeverARejection() {
        PolicyConfig c = config(dir, "", "<stage name=\"rcpt\"><rule action=\"reject\"><spf result=\"fail\"/></rule></stage>");
        FakeChecks checks = new FakeChecks();
        checks.failure = new IllegalStateException("resolver exploded");
        Policies.Transaction t = new Policies.Transaction(c, checks).to("<bob@example.org>");
        assertThat(t.run()).contains("rcpt 451 4.3.0 Temporary server error, try again later");
        assertThat(t.last(Stage.RCPT).trace()).anyMatch(l -> l.contains("resolver exploded"));
    }

    @Test
    void tagWarnContinueAndAcceptKeepTheirPlaces() {
        PolicyConfig c = config(dir, "", "<stage name=\"connect\"><rule action=\"tag\" label=\"from-docnet\">"
                + "<client-address cidr=\"198.51.100.0/24\"/></rule></stage>"
                + "<stage name=\"rcpt\">"
                + "<rule name=\"note\" action=\"warn\" text=\"postmaster mail\" reason=\"policy-reject\"><recipient local-part=\"postmaster\"/></rule>"
                + "<rule action=\"continue\"><recipient local-part=\"postmaster\"/></rule>"
                + "<rule action=\"accept\"><recipient local-part=\"postmaster\"/></rule>"
                + "<rule action=\"reject\" description=\"Too many recipients\"><recipient-count above=\"1\"/></rule>"
                + "</stage>");
        Policies.Transaction t = tx(c).to("<Postmaster@example.org>", "<b@example.org>");
        assertThat(t.run()).containsExactly("connect pass", "helo pass", "mail pass", "rcpt pass",
                "rcpt 550 5.7.1 Too many recipients", "data pass");
        Verdict first = t.verdicts.get(3);
        assertThat(first.answer()).isEqualTo(Verdict.Answer.PERMIT);
        assertThat(first.tags()).containsExactly("from-docnet");
        assertThat(first.warnings()).containsExactly("rule 'note' (policy.xml:4): postmaster mail (would answer 550 5.7.1 postmaster mail)");
    }

    @Test
    void senderConditions() {
        PolicyConfig c = config(dir, "", "<stage name=\"mail\">"
                + "<rule action=\"reject\" description=\"null\"><sender null=\"true\"/></rule>"
                + "<rule action=\"reject\" description=\"exact\"><sender address=\"Spam@Bad.example\"/></rule>"
                + "<rule action=\"reject\" description=\"domain\"><sender domain=\"@bad.example\"/></rule>"
                + "<rule action=\"reject\" description=\"tree\"><sender domain-tree=\"worse.example\"/></rule>"
                + "<rule action=\"reject\" description=\"local and domain\"><sender local-part=\"root\" domain=\"example.com\"/></rule>"
                + "<rule action=\"reject\" description=\"regex\"><sender regex=\"^[0-9]+@\"/></rule>"
                + "<rule action=\"reject\" description=\"routing\"><sender routing=\"true\"/></rule>"
                + "</stage>");
        String[][] cases = {
            {"<>", "null"}, {"<spam@bad.example>", "exact"}, {"<other@bad.example>", "domain"},
            {"<x@sub.bad.example>", null}, {"<x@worse.example>", "tree"}, {"<x@a.b.worse.example>", "tree"},
            {"<root@example.com>", "local and domain"}, {"<root@example.net>", null}, {"<12345@example.net>", "regex"},
            {"<a%b@example.net>", "routing"},
        };
        for (String[] k : cases) {
            List<String> out = tx(c).from(k[0]).to("<bob@example.org>").run();
            assertThat(out.get(3)).as(k[0]).isEqualTo(k[1] == null ? "rcpt pass" : "rcpt 550 5.7.1 " + k[1]);
        }
    }

    @Test
    void clientNameAndAuthenticationConditions() {
        PolicyConfig c = config(dir, "", "<stage name=\"rcpt\">"
                + "<rule action=\"accept\"><authenticated users=\"alice\"/></rule>"
                + "<rule action=\"reject\" description=\"no auth for you\"><authenticated/></rule>"
                + "<rule action=\"reject\" description=\"unknown\"><client-name unknown=\"true\"/></rule>"
                + "<rule action=\"reject\" description=\"dynamic\"><client-name regex=\"(^|[.-])dyn(amic)?[.-]\"/></rule>"
                + "<rule action=\"reject\" description=\"any-of\"><any-of><client-name domain=\"a.example\"/>"
                + "<not><client-name domain-tree=\"example.net\"/></not></any-of></rule>"
                + "</stage>");
        assertThat(tx(c).auth("alice").to("<b@example.org>").run().get(3)).isEqualTo("rcpt pass");
        assertThat(tx(c).auth("mallory").to("<b@example.org>").run().get(3)).isEqualTo("rcpt 550 5.7.1 no auth for you");
        assertThat(tx(c).to("<b@example.org>").run().get(3)).isEqualTo("rcpt 550 5.7.1 unknown");
        assertThat(tx(c).name("host-1.dyn.isp.example").to("<b@example.org>").run().get(3)).isEqualTo("rcpt 550 5.7.1 dynamic");
        assertThat(tx(c).name("a.example").to("<b@example.org>").run().get(3)).isEqualTo("rcpt 550 5.7.1 any-of");
        assertThat(tx(c).name("mail.example.net").to("<b@example.org>").run().get(3)).isEqualTo("rcpt pass");
    }

    @Test
    void everyDecisionCarriesItsTrace() {
        PolicyConfig c = config(dir, "", "");
        Policies.Transaction t = tx(c).to("<x@elsewhere.example>");
        t.run();
        assertThat(t.last(Stage.RCPT).trace()).containsExactly(
                "relay rule 'permit-my-networks' (default relay rules): no match",
                "relay rule 'permit-relay-allowed' (default relay rules): no match",
                "relay rule 'permit-authenticated' (default relay rules): no match",
                "relay rule 'permit-auth-destination' (default relay rules): no match",
                "relay rule 'reject-unauth-destination' (default relay rules): always -> reject 550 5.7.1 <x@elsewhere.example>: Relay access denied");
    }
}
