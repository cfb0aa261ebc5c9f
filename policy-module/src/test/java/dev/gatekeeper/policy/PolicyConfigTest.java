package dev.gatekeeper.policy;

import static dev.gatekeeper.policy.Policies.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatekeeper.callout.CalloutResult;
import dev.gatekeeper.spf.SpfResult;
import java.io.StringReader;
import java.net.URISyntaxException;
import java.nio.file.Path;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.w3c.dom.Element;
import org.xml.sax.InputSource;

class PolicyConfigTest {

    @TempDir
    Path dir;

    static Path example() {
        try {
            return Path.of(PolicyConfigTest.class.getResource("/policy/gatekeeper-policy.xml").toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private PolicyConfig load(String xml) {
        return PolicyConfig.load(write(dir, "p.xml", xml));
    }

    @Test
    void defaultsArePinned() {
        PolicyConfig c = load("<policy/>");
        assertThat(c.delayReject()).isTrue();
        assertThat(c.warnOnly()).isFalse();
        assertThat(c.softBounce()).isFalse();
        assertThat(c.relayEnabled()).isTrue();
        assertThat(c.hostname()).isEmpty();
        assertThat(c.localDomains()).isEmpty();
        assertThat(c.relayRules()).extracting(r -> r.name).containsExactly("permit-my-networks", "permit-relay-allowed",
                "permit-authenticated", "permit-auth-destination", "reject-unauth-destination");
        for (Stage s : Stage.values()) {
            assertThat(c.rules(s)).isEmpty();
        }
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource(delimiter = '|', value = {
        "<policy>\\n<rules/>\\n</policy>| p.xml:2: unknown element <rules> in <policy> (known: relay, table, dnsbl, reply, stage)",
        "<policy delay=\"true\"/>| p.xml:1: unknown attribute 'delay' on <policy>",
        "<policy warn-only=\"yes\"/>| p.xml:1: warn-only is 'true' or 'false', not 'yes'",
        "<policy delay-reject=\"false\"><stage name=\"helo\"><rule action=\"reject\"><sender domain=\"x\"/></rule></stage></policy>| <sender>: not known yet at the helo stage (the sender is known from mail on)",
        "<policy delay-reject=\"false\"><stage name=\"mail\"><rule action=\"reject\"><recipient domain=\"x\"/></rule></stage></policy>| <recipient>: not known yet at the mail stage",
        "<policy><stage name=\"data\"><rule action=\"reject\"><recipient domain=\"x\"/></rule></stage></policy>| <recipient>: not known at the data stage",
        "<policy><stage name=\"rcpt\"><rule action=\"reject\" code=\"450\"/></stage></policy>| reject needs a 5xx reply, not 450 (use defer for 4xx)",
        "<policy><stage name=\"rcpt\"><rule action=\"reject\" code=\"250\"/></stage></policy>| reply code 250 is not a 4xx or 5xx code",
        "<policy><stage name=\"rcpt\"><rule action=\"reject\" enhanced=\"4.7.1\"/></stage></policy>| enhanced code 4.7.1 does not match reply code 550",
        "<policy><stage name=\"rcpt\"><rule action=\"reject\" text=\"hi ${who}\"/></stage></policy>| unknown variable ${who}",
        "<policy><stage name=\"rcpt\"><rule action=\"accept\" text=\"hi\"/></stage></policy>| attribute 'text' does not go with action=\"accept\"",
        "<policy><stage name=\"rcpt\"><rule action=\"maybe\"/></stage></policy>| unknown action 'maybe'",
        "<policy><stage name=\"rcpt\"><rule><sender domain=\"x\"/></rule></stage></policy>| has no action and no table",
        "<policy><stage name=\"rcpt\"><rule action=\"reject\"><sender table=\"nope\"/></rule></stage></policy>| no table named 'nope'",
        "<policy><stage name=\"rcpt\"><rule action=\"reject\"><sender/></rule></stage></policy>| <sender>: says nothing to match",
        "<policy><stage name=\"rcpt\"><rule action=\"reject\"><sender colour=\"red\"/></rule></stage></policy>| unknown attribute 'colour' on <sender>",
        "<policy><stage name=\"rcpt\"><rule action=\"reject\"><spf result=\"failed\"/></rule></stage></policy>| unknown SPF result 'failed'",
        "<policy><stage name=\"rcpt\"><rule action=\"reject\"><callout outcome=\"maybe\"/></rule></stage></policy>| unknown callout outcome 'maybe'",
        "<policy><stage name=\"rcpt\"><rule action=\"reject\"><client-address cidr=\"10.0.0.1/8\"/></rule></stage></policy>| has host bits set",
        "<policy><stage name=\"rcpt\"><rule action=\"reject\"><frobnicate/></rule></stage></policy>| unknown condition <frobnicate>",
        "<policy><stage name=\"rcpt\"/><stage name=\"rcpt\"/></policy>| stage 'rcpt' given more than once",
        "<policy><stage name=\"quit\"/></policy>| unknown stage 'quit'",
        "<policy><reply reason=\"spf-fail\">550 4.7.23 x</reply></policy>| reply 'spf-fail': enhanced code 4.7.23 does not match reply code 550",
        "<policy><reply reason=\"nonsense\">550 x</reply></policy>| unknown reason 'nonsense'",
        "<policy><stage name=\"rcpt\"><rule action=\"tag\"/></stage></policy>| action=\"tag\" needs label",
        "<policy><stage name=\"rcpt\"><rule action=\"reject\"><condition class=\"java.lang.String\"/></rule></stage></policy>| java.lang.String does not implement dev.gatekeeper.policy.PolicyConditionFactory",
        "<policy><stage name=\"rcpt\"><rule action=\"reject\"><condition type=\"dnsbl\"/></rule></stage></policy>| no PolicyConditionFactory named 'dnsbl'",
    })
    void refusesMistakesNamingThePlace(String xml, String message) {
        assertThatThrownBy(() -> load(xml.replace("\\n", "\n"))).isInstanceOf(PolicyConfigException.class)
                .hasMessageContaining(message.strip());
    }

    @Test
    void aTableFileErrorNamesTheTableFileAndLine() {
        write(dir, "bad.cidr", "192.0.2.0/24 OK\nnot-an-address REJECT\n");
        assertThatThrownBy(() -> load("<policy>\n<table name=\"t\" type=\"cidr\" file=\"bad.cidr\"/>\n</policy>"))
                .hasMessageStartingWith("p.xml:2: table 't': ")
                .hasMessageEndingWith("bad.cidr:2: 'not-an-address' is not an IP address or network");
        write(dir, "d.txt", "example.com OK\n");
        assertThatThrownBy(() -> load("<policy><table name=\"t\" type=\"domain\" file=\"d.txt\"/><stage name=\"connect\">"
                + "<rule><client-address table=\"t\"/></rule></stage></policy>"))
                .hasMessageContaining("table 't' is of type domain; <client-address> needs cidr");
    }

    @Test
    void refusesDoctypesSoNoExternalEntityIsEverRead() {
        write(dir, "secret.txt", "secret");
        String xml = "<?xml version=\"1.0\"?>\n<!DOCTYPE policy [<!ENTITY x SYSTEM \"file://" + dir.resolve("secret.txt")
                + "\">]>\n<policy hostname=\"&x;\"/>";
        assertThatThrownBy(() -> load(xml)).isInstanceOf(PolicyConfigException.class).hasMessageContaining("DOCTYPE");
    }

    @Test
    void aDomWithoutLineNumbersIsNamedByPath() throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        Element root = f.newDocumentBuilder().parse(new InputSource(new StringReader(
                "<handler><policy><stage name=\"rcpt\"><rule action=\"accept\"/><rule name=\"x\" action=\"oops\"/></stage></policy></handler>")))
                .getDocumentElement();
        Element policy = (Element) root.getElementsByTagName("policy").item(0);
        assertThatThrownBy(() -> PolicyConfig.parse(policy, dir))
                .hasMessageStartingWith("policy: handler/policy[1]/stage[name=rcpt]/rule[name=x]: rule 'x': unknown action 'oops'");
        Element good = f.newDocumentBuilder().parse(new InputSource(new StringReader(
                "<policy soft-bounce=\"true\"><stage name=\"rcpt\"><rule action=\"accept\"/></stage></policy>"))).getDocumentElement();
        assertThat(PolicyConfig.parse(good, dir).softBounce()).isTrue();
    }

    @Test
    void theExampleFileLoadsAndBehaves() {
        PolicyConfig c = PolicyConfig.load(example());
        assertThat(c.hostname()).isEqualTo("mx.example.org");

        assertThat(new Policies.Transaction(c, new FakeChecks()).ip("198.51.100.200").to("<bob@example.org>").run())
                .contains("rcpt 550 5.7.1 Client host rejected: listed as a source of spam");
        assertThat(new Policies.Transaction(c, new FakeChecks()).ip("203.0.113.66").to("<bob@example.org>").run())
                .contains("rcpt 450 4.7.1 Client host rejected: try again later");
        assertThat(new Policies.Transaction(c, new FakeChecks()).helo("localhost").to("<bob@example.org>").run())
                .contains("rcpt 550 5.7.1 <localhost>: Helo command rejected: localhost is not a name on the internet");
        assertThat(new Policies.Transaction(c, new FakeChecks()).helo("mx.example.org").to("<bob@example.org>").run())
                .contains("rcpt 550 5.7.1 <mx.example.org>: Helo command rejected: You are not me");
        assertThat(new Policies.Transaction(c, new FakeChecks()).from("<spammer@example.com>").to("<bob@example.org>").run())
                .contains("rcpt 550 5.7.1 Sender address rejected: spammer@example.com is not welcome");
        assertThat(new Policies.Transaction(c, new FakeChecks()).from("<x@a.spam.example>").to("<bob@example.org>").run())
                .contains("rcpt 550 5.7.1 Access denied");
        assertThat(new Policies.Transaction(c, new FakeChecks()).to("<bob@sub.example.org>", "<x@elsewhere.example>").run())
                .contains("rcpt pass", "rcpt 550 5.7.1 <x@elsewhere.example>: Relay access denied");

        FakeChecks spf = new FakeChecks().mailFrom(SpfResult.FAIL, "see http://spf.example/why");
        assertThat(new Policies.Transaction(c, spf).to("<bob@example.org>", "<postmaster@example.org>").run()).containsExactly(
                "connect pass", "helo pass", "mail pass",
                "rcpt 550 5.7.23 SPF check failed for alice@sender.example from 198.51.100.7: see http://spf.example/why",
                "rcpt pass", "data pass");

        FakeChecks tempfail = new FakeChecks().callout("alice@sender.example", CalloutResult.TEMPFAIL);
        assertThat(new Policies.Transaction(c, tempfail).to("<bob@example.org>").run())
                .contains("rcpt 450 4.1.7 <alice@sender.example>: Sender address rejected: address verification in progress, try again later");

        Policies.Transaction softfail = new Policies.Transaction(c, new FakeChecks().mailFrom(SpfResult.SOFTFAIL, "")).to("<bob@example.org>");
        assertThat(softfail.run()).contains("rcpt pass");
        assertThat(softfail.last(Stage.RCPT).warnings()).singleElement().asString()
                .contains("SPF softfail (would answer 451 4.7.23 SPF check soft-failed, try again later)");
    }
}
