package dev.gatekeeper.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatekeeper.callout.ScriptedPeer;
import dev.gatekeeper.dns.LoopbackDnsServer;
import dev.gatekeeper.dns.ZoneFile;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CalloutCommandTest {

    @TempDir
    Path dir;

    private ScriptedPeer peer;
    private Path zone;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @BeforeEach
    void peerAndZone() throws Exception {
        peer = ScriptedPeer.on("127.0.0.2")
                .reply("RCPT TO:<nobody@", "550-5.1.1 no such", "550 5.1.1 user")
                .start();
        zone = dir.resolve("example.test.zone");
        Files.writeString(zone, String.join("\n",
                "$ORIGIN example.test.",
                "$TTL 300",
                "@       IN SOA ns.example.test. hostmaster.example.test. 1 3600 600 86400 300",
                "@       IN MX 10 mx",
                "mx      IN A 127.0.0.2",
                "nomail  IN MX 0 .",
                "alias   IN CNAME mx",
                ""));
    }

    @AfterEach
    void stop() {
        peer.close();
    }

    private int run(String... args) {
        List<String> all = new ArrayList<>(List.of("callout"));
        all.addAll(Arrays.asList(args));
        return Main.run(all, new ByteArrayInputStream(new byte[0]), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private List<String> outLines() {
        return List.of(out.toString(StandardCharsets.UTF_8).split("\n"));
    }

    private String[] probe(String address, String... more) {
        List<String> a = new ArrayList<>(List.of(address, "--zone", zone.toString(), "--smtp-port",
                String.valueOf(peer.port()), "--allow-private", "--helo", "cli.gatekeeper.test"));
        a.addAll(Arrays.asList(more));
        return a.toArray(new String[0]);
    }

    @Test
    void acceptedFirstLineIsTheOutcomeWord() {
        assertThat(run(probe("alice@example.test"))).isZero();
        assertThat(outLines()).containsExactly(
                "accepted",
                "address: alice@example.test",
                "host: mx.example.test [127.0.0.2]",
                "reply: 250 2.1.5 recipient ok");
        assertThat(err.toString(StandardCharsets.UTF_8)).isEmpty();
        assertThat(peer.commands()).startsWith("EHLO cli.gatekeeper.test");
    }

    @Test
    void asksTheNamedDnsServerOverTheWire() throws Exception {
        try (LoopbackDnsServer dns = LoopbackDnsServer.start(ZoneFile.load(zone))) {
            List<String> args = new ArrayList<>(Arrays.asList(probe("alice@example.test")));
            int at = args.indexOf("--zone");
            args.set(at, "--dns-server");
            args.set(at + 1, dns.hostPort());
            assertThat(run(args.toArray(new String[0]))).isZero();
            assertThat(outLines().get(0)).isEqualTo("accepted");
            assertThat(dns.queries()).isPositive();
        }
    }

    @Test
    void rejectedWithTranscript() {
        assertThat(run(probe("nobody@example.test", "-v", "--mail-from", "probe@gatekeeper.test"))).isZero();
        List<String> lines = outLines();
        assertThat(lines.subList(0, 4)).containsExactly(
                "rejected",
                "address: nobody@example.test",
                "host: mx.example.test [127.0.0.2]",
                "reply: 550 5.1.1 no such user");
        assertThat(lines).contains("transcript:", "  C: MAIL FROM:<probe@gatekeeper.test>",
                "  S: 550-5.1.1 no such", "  S: 550 5.1.1 user");
    }

    @Test
    void randomAndPostmasterChecks() {
        assertThat(run(probe("alice@example.test", "--random", "--postmaster"))).isZero();
        assertThat(outLines().get(0)).isEqualTo("catch-all");
    }

    @Test
    void nullMxAndInvalidAreOutcomesWithStatusZero() {
        assertThat(run(probe("a@nomail.example.test"))).isZero();
        assertThat(outLines()).containsExactly("null-mx", "address: a@nomail.example.test",
                "reason: nomail.example.test publishes a null MX (RFC 7505)");
        out.reset();
        assertThat(run(probe("a..b@example.test"))).isZero();
        assertThat(outLines().get(0)).isEqualTo("invalid");
        assertThat(peer.connections()).isZero();
    }

    @Test
    void privateTargetsNeedTheFlag() {
        List<String> args = new ArrayList<>(Arrays.asList(probe("alice@example.test")));
        args.remove("--allow-private");
        assertThat(run(args.toArray(new String[0]))).isZero();
        assertThat(outLines().get(0)).isEqualTo("skipped");
        assertThat(peer.connections()).isZero();
    }

    @Test
    void badArgumentsExitTwoWithOneLine() {
        assertThat(run()).isEqualTo(2);
        assertThat(run("a@example.test", "--smtp-port", "http")).isEqualTo(2);
        assertThat(run("a@example.test", "--smtp-port", "0")).isEqualTo(2);
        assertThat(run("a@example.test", "--helo", "bad name")).isEqualTo(2);
        assertThat(run("a@example.test", "b@example.test")).isEqualTo(2);
        assertThat(run("a@example.test", "--zone", dir.resolve("missing.zone").toString())).isEqualTo(2);
        assertThat(run("a@example.test", "--frobnicate")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8).split("\n")).containsExactly(
                "gatekeeper callout: missing ADDRESS",
                "gatekeeper callout: --smtp-port: 'http' is not a port number",
                "gatekeeper callout: port: 0 is outside 1..65535",
                "gatekeeper callout: heloName: 'bad name' character ' ' not allowed in domain label",
                "gatekeeper callout: give exactly one ADDRESS",
                "gatekeeper callout: --zone: " + dir.resolve("missing.zone") + ": cannot read the file",
                "gatekeeper callout: unknown option --frobnicate");
        assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
    }

    @Test
    void listedInUsage() {
        assertThat(Main.run(List.of("--help"), new ByteArrayInputStream(new byte[0]),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8)))
                .isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("  callout  ADDRESS [--zone FILE | --dns-server HOST:PORT]");
    }
}
