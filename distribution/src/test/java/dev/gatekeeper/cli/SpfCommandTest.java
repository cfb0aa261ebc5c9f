package dev.gatekeeper.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatekeeper.dns.LoopbackDnsServer;
import dev.gatekeeper.dns.ZoneFile;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code spf} command against the demo zone in {@code conf/}, as an administrator runs it. */
class SpfCommandTest {

    private static final String ZONE = Path.of("..", "conf", "demo.zone").toString();

    @Test
    void passPrintsTheResultWordFirst() {
        Run run = run("", "spf", "--zone", ZONE, "--ip", "192.0.2.25", "--helo", "mail.demo.test",
                "--sender", "alice@demo.test");
        assertThat(run.status).isZero();
        assertThat(run.lines().get(0)).isEqualTo("pass");
    }

    @Test
    void failCarriesTheExpandedExplanationAndTheHeader() {
        Run run = run("", "spf", "--zone", ZONE, "--ip", "192.0.2.99", "--helo", "mail.demo.test",
                "--sender", "dave@strict.demo.test", "--header", "received-spf");
        assertThat(run.status).isZero();
        assertThat(run.lines().get(0)).isEqualTo("fail");
        assertThat(run.out).contains("explanation: 192.0.2.99 is not allowed to send mail for strict.demo.test;"
                + " see https://strict.demo.test/spf");
        assertThat(run.out).contains("Received-SPF: fail").contains("client-ip=192.0.2.99;")
                .contains("envelope-from=\"dave@strict.demo.test\";").contains("identity=mailfrom;");
    }

    @Test
    void nullSenderIsCheckedAsPostmasterAtHelo() {
        Run run = run("", "spf", "--zone", ZONE, "--ip", "192.0.2.40", "--helo", "helo.demo.test",
                "--sender", "<>", "--header", "authres");
        assertThat(run.lines().get(0)).isEqualTo("pass");
        assertThat(run.out).contains("spf=pass").contains("postmaster@helo.demo.test");
        Run empty = run("", "spf", "--zone", ZONE, "--ip", "192.0.2.41", "--helo", "helo.demo.test", "--sender", "");
        assertThat(empty.lines().get(0)).isEqualTo("fail");
    }

    @Test
    void batchAnswersInInputOrderWithTabSeparatedExplanations() {
        String input = "192.0.2.25 mail.demo.test alice@demo.test\n"
                + "192.0.2.25 mail.demo.test erin@broken.demo.test\n"
                + "\n"
                + "198.51.100.77 mx.example bob@soft.demo.test\n"
                + "192.0.2.99 mail.demo.test dave@strict.demo.test\n"
                + "192.0.2.25 mail.demo.test frank@twice.demo.test\n"
                + "192.0.2.50 host.example heidi@nospf.demo.test\n";
        Run run = run(input, "spf", "--zone", ZONE, "--batch");
        assertThat(run.status).isZero();
        assertThat(run.lines()).containsExactly(
                "pass\t-",
                "permerror\t-",
                "softfail\t-",
                "fail\t192.0.2.99 is not allowed to send mail for strict.demo.test; see https://strict.demo.test/spf",
                "permerror\t-",
                "none\t-");
    }

    @Test
    void batchFlagsAMalformedLineAndGoesOn() {
        Run run = run("not-an-ip mail.demo.test a@demo.test\n192.0.2.25 mail.demo.test alice@demo.test\nonly two\n",
                "spf", "--zone", ZONE, "--batch");
        assertThat(run.status).isEqualTo(2);
        assertThat(run.lines()).containsExactly(
                "invalid\tline 1: 'not-an-ip' is not an IP address",
                "pass\t-",
                "invalid\tline 3: expected IP HELO SENDER separated by white space, found 2 fields"
                        + " (--batch-format tsv or json carry spaces inside a field)");
        assertThat(run.err).contains("line 1").contains("line 3");
    }

    /** A zone whose explanation shows the local part and HELO name exactly as the batch line carried them. */
    private static final String BATCH_ZONE = String.join("\n",
            "$ORIGIN batch.test.",
            "$TTL 300",
            "strict     IN TXT \"v=spf1 ip4:192.0.2.0/24 -all exp=why.strict.batch.test\"",
            "why.strict IN TXT \"%{l} at %{i} (HELO %{h}) may not send for %{o}\"",
            "ok         IN TXT \"v=spf1 ip4:192.0.2.0/24 -all\"",
            "");
    private static final String QUOTED_FAIL =
            "fail\t\"first last\" at 198.51.100.7 (HELO mail client.example) may not send for strict.batch.test";

    private static String batchZone(Path dir) throws IOException {
        return Files.writeString(dir.resolve("batch.zone"), BATCH_ZONE).toString();
    }

    @Test
    void spaceSeparatedBatchCannotCarryASpaceButSaysWhatCan(@TempDir Path dir) throws IOException {
        Run run = run("198.51.100.7 mail.batch.test \"first last\"@strict.batch.test\n", "spf", "--zone", batchZone(dir),
                "--batch", "--batch-format", "space");
        assertThat(run.status).isEqualTo(2);
        assertThat(run.lines()).containsExactly("invalid\tline 1: expected IP HELO SENDER separated by white space,"
                + " found 4 fields (--batch-format tsv or json carry spaces inside a field)");
    }

    @Test
    void tabSeparatedBatchCarriesSpacesInTheHeloAndAQuotedLocalPart(@TempDir Path dir) throws IOException {
        String input = "198.51.100.7\tmail client.example\t\"first last\"@strict.batch.test\n"
                + "192.0.2.5\tmail.batch.test\tbob@ok.batch.test\n"
                + "192.0.2.5 mail.batch.test bob@ok.batch.test\n"
                + "\n"
                + "198.51.100.7\tmail.batch.test\t\"first last\"@ok.batch.test\n"
                + "198.51.100.7\tmy helo\t<>\n"
                + "198.51.100.7\tone\ttwo\tthree\n"
                + "192.0.2.5\tmail.batch.test\t\n";
        Run run = run(input, "spf", "--zone", batchZone(dir), "--batch", "--batch-format", "tsv");
        assertThat(run.status).isEqualTo(2);
        assertThat(run.lines()).containsExactly(
                QUOTED_FAIL,
                "pass\t-",
                "invalid\tline 3: expected IP<TAB>HELO<TAB>SENDER, found 1 field",
                "fail\tok.batch.test does not designate 198.51.100.7 as permitted sender",
                // the null sender is postmaster@HELO, and a HELO with a space has no policy (RFC 7208 §4.3)
                "none\t-",
                "invalid\tline 7: expected IP<TAB>HELO<TAB>SENDER, found 4 fields",
                "none\t-");
        assertThat(run.err.lines()).containsExactly(
                "gatekeeper spf: line 3: expected IP<TAB>HELO<TAB>SENDER, found 1 field",
                "gatekeeper spf: line 7: expected IP<TAB>HELO<TAB>SENDER, found 4 fields");
    }

    @Test
    void jsonBatchCarriesAnyIdentity(@TempDir Path dir) throws IOException {
        String input = "{\"ip\":\"198.51.100.7\",\"helo\":\"mail client.example\",\"sender\":\"\\\"first last\\\"@strict.batch.test\"}\n"
                + "{ \"sender\": \"bob@ok.batch.test\", \"helo\": \"mail.batch.test\", \"ip\": \"192.0.2.5\" }\n"
                + "{\"ip\":\"192.0.2.5\",\"helo\":\"mail.batch.test\"}\n"
                + "192.0.2.5 mail.batch.test bob@ok.batch.test\n"
                + "{\"ip\":\"198.51.100.7\",\"helo\":\"mail\\u0020client.example\",\"sender\":\"\\u0022first last\\u0022@strict.batch.test\"}\n"
                + "{\"ip\":\"192.0.2.5\",\"helo\":\"h.batch.test\",\"sender\":\"\",\"identity\":\"helo\"}\n"
                + "{\"ip\":\"192.0.2.\\n5\",\"helo\":\"h.batch.test\",\"sender\":\"\"}\n"
                + "{\"ip\":\"198.51.100.7\",\"helo\":\"h.batch.test\",\"sender\":\"\"}\n";
        Run run = run(input, "spf", "--zone", batchZone(dir), "--batch", "--batch-format", "json");
        assertThat(run.status).isEqualTo(2);
        assertThat(run.lines()).containsExactly(
                QUOTED_FAIL,
                "pass\t-",
                "invalid\tline 3: missing member \"sender\"",
                "invalid\tline 4: JSON column 1: expected '{'",
                QUOTED_FAIL,
                "invalid\tline 6: unknown member \"identity\" (known: ip, helo, sender)",
                "invalid\tline 7: '192.0.2.\\n5' is not an IP address",
                "none\t-");
    }

    @Test
    void batchFormatGoesWithBatchOnly() {
        Run run = run("", "spf", "--zone", ZONE, "--batch-format", "tsv", "--ip", "192.0.2.25", "--helo", "h",
                "--sender", "alice@demo.test");
        assertThat(run.status).isEqualTo(2);
        assertThat(run.err).isEqualTo("gatekeeper spf: --batch-format goes with --batch only" + System.lineSeparator());
        Run unknown = run("", "spf", "--zone", ZONE, "--batch", "--batch-format", "csv");
        assertThat(unknown.status).isEqualTo(2);
        assertThat(unknown.err).contains("--batch-format must be space, tsv or json, not 'csv'");
    }

    /** An exp= whose domain the DNS server never answers, over real UDP on loopback (RFC 7208 §6.2). */
    @Test
    void anUnansweredExplanationLeavesTheFailWithTheDefaultExplanationWithinTheTimeout() throws Exception {
        ZoneFile zone = ZoneFile.parse(String.join("\n",
                "$ORIGIN exp.test.",
                "$TTL 300",
                "strict     IN TXT \"v=spf1 ip4:127.0.0.10 -all exp=why.strict.exp.test\"",
                "why.strict IN TXT \"%{i} may not send for %{d}\"",
                ""), "exp.test");
        try (LoopbackDnsServer dns = LoopbackDnsServer.start(zone)) {
            String[] argv = {"spf", "--dns-server", dns.hostPort(), "--timeout", "2s", "--ip", "127.0.0.11",
                "--helo", "client.example", "--sender", "alice@strict.exp.test"};
            Run answered = run("", argv);
            assertThat(answered.lines()).startsWith("fail", "explanation: 127.0.0.11 may not send for strict.exp.test");

            dns.onlyFor("why.strict.exp.test").drop(true).resetCounters();
            long start = System.nanoTime();
            Run dropped = run("", argv);
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertThat(dropped.status).isZero();
            assertThat(dropped.lines()).containsExactly("fail",
                    "explanation: strict.exp.test does not designate 127.0.0.11 as permitted sender",
                    "mechanism: -all", "lookups: 0");
            assertThat(millis).as("within --timeout 2s and a margin").isLessThan(3_500);
            assertThat(dns.queries("why.strict.exp.test", "TXT")).as("the explanation was asked for").isPositive();

            Run batch = run("127.0.0.11 client.example alice@strict.exp.test\n", "spf", "--dns-server", dns.hostPort(),
                    "--timeout", "2s", "--batch");
            assertThat(batch.lines()).containsExactly("fail\tstrict.exp.test does not designate 127.0.0.11 as permitted sender");
        }
    }

    @Test
    void badArgumentsGiveOneLineAndStatusTwo() {
        for (String[] argv : List.of(
                new String[] {"spf", "--zone", ZONE, "--ip", "300.1.2.3", "--helo", "h", "--sender", "a@b"},
                new String[] {"spf", "--zone", ZONE, "--helo", "h", "--sender", "a@b"},
                new String[] {"spf", "--zone", ZONE, "--ip", "192.0.2.1", "--helo", "h", "--sender", "a@b", "--header", "x"},
                new String[] {"spf", "--zone", "no/such/file", "--ip", "192.0.2.1", "--helo", "h", "--sender", "a@b"},
                new String[] {"spf", "--zone", ZONE, "--dns-server", "127.0.0.1:5353", "--ip", "192.0.2.1", "--helo", "h", "--sender", "a@b"},
                new String[] {"spf", "--bogus"},
                new String[] {"spf", "--timeout", "soon", "--zone", ZONE, "--batch"},
                new String[] {"nonsense"})) {
            Run run = run("", argv);
            assertThat(run.status).as(Arrays.toString(argv)).isEqualTo(2);
            assertThat(run.out).as(Arrays.toString(argv)).isEmpty();
            assertThat(run.err.strip().lines().count()).as(Arrays.toString(argv)).isOne();
        }
    }

    @Test
    void noCommandPrintsUsageWithStatusTwo() {
        Run run = run("");
        assertThat(run.status).isEqualTo(2);
        assertThat(run.err).contains("usage:").contains("spf");
    }

    private static Run run(String stdin, String... argv) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = Main.run(new ArrayList<>(Arrays.asList(argv)),
                new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static final class Run {
        final int status;
        final String out;
        final String err;

        Run(int status, String out, String err) {
            this.status = status;
            this.out = out;
            this.err = err;
        }

        List<String> lines() {
            return out.lines().collect(java.util.stream.Collectors.toList());
        }
    }
}
