package dev.gatekeeper.dmarc;

import dev.gatekeeper.state.SharedState;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The data of DMARC aggregate reports (RFC 7489 §7.2): each evaluated message's
 * {@link DmarcReportRecord}, counted per report domain and UTC day in the {@link SharedState}.
 * Equal records are one field of one tally with a count, so a day's data is one tally per domain
 * with one field per distinct row (in Redis, one hash), whatever the number of messages.
 *
 * <p>Keys: {@code dmarc-report:domains:<day>} (a field per report domain, counting its messages)
 * and {@code dmarc-report:rows:<domain>:<day>} (a field per row). Both live {@link #RETENTION}
 * after their last update, so a day's data is there to report for a week after the day ends,
 * then goes by itself. A day holds at most {@link #MAX_DOMAINS} domains and a domain's day at
 * most {@link #MAX_ROWS} distinct rows: beyond, new rows are not counted (and the report loses
 * them), bounding what a flood of forged mail from many addresses can make us keep.
 *
 * <p>With the in-process store the data dies with James and no other process can read it: the
 * {@code dmarc-report} command needs {@code store=redis} (README-dmarc.md). Thread-safe.
 */
public final class DmarcReportStore {

    /** RFC 7489 §7.2's default interval is a day; a week's margin covers a report run that failed for days. */
    public static final Duration RETENTION = Duration.ofDays(8);
    /** Distinct rows per report domain and day. */
    public static final int MAX_ROWS = 10_000;
    /** Report domains per day. */
    public static final int MAX_DOMAINS = 10_000;

    static final String PREFIX = "dmarc-report:";

    private final SharedState state;
    private final Clock clock;
    private final int maxRows;
    private final int maxDomains;

    /** Counts in {@code state}, by the day {@code clock} gives (UTC). */
    public DmarcReportStore(SharedState state, Clock clock) {
        this(state, clock, MAX_ROWS, MAX_DOMAINS);
    }

    DmarcReportStore(SharedState state, Clock clock, int maxRows, int maxDomains) {
        this.state = Objects.requireNonNull(state, "state");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.maxRows = maxRows;
        this.maxDomains = maxDomains;
    }

    /**
     * Counts one message under today's (UTC) row of its report domain. The stage answers
     * {@code false} when the day was full and the row left out; it fails when the store does
     * not answer (the caller logs it: a report row is never worth delaying mail for).
     */
    public CompletionStage<Boolean> record(DmarcReportRecord record) {
        LocalDate day = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
        String domain = record.reportDomain();
        return state.tally(domainsKey(day), domain, 1, RETENTION, maxDomains).thenCompose(listed -> {
            if (!listed) {
                return CompletableFuture.completedFuture(false);
            }
            return state.tally(rowsKey(domain, day), record.key(), 1, RETENTION, maxRows);
        });
    }

    /** The report domains with data on {@code day}, sorted. */
    public CompletionStage<List<String>> domains(LocalDate day) {
        return state.tallies(domainsKey(day)).thenApply(all -> {
            List<String> out = new ArrayList<>(all.keySet());
            Collections.sort(out);
            return out;
        });
    }

    /**
     * The rows of {@code domain} over the days from {@code since} to {@code until} (both
     * included, UTC), equal rows of several days added up. Rows this version cannot read are
     * left out.
     */
    public CompletionStage<Map<DmarcReportRecord, Long>> rows(String domain, LocalDate since, LocalDate until) {
        CompletionStage<Map<DmarcReportRecord, Long>> out = CompletableFuture.completedFuture(new LinkedHashMap<>());
        for (LocalDate day : days(since, until)) {
            out = out.thenCombine(state.tallies(rowsKey(domain, day)), (sum, tally) -> {
                tally.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> {
                    Optional<DmarcReportRecord> row = DmarcReportRecord.decode(e.getKey());
                    row.ifPresent(r -> sum.merge(r, e.getValue(), Long::sum));
                });
                return sum;
            });
        }
        return out;
    }

    /** The report domains with data on any day from {@code since} to {@code until}, sorted. */
    public CompletionStage<List<String>> domains(LocalDate since, LocalDate until) {
        CompletionStage<List<String>> out = CompletableFuture.completedFuture(new ArrayList<>());
        for (LocalDate day : days(since, until)) {
            out = out.thenCombine(domains(day), (all, more) -> {
                for (String d : more) {
                    if (!all.contains(d)) {
                        all.add(d);
                    }
                }
                return all;
            });
        }
        return out.thenApply(all -> {
            Collections.sort(all);
            return all;
        });
    }

    /** For logs: where the counts go. */
    public String describe() {
        return state.describe();
    }

    private static List<LocalDate> days(LocalDate since, LocalDate until) {
        if (until.isBefore(since)) {
            throw new IllegalArgumentException("until " + until + " is before since " + since);
        }
        if (since.plusDays(366).isBefore(until)) {
            throw new IllegalArgumentException("more than a year: " + since + " to " + until);
        }
        List<LocalDate> out = new ArrayList<>();
        for (LocalDate d = since; !d.isAfter(until); d = d.plusDays(1)) {
            out.add(d);
        }
        return out;
    }

    static String domainsKey(LocalDate day) {
        return PREFIX + "domains:" + day;
    }

    static String rowsKey(String domain, LocalDate day) {
        return PREFIX + "rows:" + domain + ":" + day;
    }
}
