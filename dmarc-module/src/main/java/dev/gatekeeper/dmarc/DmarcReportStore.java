package dev.gatekeeper.dmarc;

import dev.gatekeeper.state.SharedState;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The data of DMARC aggregate reports (RFC 7489 §7.2): each evaluated message's
 * {@link DmarcReportRecord}, counted per UTC day in the {@link SharedState}. Equal records are one
 * field of the day's tally with a count, so a day's data is one tally (in Redis, one hash) with one
 * field per distinct row, whatever the number of messages.
 *
 * <p>The tally is {@code dmarc-report:rows:<day>}; each field is the report domain, a space and
 * the row ({@link DmarcReportRecord#key()}, which has no space). It lives {@link #RETENTION}
 * after its last update, so a day's data is there to report for a week after the day ends, then
 * goes by itself. A day holds at most {@link #MAX_ROWS} distinct rows over all domains: beyond,
 * new rows are not counted (and the reports lose them) while known rows still are, so a flood of
 * forged mail from many addresses cannot make the store grow without bound (about 300 bytes a
 * row: some 30 MB a day at most).
 *
 * <p>With the in-process store the data dies with James and no other process can read it: the
 * {@code dmarc-report} command needs {@code store=redis} (README-dmarc.md). Thread-safe.
 */
public final class DmarcReportStore {

    /** RFC 7489 §7.2's default interval is a day; a week's margin covers a report run that failed for days. */
    public static final Duration RETENTION = Duration.ofDays(8);
    /** Distinct rows per day, all report domains together. */
    public static final int MAX_ROWS = 100_000;

    static final String PREFIX = "dmarc-report:";

    private final SharedState state;
    private final Clock clock;
    private final int maxRows;

    /** Counts in {@code state}, by the day {@code clock} gives (UTC). */
    public DmarcReportStore(SharedState state, Clock clock) {
        this(state, clock, MAX_ROWS);
    }

    DmarcReportStore(SharedState state, Clock clock, int maxRows) {
        this.state = Objects.requireNonNull(state, "state");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.maxRows = maxRows;
    }

    /**
     * Counts one message under today's (UTC) row of its report domain. The stage answers
     * {@code false} when the day was full and the row left out; it fails when the store does
     * not answer (the caller logs it: a report row is never worth delaying mail for).
     */
    public CompletionStage<Boolean> record(DmarcReportRecord record) {
        LocalDate day = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
        return state.tally(rowsKey(day), record.reportDomain() + " " + record.key(), 1, RETENTION, maxRows);
    }

    /** The report domains with data on any day from {@code since} to {@code until} (both included, UTC), sorted. */
    public CompletionStage<List<String>> domains(LocalDate since, LocalDate until) {
        FieldReader<String> byDomain = (domain, row, count, out) -> out.merge(domain, count, Long::sum);
        return read(since, until, byDomain).thenApply(all -> new ArrayList<String>(new TreeMap<>(all).keySet()));
    }

    /**
     * The rows of {@code domain} over the days from {@code since} to {@code until} (both
     * included, UTC), equal rows of several days added up. Rows this version cannot read are
     * left out.
     */
    public CompletionStage<Map<DmarcReportRecord, Long>> rows(String domain, LocalDate since, LocalDate until) {
        return read(since, until, (d, row, count, out) -> {
            if (d.equals(domain)) {
                DmarcReportRecord.decode(row).ifPresent(r -> out.merge(r, count, Long::sum));
            }
        });
    }

    /** What {@link #read} does with each field: its domain, its row text and its count. */
    private interface FieldReader<K> {
        void accept(String domain, String row, long count, Map<K, Long> out);
    }

    private <K> CompletionStage<Map<K, Long>> read(LocalDate since, LocalDate until, FieldReader<K> reader) {
        CompletionStage<Map<K, Long>> out = CompletableFuture.completedFuture(new LinkedHashMap<>());
        for (LocalDate day : days(since, until)) {
            out = out.thenCombine(state.tallies(rowsKey(day)), (sum, tally) -> {
                tally.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> {
                    int space = e.getKey().indexOf(' ');
                    if (space > 0) {
                        reader.accept(e.getKey().substring(0, space), e.getKey().substring(space + 1), e.getValue(), sum);
                    }
                });
                return sum;
            });
        }
        return out;
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

    static String rowsKey(LocalDate day) {
        return PREFIX + "rows:" + day;
    }
}
