package dev.gatekeeper.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatekeeper.dkim.DkimSettings;
import dev.gatekeeper.dkim.DkimVerifier;
import dev.gatekeeper.dkim.Rfc8463Example;
import dev.gatekeeper.dmarc.DmarcEvaluator;
import dev.gatekeeper.dmarc.DmarcReportRecord;
import dev.gatekeeper.dmarc.DmarcReportStore;
import dev.gatekeeper.dmarc.MessageAuthentication;
import dev.gatekeeper.dmarc.MessageAuthenticator;
import dev.gatekeeper.dmarc.SpfAuthResult;
import dev.gatekeeper.dmarc.SpfEvidence;
import dev.gatekeeper.dns.MutableClock;
import dev.gatekeeper.dns.TxtRecord;
import dev.gatekeeper.dns.ZoneResolver;
import dev.gatekeeper.state.SharedState;
import dev.gatekeeper.state.StateSettings;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code dmarc-report} over a store filled as the SMTP handler fills it. The command opens the
 * store from {@code --redis}; here that opening is replaced by the in-process store the rows were
 * counted in (DmarcReportStoreRedisIT covers Redis itself).
 */
class DmarcReportCommandTest {

    @TempDir
    Path dir;

    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-04T10:00:00Z"));
    private final SharedState state = SharedState.local(clock, 1000);
    private final List<StateSettings> opened = new ArrayList<>();
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private void count(String domain, String record, String ip, int times) throws Exception {
        ZoneResolver zone = Rfc8463Example.zone().add("_dmarc." + domain, TxtRecord.of(record)).build();
        MessageAuthenticator authenticator = new MessageAuthenticator(
                new DkimVerifier(zone, DkimSettings.builder().clock(Rfc8463Example.CLOCK).build()), DmarcEvaluator.builder(zone).build());
        String message = Rfc8463Example.MESSAGE.replace("joe@football.example.com", "joe@" + domain);
        MessageAuthentication m = authenticator.authenticate(new ByteArrayInputStream(Rfc8463Example.bytes(message)), SpfEvidence.none())
                .toCompletableFuture().get(10, TimeUnit.SECONDS);
        // As the handler does: a record without rua= gives no row.
        var row = DmarcReportRecord.of(m, InetAddress.getByName(ip), "bounces.example.net", "",
                SpfAuthResult.mailFrom("bounces.example.net", "none"));
        DmarcReportStore store = new DmarcReportStore(state, clock);
        for (int i = 0; i < times && row.isPresent(); i++) {
            store.record(row.get()).toCompletableFuture().get(5, TimeUnit.SECONDS);
        }
    }

    private int run(String... args) {
        DmarcReportCommand command = new DmarcReportCommand(s -> {
            opened.add(s);
            return state;
        }, clock);
        List<String> all = new ArrayList<>();
        all.add(command.name());
        all.addAll(Arrays.asList(args));
        return Main.runWith(List.of(command), all, new ByteArrayInputStream(new byte[0]),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void writesOneFilePerReportDomainNamedAsRfc7489SaysAndListsWhereToSendIt() throws Exception {
        count("football.example.com", "v=DMARC1; p=reject; rua=mailto:agg@football.example.com", "127.0.0.1", 3);
        count("example.com", "v=DMARC1; p=none; rua=mailto:agg@example.com", "127.0.0.2", 1);
        count("example.net", "v=DMARC1; p=none", "127.0.0.3", 1); // no rua=: never counted
        clock.advance(Duration.ofDays(1)); // the report runs the next day

        int status = run("--since", "2026-12-04", "--org-name", "Example Receiver", "--email", "postmaster@Example.ORG",
                "--redis", "redis://127.0.0.1:6379", "--out", dir.toString());

        assertThat(status).as(err.toString(StandardCharsets.UTF_8)).isZero();
        assertThat(opened).hasSize(1);
        assertThat(opened.get(0).store()).isEqualTo(StateSettings.Store.REDIS);
        assertThat(opened.get(0).fallback()).isEqualTo(StateSettings.Fallback.FAIL);
        String begin = "1796342400";
        String end = "1796428799";
        Path football = dir.resolve("example.org!football.example.com!" + begin + "!" + end + ".xml");
        Path example = dir.resolve("example.org!example.com!" + begin + "!" + end + ".xml");
        assertThat(out.toString(StandardCharsets.UTF_8).split("\n")).containsExactly(
                example + "\texample.com\t1\tmailto:agg@example.com",
                football + "\tfootball.example.com\t3\tmailto:agg@football.example.com");
        String xml = Files.readString(football);
        assertThat(xml).startsWith("<?xml version=\"1.0\" encoding=\"UTF-8\"?>")
                .contains("<feedback xmlns=\"http://dmarc.org/dmarc-xml/0.1\">", "<org_name>Example Receiver</org_name>",
                        "<count>3</count>", "<source_ip>127.0.0.1</source_ip>");
        try (var files = Files.list(dir)) {
            assertThat(files.count()).isEqualTo(2);
        }
    }

    @Test
    void oneDomainToStandardOutputTheOthersLeftAlone() throws Exception {
        count("football.example.com", "v=DMARC1; p=reject; rua=mailto:agg@football.example.com", "127.0.0.1", 2);
        count("example.com", "v=DMARC1; p=none; rua=mailto:agg@example.com", "127.0.0.2", 1);

        int status = run("--since", "2026-12-04", "--until", "2026-12-04", "--org-name", "R", "--email", "r@example.org",
                "--redis", "redis://127.0.0.1:6379", "--domain", "Football.Example.com", "--out", "-");

        assertThat(status).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("<domain>football.example.com</domain>", "<count>2</count>")
                .doesNotContain("<header_from>example.com</header_from>");
        assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("-\tfootball.example.com\t2\t");
    }

    @Test
    void severalDomainsToStandardOutputIsAUsageError() throws Exception {
        count("football.example.com", "v=DMARC1; p=reject; rua=mailto:agg@football.example.com", "127.0.0.1", 1);
        count("example.com", "v=DMARC1; p=none; rua=mailto:agg@example.com", "127.0.0.2", 1);
        assertThat(run("--since", "2026-12-04", "--until", "2026-12-04", "--org-name", "R", "--email", "r@example.org",
                "--redis", "redis://127.0.0.1:6379", "--out", "-")).isEqualTo(Main.EXIT_USAGE);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("2 domains have reports; name one with --domain");
        assertThat(out.size()).isZero();
    }

    @Test
    void argumentsAreCheckedBeforeTheStoreIsOpened() {
        assertThat(run("--since", "2026-12-03", "--org-name", "R", "--email", "r@example.org", "--out", dir.toString()))
                .isEqualTo(Main.EXIT_USAGE);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("missing --redis URI", "in-process counts cannot be read");
        err.reset();
        assertThat(run("--since", "04.12.2026", "--org-name", "R", "--email", "r@example.org", "--redis", "redis://127.0.0.1"))
                .isEqualTo(Main.EXIT_USAGE);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--since 04.12.2026 is not a day (YYYY-MM-DD)");
        err.reset();
        assertThat(run("--since", "2026-12-04", "--until", "2026-12-01", "--org-name", "R", "--email", "r@example.org",
                "--redis", "redis://127.0.0.1")).isEqualTo(Main.EXIT_USAGE);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--until 2026-12-01 is before --since 2026-12-04");
        assertThat(opened).isEmpty();
    }

    @Test
    void noMessagesIsSaidAndNoFileWritten() throws Exception {
        assertThat(run("--since", "2026-12-01", "--until", "2026-12-03", "--org-name", "R", "--email", "r@example.org",
                "--redis", "redis://127.0.0.1:6379", "--out", dir.toString())).isZero();
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("no messages counted from 2026-12-01 to 2026-12-03");
        try (var files = Files.list(dir)) {
            assertThat(files.count()).isZero();
        }
    }
}
