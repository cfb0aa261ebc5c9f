package dev.gatekeeper.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckCommandTest {

    @TempDir
    Path dir;

    private Path policy;
    private Path emptyZone;
    private String out;
    private String err;

    @BeforeEach
    void writePolicy() throws IOException {
        emptyZone = Files.writeString(dir.resolve("empty.zone"), "; nothing\n");
        policy = dir.resolve("policy.xml");
        Files.writeString(policy, "<policy hostname=\"mx.example.org\">\n"
                + "  <relay><my-networks>192.0.2.0/24</my-networks><local-domains>example.org</local-domains></relay>\n"
                + "  <stage name=\"connect\">\n"
                + "    <rule name=\"no-name\" action=\"tag\" label=\"no-reverse-name\"><client-name unknown=\"true\"/></rule>\n"
                + "  </stage>\n"
                + "  <stage name=\"mail\">\n"
                + "    <rule name=\"blocked-sender\" action=\"reject\" reason=\"unverified-sender\"><sender domain=\"bad.example\"/></rule>\n"
                + "    <rule name=\"spf-fail\" action=\"reject\" reason=\"spf-fail\"><spf result=\"fail\"/></rule>\n"
                + "  </stage>\n"
                + "</policy>\n");
    }

    private int run(String... args) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        List<String> all = new ArrayList<>(List.of("check"));
        all.addAll(List.of(args));
        if (!all.contains("--zone") && !all.contains("--dns-server")) {
            // Never the machine's own resolvers in a test: an empty zone answers NXDOMAIN.
            all.add("--zone");
            all.add(emptyZone.toString());
        }
        int rc = Main.run(all, new ByteArrayInputStream(new byte[0]), new PrintStream(o, true, StandardCharsets.UTF_8),
                new PrintStream(e, true, StandardCharsets.UTF_8));
        out = o.toString(StandardCharsets.UTF_8);
        err = e.toString(StandardCharsets.UTF_8);
        return rc;
    }

    @Test
    void printsOneLinePerStage() {
        assertThat(run("--policy", policy.toString(), "--ip", "198.51.100.7", "--helo", "client.example.net",
                "--sender", "<alice@sender.example>", "--rcpt", "<bob@example.org>", "--rcpt", "x@example.com")).isZero();
        assertThat(out.lines()).containsExactly(
                "connect 220 mx.example.org ESMTP",
                "helo 250 mx.example.org",
                "mail 250 2.1.0 Ok",
                "rcpt 250 2.1.5 Ok",
                "rcpt 550 5.7.1 <x@example.com>: Relay access denied",
                "data 250 2.0.0 Ok: checked, not queued");
        assertThat(err).isEmpty();
    }

    @Test
    void heldDecisionsAndNoValidRecipients() {
        assertThat(run("--policy", policy.toString(), "--ip", "198.51.100.7", "--helo", "h.example", "--sender", "a@bad.example",
                "--rcpt", "bob@example.org")).isZero();
        assertThat(out.lines()).containsExactly(
                "connect 220 mx.example.org ESMTP",
                "helo 250 mx.example.org",
                "mail 250 2.1.0 Ok",
                "rcpt 550 5.1.7 <a@bad.example>: Sender address rejected: undeliverable address",
                "data 554 5.5.1 Error: no valid recipients");
    }

    @Test
    void verboseShowsTheTraceAndWhatIsNotEvaluated() {
        assertThat(run("--policy", policy.toString(), "--ip", "192.0.2.9", "--helo", "h.example", "--sender", "a@bad.example",
                "--rcpt", "x@example.com", "--auth", "alice", "-v")).isZero();
        assertThat(out).contains("  trace: mail rule 'blocked-sender' (policy.xml:7): sender <a@bad.example> domain matches bad.example -> reject",
                "  held until the first RCPT: 550 5.1.7",
                "  tags: no-reverse-name");
    }

    @Test
    void zoneFileGivesTheClientItsReverseName() throws IOException {
        Path zone = dir.resolve("zone.txt");
        Files.writeString(zone, "; test zone\n7.100.51.198.in-addr.arpa. 300 IN PTR mail.sender.example.\n"
                + "mail.sender.example. A 198.51.100.7\n");
        assertThat(run("--policy", policy.toString(), "--ip", "198.51.100.7", "--helo", "h.example", "--sender", "a@ok.example",
                "--rcpt", "bob@example.org", "--zone", zone.toString(), "-v")).isZero();
        assertThat(out).doesNotContain("no-reverse-name").contains("rcpt 250 2.1.5 Ok");
    }

    @Test
    void spfIsEvaluatedLiveFromTheZone() throws IOException {
        Path zone = dir.resolve("spf.zone");
        Files.writeString(zone, "strict.example. 300 IN TXT \"v=spf1 ip4:203.0.113.0/24 -all\"\n");
        assertThat(run("--policy", policy.toString(), "--ip", "198.51.100.7", "--helo", "h.example",
                "--sender", "a@strict.example", "--rcpt", "bob@example.org", "--zone", zone.toString())).isZero();
        assertThat(out.lines()).contains("mail 250 2.1.0 Ok")
                .anyMatch(l -> l.startsWith("rcpt 550 5.7.23 "));
        assertThat(run("--policy", policy.toString(), "--ip", "203.0.113.5", "--helo", "h.example",
                "--sender", "a@strict.example", "--rcpt", "bob@example.org", "--zone", zone.toString())).isZero();
        assertThat(out.lines()).contains("rcpt 250 2.1.5 Ok");
    }

    @Test
    void badArgumentsAndBadPoliciesExitWith2() throws IOException {
        assertThat(run("--policy", policy.toString(), "--ip", "not-an-ip", "--helo", "h", "--sender", "a@b", "--rcpt", "c@d")).isEqualTo(2);
        assertThat(err).isEqualTo("gatekeeper check: --ip: 'not-an-ip' is not an IP address\n");
        assertThat(run("--policy", policy.toString(), "--ip", "192.0.2.1", "--helo", "h", "--sender", "a@b")).isEqualTo(2);
        assertThat(err).contains("missing --rcpt");
        Path bad = dir.resolve("bad.xml");
        Files.writeString(bad, "<policy>\n  <stage name=\"rcpt\">\n    <rule action=\"rejcet\"/>\n  </stage>\n</policy>\n");
        assertThat(run("--policy", bad.toString(), "--ip", "192.0.2.1", "--helo", "h", "--sender", "a@b", "--rcpt", "c@d")).isEqualTo(2);
        assertThat(err).startsWith("gatekeeper check: bad.xml:3: rule 'rcpt#1': unknown action 'rejcet'");
        assertThat(run("--policy", dir.resolve("none.xml").toString(), "--ip", "192.0.2.1", "--helo", "h", "--sender", "a@b",
                "--rcpt", "c@d")).isEqualTo(2);
        assertThat(err).contains("no such policy file");
    }
}
