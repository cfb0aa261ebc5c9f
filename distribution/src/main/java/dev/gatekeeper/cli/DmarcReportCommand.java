package dev.gatekeeper.cli;

import dev.gatekeeper.dmarc.AggregateReport;
import dev.gatekeeper.dmarc.DmarcReportRecord;
import dev.gatekeeper.dmarc.DmarcReportStore;
import dev.gatekeeper.state.SharedState;
import dev.gatekeeper.state.StateSettings;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * {@code dmarc-report}: writes the RFC 7489 Appendix C aggregate report of each domain that had
 * messages counted over whole UTC days ({@code --since}, {@code --until}), from the Redis the
 * SMTP handlers count into ({@code <dmarc><reports>true</reports>} with
 * {@code <state><store>redis</store>}). In-process counts belong to the James that made them:
 * no other process can read them. Sending the reports to the {@code rua=} addresses printed is
 * left to a cron job (README-dmarc.md).
 */
final class DmarcReportCommand implements Command {

    /** The store did not answer: the reports may be incomplete, so none are written. */
    static final int EXIT_STORE = 1;
    private static final long STORE_TIMEOUT_SECONDS = 30;

    private final Function<StateSettings, SharedState> open;
    private final Clock clock;

    DmarcReportCommand() {
        this(s -> SharedState.open(s, Clock.systemUTC()), Clock.systemUTC());
    }

    DmarcReportCommand(Function<StateSettings, SharedState> open, Clock clock) {
        this.open = open;
        this.clock = clock;
    }

    @Override
    public String name() {
        return "dmarc-report";
    }

    @Override
    public String summary() {
        return "write RFC 7489 aggregate reports: --since DAY [--until DAY] --org-name NAME --email ADDR --redis URI"
                + " [--key-prefix P] [--domain D ...] [--out DIR | --out -] [--receiver DOMAIN]";
    }

    @Override
    public int run(List<String> args, InputStream in, PrintStream out, PrintStream err) throws UsageException {
        Arguments a = Arguments.parse(args,
                Set.of("--since", "--until", "--org-name", "--email", "--redis", "--key-prefix", "--domain", "--out", "--receiver"),
                Set.of(), Set.of("--domain"));
        if (!a.positional().isEmpty()) {
            throw new UsageException("unexpected argument " + a.positional().get(0));
        }
        LocalDate since = day(a, "--since", null);
        // The last whole UTC day by default: a daily cron run reports yesterday.
        LocalDate until = day(a, "--until", LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC).minusDays(1));
        if (until.isBefore(since)) {
            throw new UsageException("--until " + until + " is before --since " + since);
        }
        if (since.plusDays(366).isBefore(until)) {
            throw new UsageException("--since " + since + " to --until " + until + " is more than a year");
        }
        String orgName = a.required("--org-name");
        String email = a.required("--email");
        int at = email.lastIndexOf('@');
        if (at < 1 || at == email.length() - 1) {
            throw new UsageException("--email " + email + " is not an address");
        }
        String receiver = a.value("--receiver").orElse(email.substring(at + 1).toLowerCase(java.util.Locale.ROOT));
        String redis = a.value("--redis").orElseThrow(() -> new UsageException("missing --redis URI: the counts are in the Redis of "
                + "<state><store>redis</store>; in-process counts cannot be read from another process"));
        StateSettings settings;
        try {
            settings = StateSettings.parse(Map.of("store", "redis", "redis.uri", redis, "redis.fallback", "fail",
                    "redis.key-prefix", a.value("--key-prefix").orElse(StateSettings.REDIS_KEY_PREFIX.defaultValue()),
                    "redis.connect-timeout", "5s", "redis.command-timeout", "10s"));
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        String target = a.value("--out").orElse(".");
        Path dir = target.equals("-") ? null : Path.of(target);
        if (dir != null && !Files.isDirectory(dir)) {
            throw new UsageException("--out " + target + " is not a directory");
        }
        try (SharedState state = open.apply(settings)) {
            DmarcReportStore store = new DmarcReportStore(state, clock);
            List<String> domains = a.all("--domain").isEmpty() ? await(store.domains(since, until)) : lower(a.all("--domain"));
            List<AggregateReport> reports = new ArrayList<>();
            for (String domain : domains) {
                Map<DmarcReportRecord, Long> rows = await(store.rows(domain, since, until));
                if (rows.isEmpty()) {
                    err.println("gatekeeper dmarc-report: " + domain + ": no messages from " + since + " to " + until);
                    continue;
                }
                reports.add(AggregateReport.of(orgName, email, domain, since, until, rows));
            }
            if (reports.isEmpty()) {
                err.println("gatekeeper dmarc-report: no messages counted from " + since + " to " + until + " in " + state.describe());
                return Main.EXIT_OK;
            }
            if (dir == null && reports.size() > 1) {
                throw new UsageException(reports.size() + " domains have reports; name one with --domain to write to standard output");
            }
            for (AggregateReport report : reports) {
                if (dir == null) {
                    report.writeTo(out);
                    out.flush();
                    err.println(summary(report, "-"));
                } else {
                    Path file = dir.resolve(report.fileName(receiver));
                    try (OutputStream o = Files.newOutputStream(file)) {
                        report.writeTo(o);
                    }
                    out.println(summary(report, file.toString()));
                }
            }
            return Main.EXIT_OK;
        } catch (IOException | RuntimeException e) {
            err.println("gatekeeper dmarc-report: " + e.getMessage());
            return EXIT_STORE;
        }
    }

    /** One tab-separated line per report: where it went, the domain, its messages and the rua= to send it to. */
    private static String summary(AggregateReport report, String where) {
        return where + "\t" + report.domain() + "\t" + report.messages() + "\t" + String.join(",", report.rua());
    }

    private static LocalDate day(Arguments a, String name, LocalDate fallback) throws UsageException {
        String value = fallback == null ? a.required(name) : a.value(name).orElse(null);
        if (value == null) {
            return fallback;
        }
        try {
            return LocalDate.parse(value);
        } catch (DateTimeParseException e) {
            throw new UsageException(name + " " + value + " is not a day (YYYY-MM-DD)");
        }
    }

    private static List<String> lower(List<String> domains) {
        List<String> out = new ArrayList<>();
        for (String d : domains) {
            out.add(d.toLowerCase(java.util.Locale.ROOT));
        }
        return out;
    }

    private static <T> T await(java.util.concurrent.CompletionStage<T> stage) throws IOException {
        try {
            return stage.toCompletableFuture().get(STORE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        } catch (ExecutionException e) {
            throw new IOException(e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IOException("no answer from the store within " + STORE_TIMEOUT_SECONDS + " s");
        }
    }
}
