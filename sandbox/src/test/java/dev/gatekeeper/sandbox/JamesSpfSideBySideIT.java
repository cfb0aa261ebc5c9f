package dev.gatekeeper.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatekeeper.dns.DnsjavaResolver;
import dev.gatekeeper.dns.ResolverSettings;
import dev.gatekeeper.spf.SpfEvaluator;
import dev.gatekeeper.spf.SpfVerdict;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * James's own SPF support beside Gatekeeper's, on the same DNS data (conf/sandbox.zone on a
 * loopback DNS server), in the James under test: James's SPFHandler (in 3.8 it does not start
 * until given a binding by hand; 3.9's jSPF 1.0.5 module binds it), and James's SPF mailet; the
 * same scenarios through Gatekeeper's SpfEvaluator in this JVM. Findings:
 * sandbox/JAMES-SPF-FINDINGS.md.
 */
class JamesSpfSideBySideIT {
    /** Receives the mail checked by the SPF mailet with ignoreLocalIps=false. */
    private static final String CHECKED = "spf@gatekeeper.test";
    /** Receives the mail checked by the SPF mailet as configured by default. */
    private static final String DEFAULTS = "defaults@gatekeeper.test";
    private static final String PASSWORD = "spf-secret";
    /** Not the launcher's 127.0.0.153, so a running ./gatekeeper-sandbox does not collide. */
    private static final String DNS_ADDRESS = "127.0.53.1";

    /** A scenario: client, HELO, MAIL FROM (empty: null sender). */
    private static final class Scenario {
        final String name;
        final String client;
        final String helo;
        final String sender;

        Scenario(String name, String client, String helo, String sender) {
            this.name = name;
            this.client = client;
            this.helo = helo;
            this.sender = sender;
        }
    }

    private static final List<Scenario> SCENARIOS = List.of(
        new Scenario("pass", "127.0.0.10", "mta.sandbox.test", "alice@pass.sandbox.test"),
        new Scenario("fail", "127.0.0.11", "forger.sandbox.test", "mallory@fail.sandbox.test"),
        new Scenario("softfail", "127.0.0.11", "forger.sandbox.test", "carol@softfail.sandbox.test"),
        new Scenario("neutral", "127.0.0.11", "forger.sandbox.test", "dave@neutral.sandbox.test"),
        new Scenario("none", "127.0.0.11", "forger.sandbox.test", "erin@none.sandbox.test"),
        new Scenario("temperror", "127.0.0.10", "mta.sandbox.test", "frank@temperror.sandbox.test"),
        new Scenario("permerror-syntax", "127.0.0.10", "mta.sandbox.test", "grace@permerror.sandbox.test"),
        new Scenario("permerror-two-records", "127.0.0.10", "mta.sandbox.test", "heidi@twice.sandbox.test"),
        new Scenario("void-lookups", "127.0.0.10", "mta.sandbox.test", "ivan@voids.sandbox.test"),
        new Scenario("redirect-fail", "127.0.0.11", "forger.sandbox.test", "judy@redirected.sandbox.test"),
        new Scenario("null-sender-helo-pass", "127.0.0.10", "mta.sandbox.test", ""),
        new Scenario("null-sender-helo-fail", "127.0.0.11", "fail.sandbox.test", ""));

    private static SandboxDns dns;
    private static SpfEvaluator gatekeeper;
    private static String spfHandlerFailure;
    /** Scenario name to the headers James's SPF mailet left (ignoreLocalIps=false). */
    private static final Map<String, Map<String, String>> MAILET = new LinkedHashMap<>();
    /** The same fail scenario through the mailet's defaults. */
    private static Map<String, String> mailetDefaults;
    private static String mailetLog;
    /** Scenario name to the replies (MAIL, RCPT, DATA) of James's SPFHandler once it is given the binding it lacks. */
    private static final Map<String, List<String>> HANDLER = new LinkedHashMap<>();
    /** What the SPFHandler's onMessage does for a relaying client (127.0.0.1 is in authorizedAddresses). */
    private static List<String> handlerRelaying;
    private static String handlerLog;

    /** James 3.9 loads the SPFHandler by itself (jSPF 1.0.5); James 3.8 does not. */
    private static final boolean JAMES_39 = JamesRelease.fromSystemProperty().generation().equals("3.9");

    /** The binding James 3.8.1's Guice app lacks for SPFHandler: jSPF's DNS service over dnsjava's defaults. */
    private static final String MODULE_CLASS = "sandboxprobe.JspfDnsModule";
    private static final String MODULE_SOURCE = String.join("\n",
        "package sandboxprobe;",
        "public class JspfDnsModule extends com.google.inject.AbstractModule {",
        "    @Override",
        "    protected void configure() {",
        "        bind(org.apache.james.jspf.core.DNSService.class).to(org.apache.james.jspf.impl.DNSServiceXBillImpl.class);",
        "    }",
        "}");

    @BeforeAll
    static void boot() throws Exception {
        Path conf = Paths.get(System.getProperty(JamesSandbox.CONF_PROPERTY));
        // Port 53: James's DNS service asks no other, and it installs its resolver as dnsjava's
        // default, which is what jSPF (the SPF mailet) asks.
        dns = SandboxDns.start(InetAddress.getByName(DNS_ADDRESS), SandboxDns.DNS_PORT,
            List.of(conf.resolve("sandbox.zone")));
        gatekeeper = new SpfEvaluator(new DnsjavaResolver(ResolverSettings.builder().server(dns.hostPort())
            .timeout(Duration.ofSeconds(2)).retries(0).build()));

        Path work = SandboxDirs.forTest(JamesSpfSideBySideIT.class);
        try (JamesSandbox james = sandbox(conf, work.resolveSibling(work.getFileName() + "-handler"))
                .smtpHandler("<handler class=\"org.apache.james.smtpserver.fastfail.SPFHandler\"/>")
                .bootTimeout(Duration.ofSeconds(90))
                .start()) {
            spfHandlerFailure = "started: " + james.smtpAddress();
        } catch (IOException e) {
            spfHandlerFailure = e.getMessage();
        }

        Path handlerConf = work.resolveSibling(work.getFileName() + "-handler-conf");
        copyWithoutGatekeeperHooks(conf, handlerConf);
        Path handlerWork = work.resolveSibling(work.getFileName() + "-handler-bound");
        JamesSandbox.Builder bound = sandbox(handlerConf, handlerWork)
                .smtpHandler("<handler class=\"org.apache.james.smtpserver.fastfail.SPFHandler\"/>");
        if (!JAMES_39) {
            // James 3.8's Guice app lacks jSPF's DNS binding: give it by hand (3.9's JSPFModule has it).
            Path moduleDir = work.resolveSibling(work.getFileName() + "-module");
            TestFiles.deleteTree(moduleDir);
            bound.extensionJar(ExtensionJar.build(Files.createDirectories(moduleDir), "jspf-dns.jar", MODULE_CLASS, MODULE_SOURCE));
            Files.writeString(handlerConf.resolve("extensions.properties"), "guice.extension.module=" + MODULE_CLASS + "\n");
        }
        try (JamesSandbox james = bound.start()) {
            for (Scenario s : SCENARIOS) {
                HANDLER.put(s.name, transaction(james, InetAddress.getByName(s.client), s.helo, s.sender));
            }
            handlerRelaying = transaction(james, InetAddress.getByName("127.0.0.1"), "mta.sandbox.test",
                "alice@pass.sandbox.test");
        }
        // Read once James has stopped, so the log holds everything it wrote.
        handlerLog = Files.readString(handlerWork.resolve("james.log"));

        Path mailetConf = work.resolveSibling(work.getFileName() + "-conf");
        copyWithSpfMailets(conf, mailetConf);
        try (JamesSandbox james = sandbox(mailetConf, work).start()) {
            for (Scenario s : SCENARIOS) {
                send(james, s, CHECKED);
            }
            send(james, SCENARIOS.get(1), DEFAULTS);
            james.awaitInboxMessageCount(CHECKED, SCENARIOS.size(), Duration.ofSeconds(60));
            james.awaitInboxMessageCount(DEFAULTS, 1, Duration.ofSeconds(60));
            for (String message : readInbox(james, CHECKED, SCENARIOS.size())) {
                Map<String, String> headers = headers(message);
                MAILET.put(headers.get("subject").replace("side by side ", ""), headers);
            }
            mailetDefaults = headers(readInbox(james, DEFAULTS, 1).get(0));
            mailetLog = james.log();
        }
    }

    @AfterAll
    static void stop() {
        if (dns != null) {
            dns.close();
        }
    }

    /** James alone: without the drop-in jar the sandbox leaves conf/'s Gatekeeper handlers and mailets out. */
    private static JamesSandbox.Builder sandbox(Path conf, Path work) {
        return JamesSandbox.builder()
            .confDir(conf)
            .workDir(work)
            .dnsServer(dns.address().getHostAddress())
            .user(CHECKED, PASSWORD)
            .user(DEFAULTS, PASSWORD);
    }

    /** conf/ with Gatekeeper's SMTP hooks taken out (James alone answers) and James's SPF mailet first in root. */
    private static void copyWithSpfMailets(Path from, Path to) throws IOException {
        copyWithoutGatekeeperHooks(from, to);
        Path mailets = to.resolve("mailetcontainer.xml");
        String root = "<processor state=\"root\" enableJmx=\"false\">";
        String text = Files.readString(mailets);
        assertThat(text).contains(root);
        Files.writeString(mailets, text.replace(root, root
            + "<mailet match=\"RecipientIs=" + DEFAULTS + "\" class=\"SPF\"><addHeader>true</addHeader></mailet>"
            + "<mailet match=\"RecipientIs=" + CHECKED + "\" class=\"SPF\"><addHeader>true</addHeader>"
            + "<ignoreLocalIps>false</ignoreLocalIps></mailet>"
            + "<mailet match=\"All\" class=\"MailAttributesToMimeHeaders\">"
            + "<simplemapping>org.apache.james.transport.mailets.spf.result; X-James-Spf-Result</simplemapping>"
            + "<simplemapping>org.apache.james.transport.mailets.spf.explanation; X-James-Spf-Explanation</simplemapping>"
            + "</mailet>"));
    }

    /** conf/ with Gatekeeper's SMTP hooks taken out, so James alone answers. */
    private static void copyWithoutGatekeeperHooks(Path from, Path to) throws IOException {
        TestFiles.copyTree(from, to);
        Path smtp = to.resolve("smtpserver.xml");
        Files.writeString(smtp, Files.readString(smtp)
            .replaceAll("(?s)<handler class=\"dev\\.gatekeeper[^\"]*\"\\s*/>", "")
            .replaceAll("(?s)<handler class=\"dev\\.gatekeeper[^\"]*\">.*?</handler>", ""));
    }

    /** The INBOX over IMAP once it shows {@code count} messages. */
    private static List<String> readInbox(JamesSandbox james, String user, int count) throws IOException {
        List<String> messages = james.readInbox(user, PASSWORD, count, Duration.ofSeconds(10));
        assertThat(messages).as("INBOX of " + user).hasSize(count);
        return messages;
    }

    /** One transaction to spf@; the last line of each reply, stopping at the first refusal. */
    private static List<String> transaction(JamesSandbox james, InetAddress client, String helo, String sender) {
        List<String> replies = new java.util.ArrayList<>();
        try (SmtpClient smtp = james.smtpClientFrom(client)) {
            smtp.ehlo(helo);
            ServerReply reply = smtp.mailFrom(sender);
            replies.add(reply.lastLine());
            if (reply.isPositive()) {
                reply = smtp.rcptTo(CHECKED);
                replies.add(reply.lastLine());
            }
            if (reply.isPositive()) {
                replies.add(smtp.data("Subject: handler\r\n\r\nhandler\r\n").lastLine());
            }
            smtp.quit();
        } catch (java.io.UncheckedIOException e) {
            replies.add("<connection closed by James>");
        }
        return replies;
    }

    private static void send(JamesSandbox james, Scenario s, String recipient) {
        try (SmtpClient smtp = james.smtpClientFrom(InetAddress.getByName(s.client))) {
            smtp.ehlo(s.helo);
            assertThat(smtp.mailFrom(s.sender).code()).as(s.name).isEqualTo(250);
            assertThat(smtp.rcptTo(recipient).code()).as(s.name).isEqualTo(250);
            assertThat(smtp.data("Subject: side by side " + s.name + "\r\n\r\n" + s.name + "\r\n").lastLine())
                .as(s.name).isEqualTo("250 2.6.0 Message received");
            smtp.quit();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Header fields, unfolded, by lower-case name (first occurrence). */
    private static Map<String, String> headers(String message) {
        String head = message.split("\r\n\r\n", 2)[0].replaceAll("\r\n[ \t]+", " ");
        Map<String, String> fields = new LinkedHashMap<>();
        for (String line : head.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0) {
                fields.putIfAbsent(line.substring(0, colon).toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
            }
        }
        return fields;
    }

    private static SpfVerdict gatekeeper(String scenario) throws IOException {
        Scenario s = SCENARIOS.stream().filter(x -> x.name.equals(scenario)).findFirst().orElseThrow();
        return gatekeeper.checkMailFromBlocking(InetAddress.getByName(s.client), s.helo, s.sender);
    }

    private static String jamesResult(String scenario) {
        Map<String, String> headers = MAILET.get(scenario);
        assertThat(headers).as("mail of scenario " + scenario + " delivered; got " + MAILET.keySet()).isNotNull();
        return headers.get("x-james-spf-result");
    }

    @Test
    void jamesSpfHandlerStartsInTheGuiceMemoryAppFromJames39Only() {
        if (JAMES_39) {
            assertThat(spfHandlerFailure).startsWith("started: ");
            return;
        }
        assertThat(spfHandlerFailure)
            .startsWith("James exited with status 1 while starting")
            .contains("[Guice/MissingImplementation]: No implementation for DNSService was bound.")
            .contains("SPFHandler.setDNSService(SPFHandler.java:108)")
            .contains("DNSService: \"org.apache.james.jspf.core.DNSService\"");
    }

    @Test
    void james39sSpfHandlerFindsThePoliciesButAnswersFalseAndTempFailsEveryMessageItAccepts() {
        if (!JAMES_39) {
            boundByHandTheSpfHandlerFindsNoPolicyAndTempFailsEveryMessage();
            return;
        }
        for (Scenario s : SCENARIOS) {
            List<String> replies = HANDLER.get(s.name);
            switch (s.name) {
                case "fail":
                case "redirect-fail":
                case "permerror-syntax":
                case "permerror-two-records":
                    // Refused at MAIL, the reply text a boolean; a permerror refused for good.
                    assertThat(replies).as(s.name).containsExactly("554 5.7.1 false");
                    break;
                case "temperror":
                    assertThat(replies).as(s.name).containsExactly("451 4.4.3 Temporarily rejected: Problem on SPF lookup");
                    break;
                default:
                    // Accepted at MAIL (the void-lookup limit ignored, the null sender not checked), then the
                    // end of DATA fails: onMessage returns null for every message.
                    assertThat(replies).as(s.name).containsExactly(Demos.senderOk(s.sender),
                        Demos.recipientOk(CHECKED), "451 Unable to process request", "<connection closed by James>");
            }
        }
        assertThat(handlerRelaying).containsExactly(Demos.senderOk("alice@pass.sandbox.test"), Demos.recipientOk(CHECKED),
            "451 Unable to process request", "<connection closed by James>");
        assertThat(handlerLog)
            .contains("SPFHandler - Result for 127.0.0.11 - mallory@fail.sandbox.test - Optional[forger.sandbox.test] = fail")
            .contains("SPFHandler - Result for 127.0.0.10 - ivan@voids.sandbox.test - Optional[mta.sandbox.test] = pass")
            .doesNotContain("postmaster@fail.sandbox.test");
        assertThat(count(handlerLog, "because \"hResult\" is null")).isEqualTo(SCENARIOS.size() - 4);
    }

    private static void boundByHandTheSpfHandlerFindsNoPolicyAndTempFailsEveryMessage() {
        for (Scenario s : SCENARIOS) {
            assertThat(HANDLER.get(s.name)).as(s.name).containsExactly(
                Demos.senderOk(s.sender), Demos.recipientOk(CHECKED),
                "451 Unable to process request", "<connection closed by James>");
        }
        assertThat(handlerRelaying).containsExactly(Demos.senderOk("alice@pass.sandbox.test"), Demos.recipientOk(CHECKED),
            "451 Unable to process request", "<connection closed by James>");
        // jSPF wired as SPFHandler wires it finds no policy at all, not even fail.sandbox.test's -all ...
        assertThat(handlerLog)
            .contains("SPFHandler - Result for 127.0.0.11 - mallory@fail.sandbox.test - Optional[forger.sandbox.test] = none")
            .contains("SPFHandler - Result for 127.0.0.10 - alice@pass.sandbox.test - Optional[mta.sandbox.test] = none")
            // ... skips the null sender (no check, so no HELO identity either) ...
            .doesNotContain("SPFHandler - Result for 127.0.0.11 -  -")
            .doesNotContain("postmaster@fail.sandbox.test")
            // ... and its onMessage returns null (every message) or reads an absent header (null sender, relaying client).
            .contains("NullPointerException: Cannot invoke \"org.apache.james.protocols.smtp.hook.HookResult.getResult()\""
                + " because \"hResult\" is null")
            .contains("java.util.NoSuchElementException: No value present");
        assertThat(count(handlerLog, "because \"hResult\" is null")).isEqualTo(SCENARIOS.size() - 2);
        assertThat(count(handlerLog, "java.util.NoSuchElementException: No value present")).isEqualTo(3);
    }

    private static int count(String text, String part) {
        int n = 0;
        for (int at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + 1)) {
            n++;
        }
        return n;
    }

    @Test
    void theSpfMailetAgreesWithGatekeeperOnTheResultWordOfPlainRecords() throws IOException {
        for (String scenario : List.of("pass", "fail", "softfail", "neutral", "none",
                "permerror-syntax", "permerror-two-records", "redirect-fail")) {
            assertThat(jamesResult(scenario)).as(scenario)
                .isEqualTo(gatekeeper(scenario).result().toString().toLowerCase(Locale.ROOT));
        }
    }

    @Test
    void onASenderDomainWhoseDnsFailsJames39sSpfMailetSaysNone() throws IOException {
        // RFC 7208 §4.4: a DNS error (SERVFAIL) is temperror; James 3.9's mailet (jSPF 1.0.5) reports none.
        assertThat(gatekeeper("temperror").result().toString()).isEqualTo("TEMPERROR");
        assertThat(jamesResult("temperror")).isEqualTo(JAMES_39 ? "none" : "temperror");
    }

    @Test
    void theSpfMailetIgnoresTheVoidLookupLimitOfRfc7208() throws IOException {
        // Three void lookups before ip4:127.0.0.10: RFC 7208 section 4.6.4 makes that a permerror.
        assertThat(jamesResult("void-lookups")).isEqualTo("pass");
        SpfVerdict verdict = gatekeeper("void-lookups");
        assertThat(verdict.result().toString()).isEqualTo("PERMERROR");
        assertThat(verdict.problem()).hasValue("more than 2 void lookups (RFC 7208 §4.6.4), last at void3.voids.sandbox.test");
    }

    @Test
    void theSpfMailetGivesOneTextForEveryPermerrorAndTemperror() throws IOException {
        assertThat(MAILET.get("permerror-syntax").get("received-spf"))
            .startsWith("permerror (spfCheck: Error in processing SPF Record) client-ip=127.0.0.10;");
        assertThat(MAILET.get("permerror-two-records").get("received-spf"))
            .startsWith("permerror (spfCheck: Error in processing SPF Record) client-ip=127.0.0.10;");
        assertThat(MAILET.get("temperror").get("received-spf")).startsWith(JAMES_39
            ? "none (spfCheck: 127.0.0.10 is neither permitted nor denied by domain of temperror.sandbox.test) client-ip=127.0.0.10;"
            : "temperror (spfCheck: Error in retrieving data from DNS) client-ip=127.0.0.10;");
        assertThat(gatekeeper("permerror-syntax").problem())
            .hasValue("invalid network in 'ip4:127.0.0.300' (SPF record of permerror.sandbox.test)");
        assertThat(gatekeeper("permerror-two-records").problem())
            .hasValue("more than one SPF record at twice.sandbox.test (RFC 7208 §4.5)");
        assertThat(gatekeeper("temperror").problem().orElseThrow())
            .startsWith("DNS failure looking up TXT of temperror.sandbox.test: SERVFAIL");
    }

    @Test
    void theSpfMailetsHeaderLacksTheIdentityAndReceiverOfRfc7208Section9() {
        assertThat(MAILET.get("fail").get("received-spf")).isEqualTo(
            "fail (spfCheck: domain of fail.sandbox.test does not designate 127.0.0.11 as permitted sender)"
                + " client-ip=127.0.0.11; envelope-from=mallory@fail.sandbox.test; helo=forger.sandbox.test;");
        assertThat(MAILET.get("softfail").get("received-spf"))
            .startsWith("softfail (spfCheck: transitioning domain of softfail.sandbox.test does not designate 127.0.0.11");
    }

    @Test
    void bothCheckTheNullSenderAsPostmasterAtTheHeloName() throws IOException {
        assertThat(MAILET.get("null-sender-helo-fail").get("received-spf"))
            .contains("envelope-from=postmaster@fail.sandbox.test; helo=fail.sandbox.test;");
        assertThat(jamesResult("null-sender-helo-fail")).isEqualTo("fail");
        assertThat(jamesResult("null-sender-helo-pass")).isEqualTo("pass");
        assertThat(gatekeeper("null-sender-helo-fail").result().toString()).isEqualTo("FAIL");
        assertThat(gatekeeper("null-sender-helo-fail").sender()).isEqualTo("postmaster@fail.sandbox.test");
        assertThat(gatekeeper("null-sender-helo-pass").result().toString()).isEqualTo("PASS");
    }

    @Test
    void bothUseTheDomainsExplanationForAFail() throws IOException {
        assertThat(MAILET.get("fail").get("x-james-spf-explanation"))
            .isEqualTo("127.0.0.11 is not one of fail.sandbox.test's mail servers");
        assertThat(gatekeeper("fail").explanation()).hasValue("127.0.0.11 is not one of fail.sandbox.test's mail servers");
    }

    @Test
    void theSpfMailetSkipsLoopbackClientsByDefault() {
        // ignoredNetworks defaults to 127.0.0.0/8 and RFC 1918 ranges: no result, no header at all.
        assertThat(mailetDefaults.get("subject")).isEqualTo("side by side fail");
        assertThat(mailetDefaults).doesNotContainKeys("received-spf", "x-james-spf-result", "x-james-spf-explanation");
        // 3.8 writes 172.16.0.0/16 where RFC 1918 says /12; 3.9 has /12.
        assertThat(mailetLog).contains("SPF addHeader=true debug=false ignoredNetworks=[127.0.0.0/8, 10.0.0.0/8, 172.16.0.0/"
            + (JAMES_39 ? "12" : "16"));
    }

    @Test
    void printsTheTable() throws IOException {
        StringBuilder table = new StringBuilder("\nscenario | James SPF mailet | Gatekeeper\n");
        for (Scenario s : SCENARIOS) {
            Map<String, String> h = MAILET.get(s.name);
            SpfVerdict v = gatekeeper(s.name);
            table.append(s.name).append(" | ").append(h == null ? "-" : h.get("x-james-spf-result") + " / "
                + h.get("x-james-spf-explanation") + " / " + h.get("received-spf")).append(" | ")
                .append(v.result()).append(" / ").append(v.explanation().orElse("")).append(" / ")
                .append(v.problem().orElse("")).append('\n');
        }
        table.append("defaults: ").append(mailetDefaults).append('\n');
        table.append("handler: ").append(spfHandlerFailure).append('\n');
        HANDLER.forEach((k, v) -> table.append("SPFHandler ").append(k).append(" ").append(v).append('\n'));
        table.append("SPFHandler relaying ").append(handlerRelaying).append('\n');
        System.out.println(table);
        assertThat(MAILET).hasSize(SCENARIOS.size());
    }
}
