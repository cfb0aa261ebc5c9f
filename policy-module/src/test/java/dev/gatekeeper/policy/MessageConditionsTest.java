package dev.gatekeeper.policy;

import static dev.gatekeeper.policy.Policies.config;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatekeeper.dkim.DkimSettings;
import dev.gatekeeper.dkim.ArcTestSealer;
import dev.gatekeeper.dkim.DkimVerifier;
import dev.gatekeeper.dkim.Rfc8463Example;
import dev.gatekeeper.dmarc.DmarcEvaluator;
import dev.gatekeeper.dmarc.MessageAuthentication;
import dev.gatekeeper.dmarc.MessageAuthenticator;
import dev.gatekeeper.dmarc.SpfEvidence;
import dev.gatekeeper.dns.TxtRecord;
import dev.gatekeeper.dns.ZoneResolver;
import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code <dkim>} and {@code <dmarc>}: decided at the end of DATA on what the real engines say of
 * RFC 8463's example message (signed with Ed25519 and RSA by football.example.com), as received
 * and as forged, under a DMARC record of p=reject or p=quarantine.
 */
class MessageConditionsTest {

    @TempDir
    Path dir;

    private static final String RULES = "<stage name=\"data\">"
            + "<rule name=\"dmarc-reject\" action=\"reject\" reason=\"dmarc-reject\"><dmarc result=\"fail\" policy=\"reject\"/></rule>"
            + "<rule name=\"dmarc-quarantine\" action=\"tag\" label=\"quarantine\"><dmarc policy=\"quarantine\"/></rule>"
            + "<rule name=\"unsigned\" action=\"tag\" label=\"unsigned\"><dkim result=\"none\"/></rule>"
            + "<rule name=\"football\" action=\"tag\" label=\"football\"><dkim result=\"pass\" domain=\"example.com\"/></rule>"
            + "<rule name=\"other-signer\" action=\"tag\" label=\"other\"><dkim result=\"pass\" domain=\"example.org\"/></rule>"
            + "<rule name=\"no-chain\" action=\"tag\" label=\"no-arc\"><arc result=\"none\"/></rule>"
            + "<rule name=\"trusted-list\" action=\"tag\" label=\"trusted-list\"><arc result=\"pass\" sealer=\"lists.example.org\"/></rule>"
            + "</stage>";

    private static MessageAuthentication authenticate(String message, String dmarcRecord) throws Exception {
        ZoneResolver zone = Rfc8463Example.zone().add("_dmarc.football.example.com", TxtRecord.of(dmarcRecord)).build();
        MessageAuthenticator a = new MessageAuthenticator(
                new DkimVerifier(zone, DkimSettings.builder().clock(Rfc8463Example.CLOCK).build()), DmarcEvaluator.builder(zone).build());
        return a.authenticate(new ByteArrayInputStream(Rfc8463Example.bytes(message)), SpfEvidence.of("sender.example", "pass"))
                .toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private Policies.Transaction transaction(FakeChecks checks) {
        return new Policies.Transaction(config(dir, "", RULES), checks).to("<bob@shopping.example.net>");
    }

    @Test
    void signedMailFromItsDomainPassesAndIsTaggedBySigner() throws Exception {
        FakeChecks checks = new FakeChecks();
        checks.message = authenticate(Rfc8463Example.MESSAGE, "v=DMARC1; p=reject");
        Policies.Transaction t = transaction(checks);
        assertThat(t.run()).last().isEqualTo("data pass");
        assertThat(t.last(Stage.DATA).tags()).containsExactlyInAnyOrder("football", "no-arc");
        assertThat(t.last(Stage.DATA).trace().toString()).contains("dkim dkim=pass");
        assertThat(checks.messageAsked).hasValue(1);
    }

    @Test
    void aForgedMessageIsRefusedWithTheDomainsPolicyInTheReply() throws Exception {
        FakeChecks checks = new FakeChecks();
        checks.message = authenticate(Rfc8463Example.MESSAGE.replace("We lost", "We won"), "v=DMARC1; p=reject");
        assertThat(transaction(checks).run()).last()
                .isEqualTo("data 550 5.7.26 Unauthenticated mail from football.example.com is refused by its domain's DMARC policy");
    }

    @Test
    void aQuarantinePolicyIsTaggedNotRefused() throws Exception {
        FakeChecks checks = new FakeChecks();
        checks.message = authenticate(Rfc8463Example.MESSAGE.replace("We lost", "We won"), "v=DMARC1; p=quarantine");
        Policies.Transaction t = transaction(checks);
        assertThat(t.run()).last().isEqualTo("data pass");
        assertThat(t.last(Stage.DATA).tags()).containsExactlyInAnyOrder("quarantine", "no-arc");
        assertThat(t.last(Stage.DATA).trace().toString()).contains("dmarc=fail (p=quarantine dis=quarantine)");
    }

    @Test
    void anUnsignedMessageMatchesResultNoneOnly() throws Exception {
        FakeChecks checks = new FakeChecks();
        checks.message = authenticate(Rfc8463Example.HEADERS + "\r\n" + Rfc8463Example.BODY, "v=DMARC1; p=none");
        Policies.Transaction t = transaction(checks);
        assertThat(t.run()).last().isEqualTo("data pass");
        assertThat(t.last(Stage.DATA).tags()).containsExactlyInAnyOrder("unsigned", "no-arc");
    }

    @Test
    void messageConditionsStandAtDataOnlyAndSayWhy() {
        assertThatThrownBy(() -> config(dir, "", "<stage name=\"rcpt\"><rule action=\"reject\"><dmarc result=\"fail\"/></rule></stage>"))
                .hasMessageContaining("not known yet at the rcpt stage (the message is known at data only)");
        assertThatThrownBy(() -> config(dir, "", "<stage name=\"data\"><rule action=\"reject\"><dmarc/></rule></stage>"))
                .hasMessageContaining("says nothing to match");
        assertThatThrownBy(() -> config(dir, "", "<stage name=\"data\"><rule action=\"reject\"><dkim result=\"passed\"/></rule></stage>"))
                .hasMessageContaining("unknown DKIM result 'passed'");
        assertThatThrownBy(() -> config(dir, "", "<stage name=\"data\"><rule action=\"reject\"><dmarc policy=\"block\"/></rule></stage>"))
                .hasMessageContaining("unknown DMARC policy 'block' (none quarantine reject)");
        assertThatThrownBy(() -> config(dir, "", "<stage name=\"data\"><rule action=\"reject\"><dkim result=\"none\" domain=\"a.example\"/></rule></stage>"))
                .hasMessageContaining("no signing domain");
        assertThatThrownBy(() -> config(dir, "", "<stage name=\"data\"><rule action=\"accept\"><arc result=\"valid\"/></rule></stage>"))
                .hasMessageContaining("unknown ARC result 'valid' (none pass fail temperror)");
        assertThatThrownBy(() -> config(dir, "", "<stage name=\"mail\"><rule action=\"accept\"><arc result=\"pass\"/></rule></stage>"))
                .hasMessageContaining("the message is known at data only");
    }

    @Test
    void aPolicyWithoutMessageConditionsNeverAsksForTheMessage() {
        FakeChecks checks = new FakeChecks();
        new Policies.Transaction(config(dir, "", "<stage name=\"data\"><rule action=\"tag\" label=\"x\"><recipient-count above=\"5\"/></rule></stage>"),
                checks).to("<bob@shopping.example.net>").run();
        assertThat(checks.messageAsked).hasValue(0);
    }

    /** A list that rewrote the subject and sealed what it forwarded; the forwarders an admin trusts in a table file. */
    @Test
    void aSealerInTheTrustedForwardersTableMatches() throws Exception {
        ArcTestSealer list = ArcTestSealer.ed25519("lists.example.org", "arc", new byte[32]);
        String relayed = Rfc8463Example.MESSAGE.replace("Subject: Is dinner ready?", "Subject: [football] Is dinner ready?");
        String sealed = list.seal(relayed, "none", "lists.example.org; dkim=pass header.d=football.example.com",
                "from:to:subject:date:message-id");
        ZoneResolver zone = list.publish(Rfc8463Example.zone())
                .add("_dmarc.football.example.com", TxtRecord.of("v=DMARC1; p=reject")).build();
        MessageAuthenticator a = new MessageAuthenticator(
                new DkimVerifier(zone, DkimSettings.builder().clock(Rfc8463Example.CLOCK).build()), DmarcEvaluator.builder(zone).build());
        FakeChecks checks = new FakeChecks();
        checks.message = a.authenticate(new ByteArrayInputStream(Rfc8463Example.bytes(sealed)), SpfEvidence.of("lists.example.org", "pass"))
                .toCompletableFuture().get(10, TimeUnit.SECONDS);
        java.nio.file.Files.writeString(dir.resolve("forwarders"), "# trusted forwarders\n.example.org OK\n");
        String rules = "<table name=\"forwarders\" type=\"domain\" file=\"forwarders\"/>"
                + "<stage name=\"data\">"
                + "<rule name=\"trusted-list\" action=\"accept\"><arc result=\"pass\" table=\"forwarders\"/></rule>"
                + "<rule name=\"dmarc-reject\" action=\"reject\" reason=\"dmarc-reject\"><dmarc result=\"fail\" policy=\"reject\"/></rule>"
                + "</stage>";
        Policies.Transaction t = new Policies.Transaction(config(dir, "", rules), checks).to("<bob@shopping.example.net>");
        assertThat(checks.message.dmarc().outcome().keyword()).isEqualTo("fail");
        assertThat(t.run()).last().isEqualTo("data pass");
        assertThat(t.last(Stage.DATA).trace().toString()).contains("arc sealer lists.example.org in table forwarders");

        java.nio.file.Files.writeString(dir.resolve("forwarders"), "# nobody\n");
        FakeChecks again = new FakeChecks();
        again.message = checks.message;
        assertThat(new Policies.Transaction(config(dir, "", rules), again).to("<bob@shopping.example.net>").run()).last()
                .asString().startsWith("data 550 5.7.26");
    }
}
