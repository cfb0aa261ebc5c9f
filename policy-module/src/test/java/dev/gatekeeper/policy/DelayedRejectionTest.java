package dev.gatekeeper.policy;

import static dev.gatekeeper.policy.Policies.await;
import static dev.gatekeeper.policy.Policies.line;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatekeeper.dns.ZoneResolver;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Delayed rejection decides connect, HELO and MAIL rules that wait for later data again at RCPT,
 * as Postfix's {@code smtpd_delay_reject} evaluates {@code permit_sasl_authenticated} in
 * {@code smtpd_client_restrictions} at RCPT. Without delayed rejection such a rule is a start-up
 * error naming file and line.
 */
class DelayedRejectionTest {

    /** Postfix: smtpd_client_restrictions = permit_sasl_authenticated, check_client_access cidr:blocked. */
    private static final String ROAMING = "<table name=\"blocked\" type=\"cidr\" file=\"blocked.cidr\"/>\n"
            + "<stage name=\"connect\">\n"
            + "<rule name=\"blocked\" action=\"reject\" description=\"Client host rejected: authenticate first\">"
            + "<not><authenticated/></not><client-address table=\"blocked\"/></rule>\n"
            + "</stage>";
    private static final String REFUSED = "rcpt 550 5.7.1 Client host rejected: authenticate first";
    /** In blocked.cidr. */
    private static final String LISTED = "198.51.100.7";
    private static final String UNLISTED = "203.0.113.5";

    @TempDir
    Path dir;

    private PolicyConfig config(String attrs, String body) {
        Policies.write(dir, "blocked.cidr", "# dynamic ranges\n198.51.100.0/24\n192.0.2.9\n");
        return Policies.config(dir, attrs, body);
    }

    private PolicyConfig roaming() {
        return config("", ROAMING);
    }

    private static Policies.Transaction tx(PolicyConfig c) {
        return new Policies.Transaction(c, new FakeChecks());
    }

    private static PolicySession session(PolicyConfig c, String ip) {
        PolicySession s = PolicyEngine.create(c, new FakeChecks(), ZoneResolver.builder().build())
                .openSession(ClientFacts.of(Policies.ip(ip), null, false));
        await(s.connect());
        await(s.helo("client.example.net"));
        return s;
    }

    private static String rcpt(PolicySession s, String recipient) {
        return line(await(s.rcpt(recipient)));
    }

    @Test
    void aListedClientThatDidNotAuthenticateIsRefusedAtRcpt() {
        Policies.Transaction t = tx(roaming()).ip(LISTED).to("<bob@example.org>", "<carol@example.org>");
        assertThat(t.run()).containsExactly("connect pass", "helo pass", "mail pass", REFUSED, REFUSED, "data pass");
        Verdict connect = t.verdicts.get(0);
        assertThat(connect.answer()).isEqualTo(Verdict.Answer.DUNNO);
        assertThat(connect.held()).as("nothing is decided at connect, so nothing is held").isEmpty();
        assertThat(connect.trace()).containsExactly(
                "connect rule 'blocked' (policy.xml:6): the SMTP AUTH user is not known yet (known from mail on)"
                        + " and client 198.51.100.7 in table blocked at blocked.cidr:2: 198.51.100.0/24 -> decided at RCPT",
                "connect: rule 'blocked' (policy.xml:6) and the rules after it are decided at each RCPT, with what is known"
                        + " then (delay-reject)");
        assertThat(t.last(Stage.RCPT).trace()).containsExactly(
                "connect at rcpt rule 'blocked' (policy.xml:6): not(authenticated) and client 198.51.100.7 in table blocked"
                        + " at blocked.cidr:2: 198.51.100.0/24 -> reject 550 5.7.1 Client host rejected: authenticate first");
    }

    @Test
    void aListedClientThatAuthenticatedIsAcceptedAndMayRelay() {
        Policies.Transaction t = tx(roaming()).ip(LISTED).auth("alice").to("<friend@elsewhere.example>", "<bob@example.org>");
        assertThat(t.run()).containsExactly("connect pass", "helo pass", "mail pass", "rcpt pass", "rcpt pass", "data pass");
        Verdict relayed = t.verdicts.get(3);
        assertThat(relayed.relayGranted()).isTrue();
        assertThat(relayed.trace()).startsWith(
                "connect at rcpt rule 'blocked' (policy.xml:6): no match",
                "connect at rcpt: no rule decided",
                "relay rule 'permit-my-networks' (default relay rules): no match");
        assertThat(relayed.trace()).contains("relay rule 'permit-authenticated' (default relay rules): authenticated as alice -> accept");
    }

    @Test
    void anUnlistedClientIsDecidedAtConnectAsBefore() {
        Policies.Transaction t = tx(roaming()).ip(UNLISTED).to("<bob@example.org>");
        assertThat(t.run()).containsExactly("connect pass", "helo pass", "mail pass", "rcpt pass", "data pass");
        assertThat(t.verdicts.get(0).trace()).containsExactly("connect rule 'blocked' (policy.xml:6): no match", "connect: no rule decided");
        assertThat(t.last(Stage.RCPT).trace()).noneMatch(l -> l.startsWith("connect"));
    }

    @Test
    void eachTransactionGetsAFreshDecisionAfterAuthAndAfterRset() {
        PolicySession s = session(roaming(), LISTED);
        await(s.mail("<alice@example.org>"));
        assertThat(rcpt(s, "<bob@example.org>")).isEqualTo(REFUSED);
        s.reset();
        s.authenticated("alice");
        await(s.mail("<alice@example.org>"));
        assertThat(rcpt(s, "<bob@example.org>")).isEqualTo("rcpt pass");
        assertThat(rcpt(s, "<friend@elsewhere.example>")).isEqualTo("rcpt pass");
        // A new MAIL without RSET starts a new transaction too; the user stays authenticated.
        await(s.mail("<alice@example.org>"));
        assertThat(rcpt(s, "<bob@example.org>")).isEqualTo("rcpt pass");

        PolicySession other = session(roaming(), LISTED);
        await(other.mail("<alice@example.org>"));
        assertThat(rcpt(other, "<bob@example.org>")).isEqualTo(REFUSED);
        other.reset();
        await(other.mail("<alice@example.org>"));
        assertThat(rcpt(other, "<bob@example.org>")).as("still not authenticated after RSET").isEqualTo(REFUSED);
    }

    @Test
    void aRuleThatWaitsForNothingIsHeldForTheConnectionAsBefore() {
        PolicyConfig c = config("", "<table name=\"blocked\" type=\"cidr\" file=\"blocked.cidr\"/>"
                + "<stage name=\"connect\"><rule action=\"reject\" description=\"Client host rejected\">"
                + "<client-address table=\"blocked\"/></rule></stage>");
        assertThat(tx(c).ip(LISTED).auth("alice").to("<bob@example.org>").run()).containsExactly(
                "connect pass (held: 550 5.7.1 Client host rejected)", "helo pass (held: 550 5.7.1 Client host rejected)",
                "mail pass (held: 550 5.7.1 Client host rejected)", "rcpt 550 5.7.1 Client host rejected", "data pass");
    }

    @Test
    void conditionsOnDataTheStageKnewKeepTheirAnswerSoARateCountsOncePerConnection() {
        // Postfix: smtpd_client_restrictions = permit_sasl_authenticated, then a connection rate limit.
        PolicyConfig c = config("", "<stage name=\"connect\">"
                + "<rule name=\"users\" action=\"accept\"><authenticated/></rule>"
                + "<rule name=\"rate\" action=\"defer\" reason=\"rate-limited\">"
                + "<rate key=\"client-address\" measure=\"connections\" limit=\"1\" per=\"1h\"/></rule></stage>");
        PolicyEngine engine = PolicyEngine.create(c, new FakeChecks(), ZoneResolver.builder().build());
        PolicySession first = engine.openSession(ClientFacts.of(Policies.ip(LISTED), null, false));
        await(first.connect());
        await(first.helo("client.example.net"));
        for (int transaction = 0; transaction < 3; transaction++) {
            await(first.mail("<alice@example.org>"));
            assertThat(rcpt(first, "<bob@example.org>")).isEqualTo("rcpt pass");
            assertThat(rcpt(first, "<carol@example.org>")).as("the connection is counted once").isEqualTo("rcpt pass");
        }
        PolicySession second = engine.openSession(ClientFacts.of(Policies.ip(LISTED), null, false));
        await(second.connect());
        await(second.helo("client.example.net"));
        await(second.mail("<alice@example.org>"));
        assertThat(rcpt(second, "<bob@example.org>")).matches("rcpt 450 4\\.7\\.1 Rate limit exceeded, try again in \\d+ seconds");
        PolicySession user = engine.openSession(ClientFacts.of(Policies.ip(LISTED), null, false));
        await(user.connect());
        await(user.helo("client.example.net"));
        user.authenticated("alice");
        await(user.mail("<alice@example.org>"));
        assertThat(rcpt(user, "<bob@example.org>")).as("the user is let through before the rate").isEqualTo("rcpt pass");
    }

    @Test
    void anAcceptThatWaitsEndsItsOwnStageOnlyAndNeverAcceptsTheRcpt() {
        PolicyConfig c = config("", "<table name=\"blocked\" type=\"cidr\" file=\"blocked.cidr\"/>"
                + "<stage name=\"connect\">"
                + "<rule name=\"guests\" action=\"accept\"><client-address table=\"blocked\"/><not><authenticated/></not></rule>"
                + "<rule name=\"no-users-from-there\" action=\"reject\" description=\"Not from there\"><client-address table=\"blocked\"/></rule>"
                + "</stage>");
        Policies.Transaction guest = tx(c).ip(LISTED).to("<bob@example.org>", "<friend@elsewhere.example>");
        assertThat(guest.run()).containsExactly("connect pass", "helo pass", "mail pass", "rcpt pass",
                "rcpt 550 5.7.1 <friend@elsewhere.example>: Relay access denied", "data pass");
        assertThat(guest.verdicts.get(0).answer()).as("nothing is accepted at connect").isEqualTo(Verdict.Answer.DUNNO);
        assertThat(guest.verdicts.get(3).answer()).as("the connect accept does not accept the RCPT").isEqualTo(Verdict.Answer.DUNNO);
        assertThat(guest.verdicts.get(3).trace()).contains("connect at rcpt rule 'guests' (policy.xml:4): client 198.51.100.7 in table"
                + " blocked at blocked.cidr:2: 198.51.100.0/24 and not(authenticated) -> accept");
        assertThat(tx(c).ip(LISTED).auth("alice").to("<bob@example.org>").run()).contains("rcpt 550 5.7.1 Not from there");
    }

    @Test
    void continueWarnAndTagThatWait() {
        PolicyConfig c = config("", "<table name=\"blocked\" type=\"cidr\" file=\"blocked.cidr\"/>"
                + "<stage name=\"connect\">"
                + "<rule name=\"users\" action=\"continue\"><authenticated/></rule>"
                + "<rule name=\"guest\" action=\"tag\" label=\"guest\"><not><authenticated/></not></rule>"
                + "<rule name=\"dynamic\" action=\"warn\" text=\"from a dynamic range\"><client-address table=\"blocked\"/></rule>"
                + "</stage>");
        Policies.Transaction guest = tx(c).ip(LISTED).to("<bob@example.org>");
        assertThat(guest.run()).containsExactly("connect pass", "helo pass", "mail pass", "rcpt pass", "data pass");
        assertThat(guest.verdicts.get(0).trace()).startsWith(
                "connect rule 'users' (policy.xml:4): the SMTP AUTH user is not known yet (known from mail on) -> continue",
                "connect rule 'guest' (policy.xml:4): the SMTP AUTH user is not known yet (known from mail on) -> decided at RCPT");
        assertThat(guest.verdicts.get(0).tags()).isEmpty();
        assertThat(guest.verdicts.get(0).warnings()).isEmpty();
        Verdict r = guest.last(Stage.RCPT);
        assertThat(r.tags()).containsExactly("guest");
        assertThat(r.warnings()).containsExactly("rule 'dynamic' (policy.xml:4): from a dynamic range");

        Policies.Transaction user = tx(c).ip(LISTED).auth("alice").to("<bob@example.org>");
        user.run();
        assertThat(user.last(Stage.RCPT).tags()).isEmpty();
        assertThat(user.last(Stage.RCPT).warnings()).containsExactly("rule 'dynamic' (policy.xml:4): from a dynamic range");
        assertThat(user.last(Stage.DATA).tags()).isEmpty();
    }

    @Test
    void aDisconnectAfterAWaitingRuleIsGivenAtRcpt() {
        PolicyConfig c = config("", ROAMING.replace("</stage>", "<rule action=\"disconnect\" description=\"Go away\">"
                + "<client-address cidr=\"198.51.100.7\"/></rule></stage>"));
        Policies.Transaction t = tx(c).ip(LISTED).auth("alice").to("<bob@example.org>");
        assertThat(t.run()).contains("connect pass", "rcpt 421 4.7.0 Go away, closing connection");
        assertThat(t.last(Stage.RCPT).answer()).isEqualTo(Verdict.Answer.DISCONNECT);
    }

    @Test
    void softBounceAndWarnOnlyApplyToTheDecisionAtRcpt() {
        Policies.Transaction soft = tx(config("soft-bounce=\"true\"", ROAMING)).ip(LISTED).to("<bob@example.org>");
        assertThat(soft.run()).contains("rcpt 450 4.7.1 Client host rejected: authenticate first");
        assertThat(soft.last(Stage.RCPT).answer()).isEqualTo(Verdict.Answer.DEFER);

        // 192.0.2.9 is listed and in my-networks: warn-only warns and the relay rules still let it relay.
        Policies.Transaction warn = tx(config("warn-only=\"true\"", ROAMING)).ip("192.0.2.9").to("<friend@elsewhere.example>");
        assertThat(warn.run()).containsExactly("connect pass", "helo pass", "mail pass", "rcpt pass", "data pass");
        Verdict r = warn.last(Stage.RCPT);
        assertThat(r.warnings()).containsExactly("warn-only: would answer 550 5.7.1 Client host rejected: authenticate first at rcpt");
        assertThat(r.relayGranted()).isTrue();
    }

    @Test
    void heloAndMailRulesWaitForLaterDataToo() {
        PolicyConfig c = config("hostname=\"mx.example.org\"", "<stage name=\"helo\">"
                + "<rule name=\"claims-to-be-us\" action=\"reject\" reason=\"bad-helo\" description=\"You are not me\">"
                + "<not><my-networks/></not><not><authenticated/></not><helo ours=\"true\"/></rule></stage>"
                + "<stage name=\"mail\"><rule name=\"no-carol\" action=\"reject\" description=\"Not to carol\">"
                + "<sender domain=\"sender.example\"/><recipient local-part=\"carol\"/></rule></stage>");
        assertThat(tx(c).helo("mx.example.org").to("<bob@example.org>").run())
                .contains("rcpt 550 5.7.1 <mx.example.org>: Helo command rejected: You are not me");
        assertThat(tx(c).helo("mx.example.org").auth("alice").to("<bob@example.org>").run()).contains("rcpt pass");
        assertThat(tx(c).helo("client.example.net").to("<bob@example.org>", "<carol@example.org>", "<dave@example.org>").run())
                .containsExactly("connect pass", "helo pass", "mail pass", "rcpt pass", "rcpt 550 5.7.1 Not to carol", "rcpt pass",
                        "data pass");
        assertThat(tx(c).helo("client.example.net").from("<alice@other.example>").to("<carol@example.org>").run())
                .contains("rcpt pass");
    }

    @Test
    void earlierStagesAnswerRcptInProtocolOrder() {
        PolicyConfig c = config("", ROAMING + "<stage name=\"helo\"><rule action=\"reject\" description=\"Bad HELO\">"
                + "<helo domain=\"bad.example\"/></rule></stage>");
        assertThat(tx(c).ip(LISTED).helo("bad.example").to("<bob@example.org>").run()).contains(REFUSED);
        assertThat(tx(c).ip(LISTED).helo("bad.example").auth("alice").to("<bob@example.org>").run())
                .contains("rcpt 550 5.7.1 Bad HELO");
    }

    @Test
    void aConditionAtAStageThatCannotKnowItsDataIsAnErrorWithoutDelayedRejection() {
        assertThatThrownBy(() -> config("delay-reject=\"false\"", ROAMING))
                .isInstanceOf(PolicyConfigException.class)
                .hasMessage("policy.xml:6: <authenticated>: not known yet at the connect stage (the SMTP AUTH user is known from"
                        + " mail on); with delay-reject=\"true\" its rule would be decided again at RCPT");
        assertThat(config("", ROAMING).rules(Stage.CONNECT)).hasSize(1);
    }

    @ParameterizedTest(name = "{0} at {1}")
    @CsvSource(delimiter = '|', value = {
        "<authenticated/>                                       | connect | the SMTP AUTH user is known from mail on",
        "<authenticated users=\"alice\"/>                       | helo    | the SMTP AUTH user is known from mail on",
        "<helo domain=\"a.example\"/>                           | connect | the HELO name is known from helo on",
        "<spf identity=\"helo\" result=\"fail\"/>               | connect | the HELO name is known from helo on",
        "<sender domain=\"a.example\"/>                         | connect | the sender is known from mail on",
        "<sender null=\"true\"/>                                | helo    | the sender is known from mail on",
        "<spf result=\"fail\"/>                                 | helo    | the sender is known from mail on",
        "<callout outcome=\"rejected\"/>                        | connect | the sender is known from mail on",
        "<recipient domain=\"a.example\"/>                      | mail    | the recipient is known at rcpt only",
        "<callout address=\"recipient\" outcome=\"rejected\"/>  | helo    | the recipient is known at rcpt only",
        "<authorized-destination/>                              | connect | the recipient is known at rcpt only",
        "<local-destination/>                                   | mail    | the recipient is known at rcpt only",
        "<recipient-count above=\"5\"/>                         | mail    | the recipient count is known from rcpt on",
        "<condition class=\"dev.gatekeeper.policy.DelayedRejectionTest$SenderListed\"/> | helo | what sender-listed reads is known from mail on",
    })
    void everyConditionOnLaterDataIsRefusedWithoutDelayNamingFileAndLine(String condition, String stage, String known) {
        String body = "<stage name=\"" + stage + "\">\n<rule action=\"reject\">\n<not>\n" + condition + "\n</not>\n</rule>\n</stage>";
        String tag = condition.substring(1, condition.indexOf(condition.contains(" ") ? ' ' : '/'));
        assertThatThrownBy(() -> config("delay-reject=\"false\"", body))
                .isInstanceOf(PolicyConfigException.class)
                .hasMessage("policy.xml:7: <" + tag + ">: not known yet at the " + stage + " stage (" + known
                        + "); with delay-reject=\"true\" its rule would be decided again at RCPT");
        assertThat(config("", body).rules(Stage.fromKeyword(stage))).as("decided again at RCPT with delay-reject").hasSize(1);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "<recipient domain=\"a.example\"/>                      | <recipient>: not known at the data stage (the recipient is known at rcpt only)",
        "<callout address=\"recipient\" outcome=\"rejected\"/>  | <callout>: not known at the data stage (the recipient is known at rcpt only)",
        "<local-destination/>                                   | <local-destination>: not known at the data stage (the recipient is known at rcpt only)",
    })
    void aRecipientAtTheEndOfDataIsAnErrorEitherWay(String condition, String message) {
        String body = "<stage name=\"data\"><rule action=\"reject\">" + condition + "</rule></stage>";
        for (String attrs : List.of("", "delay-reject=\"false\"")) {
            assertThatThrownBy(() -> config(attrs, body)).hasMessage("policy.xml:4: " + message);
        }
    }

    @Test
    void aRateIsNeverDecidedLaterItsKeyMustBeKnownWhereItCounts() {
        String body = "<stage name=\"connect\"><rule action=\"defer\" reason=\"rate-limited\">"
                + "<rate key=\"authenticated-user\" measure=\"connections\" limit=\"10\" per=\"1h\"/></rule></stage>";
        for (String attrs : List.of("", "delay-reject=\"false\"")) {
            assertThatThrownBy(() -> config(attrs, body))
                    .hasMessage("policy.xml:4: <rate>: key authenticated-user is not known at the connect stage");
        }
    }

    @Test
    void anExtensionDeclaresWhereItsDataIsKnown() {
        String body = "<stage name=\"connect\"><rule action=\"reject\" description=\"Listed sender\">"
                + "<condition class=\"dev.gatekeeper.policy.DelayedRejectionTest$SenderListed\"/></rule></stage>";
        PolicyConfig c = config("", body);
        assertThat(tx(c).from("<spammer@sender.example>").to("<bob@example.org>").run())
                .containsExactly("connect pass", "helo pass", "mail pass", "rcpt 550 5.7.1 Listed sender", "data pass");
        assertThat(tx(c).to("<bob@example.org>").run()).contains("rcpt pass");
    }

    /** An extension that reads the sender, and says so. */
    public static final class SenderListed implements PolicyConditionFactory {
        @Override
        public String name() {
            return "sender-listed";
        }

        @Override
        public PolicyCondition create(ExtensionConfig config) {
            return new PolicyCondition() {
                @Override
                public CompletionStage<Boolean> test(PolicyContext context) {
                    return CompletableFuture.completedFuture(context.sender().map(s -> s.localPart().equals("spammer")).orElse(false));
                }

                @Override
                public String describe() {
                    return "sender-listed";
                }

                @Override
                public Stage knownFrom() {
                    return Stage.MAIL;
                }
            };
        }
    }
}
