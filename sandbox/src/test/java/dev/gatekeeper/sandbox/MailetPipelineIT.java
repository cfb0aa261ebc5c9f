package dev.gatekeeper.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatekeeper.callout.ScriptedPeer;
import dev.gatekeeper.dns.LoopbackDnsServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Gatekeeper's mailets and matchers in the real James, with conf/mailetcontainer.xml as shipped
 * (only the engines pointed at the test's loopback DNS server and peer). The mails come in
 * without a verdict, as from a relay in front of James: SpfCheck and CalloutVerify decide in the
 * pipeline. Four senders, one per path: SPF fail to the quarantine repository, a sender its own
 * mail server refuses bounced with 5.1.7, SPF softfail delivered with a tag header, SPF pass
 * delivered; nothing lost, nothing twice.
 */
class MailetPipelineIT {

    private static final String ALICE = "alice@gatekeeper.test";
    private static final String DAVE = "dave@gatekeeper.test";
    private static final String PASSWORD = "secret";
    /** WebAdmin names a repository by its path without the protocol (memory://var/mail/...). */
    private static final String QUARANTINE = "var/mail/gatekeeper-quarantine";
    private static final String ERROR = "var/mail/error";
    private static final String RELAYED = "var/mail/relayed";
    private static final String RELAY_DENIED = "var/mail/relay-denied";
    private static final String RELAYER = "relayer@gatekeeper.test";
    /** The clients: SPF records below allow 127.0.0.0/24 and nothing else. */
    private static final InetAddress INSIDE = JamesSandbox.loopback("127.0.0.21");
    private static final Duration DELIVERY = Duration.ofSeconds(30);

    @RegisterExtension
    static final SandboxFixture SANDBOX = SandboxFixture.forTest(MailetPipelineIT.class);

    private static LoopbackDnsServer dns;
    private static ScriptedPeer peer;
    private static JamesSandbox james;
    private static MailRepositories repositories;

    @BeforeAll
    static void boot() throws Exception {
        peer = SANDBOX.add(ScriptedPeer.on("127.0.0.81").reply("RCPT TO:<dave@", "550 5.1.1 <dave@gatekeeper.test>: no such user here").start());
        dns = SANDBOX.dns(String.join("\n",
                "$TTL 60",
                "spf-fail.test. TXT \"v=spf1 ip4:192.0.2.0/24 -all\"",
                "spf-soft.test. TXT \"v=spf1 ip4:192.0.2.0/24 ~all\"",
                "spf-soft.test. MX 10 mx.peer.test.",
                "spf-pass.test. TXT \"v=spf1 ip4:127.0.0.0/24 -all\"",
                "spf-pass.test. MX 10 mx.peer.test.",
                "gatekeeper.test. TXT \"v=spf1 ip4:127.0.0.0/24 -all\"",
                "gatekeeper.test. MX 10 mx.peer.test.",
                "mx.peer.test. A 127.0.0.81",
                ""), "mailet-it.zone");
        Path conf = testConf(SANDBOX.beside("-conf"));
        // The drop-in jar as a plain extension jar: conf/'s Gatekeeper SMTP hooks are left out, the
        // mails come in without a verdict and the mailets decide.
        james = SANDBOX.start(JamesSandbox.builder()
                .workDir(SANDBOX.workDir())
                .confDir(conf)
                .user(ALICE, PASSWORD)
                .user(DAVE, PASSWORD)
                .user(RELAYER, PASSWORD)
                .extensionJar(TestFiles.dropInJar()));
        repositories = new MailRepositories(james);
    }

    /**
     * conf/ as shipped, with the Gatekeeper mailets told where the test's DNS server and peer are:
     * engine settings are plain mailet parameters, so this is all an administrator changes too.
     */
    static Path testConf(Path dir) throws IOException {
        TestFiles.confCopy(dir, Map.of());
        Path mc = dir.resolve("mailetcontainer.xml");
        String xml = Files.readString(mc);
        String edited = xml
                .replace("<dns.servers>127.0.0.153:53</dns.servers>", "<dns.servers>" + dns.hostPort() + "</dns.servers>")
                .replace("<callout.port>25</callout.port>", "<callout.port>" + peer.port() + "</callout.port>")
                .replace("<callout.checkRandom>true</callout.checkRandom>", "<callout.checkRandom>false</callout.checkRandom>");
        assertThat(edited).as("conf/mailetcontainer.xml names the sandbox's DNS server and peers' port")
                .doesNotContain("<dns.servers>127.0.0.153:53<").doesNotContain("<callout.port>25<").contains("<callout.port>" + peer.port() + "<");
        // A test-only rule beside the shipped ones: James's And over two Gatekeeper matchers, one
        // of which matches some recipients only, so James splits the mail.
        Files.writeString(dir.resolve("vip.access"), "alice@gatekeeper.test\n");
        String anchor = "<mailet match=\"gatekeeper-received\" class=\"dev.gatekeeper.james.mailets.AddGatekeeperHeaders\"/>";
        assertThat(edited).contains(anchor);
        edited = edited.replace(anchor, String.join("\n",
                "<matcher name=\"vip-softfail\" match=\"org.apache.james.mailetcontainer.impl.matchers.And\">",
                "    <matcher match=\"dev.gatekeeper.james.matchers.RecipientInTable=file://conf/vip.access\"/>",
                "    <matcher match=\"dev.gatekeeper.james.matchers.SpfResultIs=softfail evaluate=false\"/>",
                "</matcher>",
                "<mailet match=\"vip-softfail\" class=\"SetMimeHeader\"><name>X-Vip-Softfail</name><value>yes</value></mailet>",
                anchor));
        // RelayAllowedByPolicy in place of James's relay-allowed composite, with a policy stricter
        // than James (relay only from 127.0.0.22, even for authenticated users); relayed mail is
        // kept in a repository instead of going out.
        Files.writeString(dir.resolve("relay-policy.xml"), String.join("\n",
                "<policy>",
                "  <relay>",
                "    <my-networks>127.0.0.22/32</my-networks>",
                "    <local-domains>gatekeeper.test</local-domains>",
                "    <rule name=\"trusted\" action=\"accept\"><my-networks/></rule>",
                "    <rule name=\"ours\" action=\"accept\"><authorized-destination/></rule>",
                "    <rule name=\"rest\" action=\"reject\" reason=\"relay-denied\"/>",
                "  </relay>",
                "</policy>", ""));
        String jamesRelay = "<matcher match=\"SMTPAuthSuccessful\"/>\\s*<matcher match=\"SMTPIsAuthNetwork\"/>";
        String remote = "(?s)<mailet match=\"All\" class=\"RemoteDelivery\">.*?</mailet>";
        assertThat(Pattern.compile(jamesRelay).matcher(edited).find()).as("James's relay-allowed composite").isTrue();
        assertThat(Pattern.compile(remote).matcher(edited).find()).as("RemoteDelivery").isTrue();
        edited = edited.replaceFirst(jamesRelay,
                        "<matcher match=\"dev.gatekeeper.james.matchers.RelayAllowedByPolicy=file://conf/relay-policy.xml\"/>")
                .replaceFirst(remote, "<mailet match=\"All\" class=\"ToRepository\"><repositoryPath>" + "memory://"
                        + RELAYED + "/</repositoryPath></mailet>");
        Files.writeString(mc, edited);
        return dir;
    }

    private static void send(String sender, String subject, String... recipients) {
        try (SmtpClient smtp = james.smtpClientFrom(INSIDE)) {
            smtp.ehlo("relay.example");
            assertThat(smtp.mailFrom(sender).lastLine()).isEqualTo("250 2.1.0 Sender <" + sender + "> OK");
            for (String rcpt : recipients.length == 0 ? new String[] {ALICE} : recipients) {
                assertThat(smtp.rcptTo(rcpt).lastLine()).isEqualTo("250 2.1.5 Recipient <" + rcpt + "> OK");
            }
            assertThat(smtp.data("From: " + sender + "\r\nTo: " + ALICE + "\r\nSubject: " + subject
                    + "\r\nMessage-ID: <" + subject + "@relay.example>\r\n\r\n" + subject + " body\r\n").lastLine())
                    .isEqualTo("250 2.6.0 Message received");
            smtp.quit();
        }
    }

    private static String get(String path, String accept) throws Exception {
        return repositories.get(path, accept);
    }

    private static List<String> repositoryKeys(String repository) throws Exception {
        return repositories.keys(repository);
    }

    private static List<String> awaitRepository(String repository, int count) throws Exception {
        return repositories.await(repository, count);
    }

    @Test
    void eachVerdictTakesItsPathAndNoMailIsLostOrDuplicated() throws Exception {
        send("mallory@spf-fail.test", "spf-fail");
        send(DAVE, "callout-rejected");
        send("carol@spf-soft.test", "spf-softfail", ALICE, DAVE);
        send("erin@spf-pass.test", "spf-pass");

        // SPF fail: in the quarantine repository, with the Received-SPF that SpfCheck wrote.
        List<String> quarantined = awaitRepository(QUARANTINE, 1);
        assertThat(quarantined).hasSize(1);
        String path = repositories.mail(QUARANTINE, quarantined.get(0));
        assertThat(get(path, "application/json")).contains("\"sender\":\"mallory@spf-fail.test\"");
        assertThat(get(path, "message/rfc822"))
                .contains("Received-SPF: fail (mx.gatekeeper.test: domain of mallory@spf-fail.test does not designate"
                        + " 127.0.0.21 as permitted sender)")
                .contains("Subject: spf-fail");

        // Callout rejected: a DSN in the sender's mailbox, the mail itself gone. Dave also has his
        // copy of the softfail mail, without the header the VIP rule gave Alice's copy.
        assertThat(james.awaitInboxMessageCount(DAVE, 2, DELIVERY)).isEqualTo(2);
        List<String> daves = james.readInbox(DAVE, PASSWORD, 2, DELIVERY);
        assertThat(daves).hasSize(2);
        String dsn = daves.stream().filter(m -> m.contains("Subject: Undelivered Mail Returned to Sender")).findFirst().orElseThrow();
        String davesSoft = daves.stream().filter(m -> m.contains("Subject: spf-softfail")).findFirst().orElseThrow();
        assertThat(davesSoft).contains("X-Gatekeeper-Suspect: spf-softfail").doesNotContain("X-Vip-Softfail");
        assertThat(dsn).contains("Subject: Undelivered Mail Returned to Sender")
                .contains("multipart/report").contains("report-type=delivery-status")
                .contains("Content-Type: message/delivery-status")
                .contains("Reporting-MTA: dns; gatekeeper.test")
                .contains("Final-Recipient: rfc822; alice@gatekeeper.test\r\nAction: failed\r\nStatus: 5.1.7\r\n"
                        + "Diagnostic-Code: smtp; 550 5.1.7 Sender address rejected: undeliverable address")
                .contains("Reason: The mail server of the sender's domain refused the sender's address")
                .contains("Content-Type: text/rfc822-headers").contains("Subject: callout-rejected");
        assertThat(peer.commands("RCPT TO:")).contains("RCPT TO:<dave@gatekeeper.test>");

        // Softfail and pass: delivered, the softfail tagged, both with the verdict headers.
        assertThat(james.awaitInboxMessageCount(ALICE, 2, DELIVERY)).isEqualTo(2);
        List<String> alices = james.readInbox(ALICE, PASSWORD, 2, DELIVERY);
        assertThat(alices).hasSize(2);
        String soft = alices.stream().filter(m -> m.contains("Subject: spf-softfail")).findFirst().orElseThrow();
        String pass = alices.stream().filter(m -> m.contains("Subject: spf-pass")).findFirst().orElseThrow();
        assertThat(soft).contains("X-Vip-Softfail: yes").contains("X-Gatekeeper-Suspect: spf-softfail").contains("X-Gatekeeper-SPF: mailfrom=softfail")
                .contains("X-Gatekeeper-Callout: sender=accepted").contains("Received-SPF: softfail (");
        assertThat(pass).doesNotContain("X-Gatekeeper-Suspect").doesNotContain("X-Vip-Softfail").contains("X-Gatekeeper-SPF: mailfrom=pass")
                .contains("X-Gatekeeper-Callout: sender=accepted")
                .contains("Received-SPF: pass (mx.gatekeeper.test: domain of erin@spf-pass.test designates 127.0.0.21 as permitted sender)");

        // Nothing lost or twice: 4 mails, 5 recipients = 1 quarantined + 1 bounced (its DSN to Dave)
        // + 3 delivered (softfail to Alice and Dave, pass to Alice); nothing in the error repository.
        assertThat(repositoryKeys(QUARANTINE)).hasSize(1);
        assertThat(james.inboxMessageCount(DAVE)).isEqualTo(2);
        assertThat(james.inboxMessageCount(ALICE)).isEqualTo(2);
        assertThat(repositoryKeys(ERROR)).isEmpty();
    }

    private static void relay(InetAddress from, String recipient) {
        try (SmtpClient smtp = james.smtpClientFrom(from)) {
            smtp.ehlo("laptop.example");
            assertThat(smtp.authPlain(RELAYER, PASSWORD).lastLine()).isEqualTo("235 Authentication Successful");
            assertThat(smtp.mailFrom(RELAYER).lastLine()).isEqualTo("250 2.1.0 Sender <" + RELAYER + "> OK");
            assertThat(smtp.rcptTo(recipient).lastLine()).isEqualTo("250 2.1.5 Recipient <" + recipient + "> OK");
            assertThat(smtp.data("From: " + RELAYER + "\r\nTo: " + recipient + "\r\nSubject: to " + recipient
                    + "\r\n\r\nbody\r\n").lastLine()).isEqualTo("250 2.6.0 Message received");
            smtp.quit();
        }
    }

    /** The policy's relay rules decide in transport, with the SMTP AUTH fact James recorded on the mail. */
    @Test
    void relayRulesOfThePolicyReplaceJamesRelayAllowed() throws Exception {
        relay(JamesSandbox.loopback("127.0.0.22"), "far@trusted-route.example");
        relay(INSIDE, "far@untrusted-route.example");

        List<String> relayed = awaitRepository(RELAYED, 1);
        assertThat(relayed).hasSize(1);
        assertThat(get("/mailRepositories/" + URLEncoder.encode(RELAYED, StandardCharsets.UTF_8) + "/mails/"
                + URLEncoder.encode(relayed.get(0), StandardCharsets.UTF_8), "application/json"))
                .contains("far@trusted-route.example").doesNotContain("untrusted");
        List<String> denied = awaitRepository(RELAY_DENIED, 1);
        assertThat(denied).hasSize(1);
        assertThat(get("/mailRepositories/" + URLEncoder.encode(RELAY_DENIED, StandardCharsets.UTF_8) + "/mails/"
                + URLEncoder.encode(denied.get(0), StandardCharsets.UTF_8), "application/json"))
                .contains("far@untrusted-route.example");
        // James's own Bounce of the relay-denied processor tells the sender.
        assertThat(james.awaitInboxMessageCount(RELAYER, 1, DELIVERY)).isEqualTo(1);
        assertThat(repositoryKeys(RELAYED)).hasSize(1);
    }
}
