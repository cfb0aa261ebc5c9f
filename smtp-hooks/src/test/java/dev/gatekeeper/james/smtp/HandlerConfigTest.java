package dev.gatekeeper.james.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatekeeper.james.common.ForgedAuthenticationResults;
import dev.gatekeeper.policy.SmtpReply;
import dev.gatekeeper.policy.Stage;
import dev.gatekeeper.reputation.DnsListSettings;
import dev.gatekeeper.reputation.GreylistSettings;
import dev.gatekeeper.state.StateSettings;
import java.io.StringReader;
import java.time.Duration;
import org.apache.commons.configuration2.XMLConfiguration;
import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.commons.configuration2.io.FileHandler;
import org.junit.jupiter.api.Test;

class HandlerConfigTest {

    private static final String POLICY = "<policy><relay enabled='false'/></policy>";

    /** Reads a handler element the way James hands it over: an XMLConfiguration of the element. */
    static XMLConfiguration xml(String handlerBody) throws ConfigurationException {
        XMLConfiguration config = new XMLConfiguration();
        new FileHandler(config).load(new StringReader(
                "<handler class='dev.gatekeeper.james.smtp.GatekeeperHandler'>" + handlerBody + "</handler>"));
        return config;
    }

    @Test
    void readsEverySectionAndPinsTheDefaults() throws Exception {
        HandlerConfig c = HandlerConfig.read(xml(
                "<dns><servers>127.0.0.153:53, 127.0.0.154</servers><timeout>2s</timeout></dns>"
                        + "<spf><timeBudget>10s</timeBudget></spf>"
                        + "<callout><port>2526</port><overallTimeout>12s</overallTimeout></callout>"
                        + POLICY));
        assertThat(c.engines.dns().servers()).map(a -> a.getAddress().getHostAddress() + ":" + a.getPort())
                .containsExactly("127.0.0.153:53", "127.0.0.154:53");
        assertThat(c.engines.dns().timeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(c.engines.spf().timeBudget()).isEqualTo(Duration.ofSeconds(10));
        assertThat(c.engines.spf().configuredReceiver()).isEmpty();
        assertThat(c.engines.callout().port()).isEqualTo(2526);
        assertThat(c.engines.callout().overallTimeout()).isEqualTo(Duration.ofSeconds(12));
        assertThat(c.authservId).isEmpty();
        assertThat(c.forgedAuthenticationResults).isEqualTo(ForgedAuthenticationResults.Handling.REMOVE);
        assertThat(c.internalError).hasToString("451 4.3.0 Temporary server error, try again later");
        assertThat(c.rewrites).isEmpty();
        assertThat(c.waitLimit).isEqualTo(Duration.ofSeconds(17));
        assertThat(c.policy.relayEnabled()).isFalse();
        assertThat(c.clientNameLookup).isTrue();
        assertThat(c.clientNameTimeout).isEqualTo(Duration.ofSeconds(5));
        assertThat(c.calloutWait).isEqualTo(Duration.ofSeconds(2));
        assertThat(c.spfWait).isEqualTo(Duration.ofSeconds(10));
        HandlerConfig waits = HandlerConfig.read(xml("<calloutWait>500ms</calloutWait><spfWait> 3s </spfWait>" + POLICY));
        assertThat(waits.calloutWait).isEqualTo(Duration.ofMillis(500));
        assertThat(waits.spfWait).isEqualTo(Duration.ofSeconds(3));
        assertThat(c.engines.state()).isEqualTo(StateSettings.defaults());
        HandlerConfig redis = HandlerConfig.read(xml("<state><store>redis</store><redis.uri>redis://127.0.0.1:6390</redis.uri>"
                + "<redis.key-prefix>mx1:</redis.key-prefix></state>" + POLICY));
        assertThat(redis.engines.state()).isEqualTo(StateSettings.parse(java.util.Map.of(
                "store", "redis", "redis.uri", "redis://127.0.0.1:6390", "redis.key-prefix", "mx1:")));
        assertThat(redis.engines.state().keyPrefix()).isEqualTo("mx1:");
        HandlerConfig off = HandlerConfig.read(xml("<clientName><lookup>false</lookup><timeout>2s</timeout></clientName>" + POLICY));
        assertThat(off.clientNameLookup).isFalse();
        assertThat(off.clientNameTimeout).isEqualTo(Duration.ofSeconds(2));
        assertThat(c.dnsLists).isEqualTo(DnsListSettings.defaults());
        assertThat(c.greylist).isEqualTo(GreylistSettings.defaults());
        HandlerConfig reputation = HandlerConfig.read(xml("<dnsLists><timeout>3s</timeout><fetchTxt>false</fetchTxt></dnsLists>"
                + "<greylist><delay>2s</delay><ipv4Prefix>32</ipv4Prefix></greylist>" + POLICY));
        assertThat(reputation.dnsLists.timeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(reputation.dnsLists.fetchTxt()).isFalse();
        assertThat(reputation.greylist.delay()).isEqualTo(Duration.ofSeconds(2));
        assertThat(reputation.greylist.ipv4Prefix()).isEqualTo(32);
    }

    @Test
    void defaultWaitIsTheLongerEngineBudgetPlusMargin() throws Exception {
        // SPF 20 s (RFC 7208 §4.6.4), callout 30 s: 35 s.
        assertThat(HandlerConfig.read(xml(POLICY)).waitLimit).isEqualTo(Duration.ofSeconds(35));
    }

    @Test
    void readsAPolicyFile(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path file = dir.resolve("p.xml");
        java.nio.file.Files.writeString(file, "<policy soft-bounce='true'/>");
        HandlerConfig c = HandlerConfig.read(xml("<policy file='" + file + "'/>"));
        assertThat(c.policy.softBounce()).isTrue();
    }

    @Test
    void readsRewritesAndInternalError() throws Exception {
        HandlerConfig c = HandlerConfig.read(xml(POLICY
                + "<authservId>mx.example.org</authservId>"
                + "<forgedAuthenticationResults> Rename </forgedAuthenticationResults>"
                + "<internalError>421 4.3.0 Sorry</internalError>"
                + "<rewrite><match stage='rcpt' code='550' text='relaying denied'/>"
                + "<replace code='554' enhanced='5.7.1' text='We do not relay'/></rewrite>"));
        assertThat(c.authservId).contains("mx.example.org");
        assertThat(c.forgedAuthenticationResults).isEqualTo(ForgedAuthenticationResults.Handling.RENAME);
        assertThat(c.internalError).hasToString("421 4.3.0 Sorry");
        assertThat(c.rewrites).hasSize(1);
        assertThat(c.rewrites.get(0).apply(Stage.RCPT,
                SmtpReply.parse("550 5.7.1 Requested action not taken: relaying denied")))
                .map(SmtpReply::toString).contains("554 5.7.1 We do not relay");
    }

    @Test
    void everyWrongSettingIsRefusedByName() {
        assertRefused("<dns><bogus>1</bogus></dns>" + POLICY, "Gatekeeper handler in smtpserver.xml: <dns>: unknown setting 'bogus'");
        assertRefused("<dns><timeout>soon</timeout></dns>" + POLICY, "Gatekeeper handler in smtpserver.xml: <dns>: ");
        assertRefused("<spf><timeBudget>-1s</timeBudget></spf>" + POLICY, "Gatekeeper handler in smtpserver.xml: <spf>: ");
        assertRefused("<callout><port>70000</port></callout>" + POLICY, "Gatekeeper handler in smtpserver.xml: <callout>: ");
        assertRefused("<clientName><lookup>yes</lookup></clientName>" + POLICY,
                "Gatekeeper handler in smtpserver.xml: <clientName>: lookup: 'yes' is neither true nor false");
        assertRefused("<clientName><timeout>0s</timeout></clientName>" + POLICY,
                "Gatekeeper handler in smtpserver.xml: <clientName>: timeout: '0s' is not positive");
        assertRefused("<clientName><ptr>1</ptr></clientName>" + POLICY,
                "Gatekeeper handler in smtpserver.xml: <clientName>: unknown setting 'ptr'");
        assertRefused("<calloutWait>0s</calloutWait>" + POLICY, "Gatekeeper handler in smtpserver.xml: <calloutWait>: '0s' is not positive");
        assertRefused("<spfWait>soon</spfWait>" + POLICY, "Gatekeeper handler in smtpserver.xml: <spfWait>: ");
        assertRefused("<state><store>redis</store></state>" + POLICY,
                "Gatekeeper handler in smtpserver.xml: <state>: store=redis needs redis.uri (redis://host:6379)");
        assertRefused("<state><redis.urn>x</redis.urn></state>" + POLICY,
                "Gatekeeper handler in smtpserver.xml: <state>: unknown setting 'redis.urn'");
        assertRefused("<dnsLists><timeout>2m</timeout></dnsLists>" + POLICY, "Gatekeeper handler in smtpserver.xml: <dnsLists>: ");
        assertRefused("<greylist><dely>2s</dely></greylist>" + POLICY,
                "Gatekeeper handler in smtpserver.xml: <greylist>: unknown setting 'dely'");
        assertRefused("<polcy/>" + POLICY, "Gatekeeper handler in smtpserver.xml: unknown element <polcy>");
        assertRefused("", "Gatekeeper handler in smtpserver.xml: <policy>: missing");
        assertRefused("<policy><stage name='nope'/></policy>", "Gatekeeper handler in smtpserver.xml: <policy>: ");
        assertRefused("<policy file='/nonexistent/gatekeeper-policy.xml'/>", "Gatekeeper handler in smtpserver.xml: <policy>: ");
        assertRefused(POLICY + "<forgedAuthenticationResults>keep</forgedAuthenticationResults>",
                "Gatekeeper handler in smtpserver.xml: <forgedAuthenticationResults>: 'keep' is neither remove nor rename");
        assertRefused(POLICY + "<internalError>550 5.3.0 No</internalError>",
                "Gatekeeper handler in smtpserver.xml: <internalError>: '550 5.3.0 No' must be a 4xx reply");
        assertRefused(POLICY + "<internalError>451 5.3.0 No</internalError>",
                "Gatekeeper handler in smtpserver.xml: <internalError>: enhanced code 5.3.0 does not match reply code 451");
        assertRefused(POLICY + "<rewrite><match code='550'/><replace code='450' enhanced='5.7.1'/></rewrite>",
                "Gatekeeper handler in smtpserver.xml: <rewrite> #1: enhanced code 5.7.1 does not match reply code 450");
        assertRefused(POLICY + "<rewrite><match code='550'/></rewrite>",
                "Gatekeeper handler in smtpserver.xml: <rewrite> #1: a rewrite needs at least one of code, enhanced, text to replace");
        assertRefused(POLICY + "<rewrite><match stage='quit'/><replace text='x'/></rewrite>",
                "Gatekeeper handler in smtpserver.xml: <rewrite> #1: unknown stage 'quit'");
        assertRefused(POLICY + "<rewrite><match text='('/><replace text='x'/></rewrite>",
                "Gatekeeper handler in smtpserver.xml: <rewrite> #1: text pattern: ");
        assertRefused(POLICY + "<rewrite><match cod='550'/><replace text='x'/></rewrite>",
                "Gatekeeper handler in smtpserver.xml: <rewrite> #1: unknown setting 'match[@cod]'");
        assertRefused(POLICY + "<rewrite><match code='250'/><replace text='x'/></rewrite>",
                "Gatekeeper handler in smtpserver.xml: <rewrite> #1: code '250' is not a 4xx or 5xx reply code");
    }

    /** What an administrator greps James's log for: the file, the element and the value, in one line. */
    @Test
    void aWrongValueIsNamedWithItsFileElementAndValue(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        assertMessage("<spf><timeBudget>soon</timeBudget></spf>" + POLICY, "Gatekeeper handler in smtpserver.xml: <spf>:"
                + " timeBudget: 'soon' is not a duration (500ms, 5s, 15m, 1h, 1d, PT5S)");
        assertMessage("<spf><explanationTimeout>0s</explanationTimeout></spf>" + POLICY,
                "Gatekeeper handler in smtpserver.xml: <spf>: explanationTimeout: '0s' is not positive");
        assertMessage("<dns><retries>many</retries></dns>" + POLICY,
                "Gatekeeper handler in smtpserver.xml: <dns>: retries: 'many' is not a whole number");
        assertMessage("<callout><port>70000</port></callout>" + POLICY,
                "Gatekeeper handler in smtpserver.xml: <callout>: port: '70000' is outside 1..65535");
        assertMessage("<clientName><timeout>0s</timeout></clientName>" + POLICY,
                "Gatekeeper handler in smtpserver.xml: <clientName>: timeout: '0s' is not positive");
        assertMessage("<spfWait>soon</spfWait>" + POLICY,
                "Gatekeeper handler in smtpserver.xml: <spfWait>: 'soon' is not a duration (500ms, 5s, 15m, 1h, 1d, PT5S)");
        assertMessage("<authservId>mx example</authservId>" + POLICY,
                "Gatekeeper handler in smtpserver.xml: <authservId>: 'mx example' is not a host name (RFC 8601 §2.5)");
        assertMessage("<dns><timeout>2m</timeout></dns>" + POLICY,
                "Gatekeeper handler in smtpserver.xml: <dns>: timeout: '2m' is more than 1m");
        java.nio.file.Path policy = dir.resolve("gatekeeper-policy.xml");
        java.nio.file.Files.writeString(policy, "<policy>\n  <stage name='mail'>\n"
                + "    <rule action='reject' reason='no-such-reason'><my-networks/></rule>\n  </stage>\n</policy>\n");
        assertThatThrownBy(() -> HandlerConfig.read(xml("<policy file='" + policy + "'/>")))
                .hasMessageStartingWith("Gatekeeper handler in smtpserver.xml: <policy>: ")
                .hasMessageContaining("gatekeeper-policy.xml:3")
                .hasMessageContaining("no-such-reason");
    }

    @Test
    void dmarcReportsAreOffUnlessAskedForAndABadValueIsRefused() throws Exception {
        assertThat(HandlerConfig.read(xml(POLICY)).dmarc.reports()).isFalse();
        assertThat(HandlerConfig.read(xml("<dmarc><reports>true</reports></dmarc>" + POLICY)).dmarc.reports()).isTrue();
        assertThatThrownBy(() -> HandlerConfig.read(xml("<dmarc><reports>maybe</reports></dmarc>" + POLICY)))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("reports").hasMessageContaining("maybe");
    }

    private static void assertMessage(String body, String message) {
        assertThatThrownBy(() -> HandlerConfig.read(xml(body))).isInstanceOf(ConfigurationException.class)
                .hasMessage(message);
    }

    private static void assertRefused(String body, String messageStart) {
        assertThatThrownBy(() -> HandlerConfig.read(xml(body)))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageStartingWith(messageStart);
    }
}
