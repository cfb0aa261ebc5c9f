package dev.gatekeeper.dmarc;

import static dev.gatekeeper.dmarc.ReportMessages.DOMAIN;
import static dev.gatekeeper.dmarc.ReportMessages.FORGED;
import static dev.gatekeeper.dmarc.ReportMessages.REPORTING;
import static dev.gatekeeper.dmarc.ReportMessages.judge;
import static dev.gatekeeper.dmarc.ReportMessages.row;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatekeeper.dkim.Rfc8463Example;
import dev.gatekeeper.dns.MutableClock;
import dev.gatekeeper.state.SharedState;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Counting report rows per domain and UTC day in the in-process state, by an injected clock. */
class DmarcReportStoreTest {

    private static final LocalDate DAY = LocalDate.parse("2026-12-04");
    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-04T23:59:58Z"));
    private final SharedState state = SharedState.local(clock, 1000);
    private final DmarcReportStore store = new DmarcReportStore(state, clock);

    private Map<DmarcReportRecord, Long> rows(LocalDate since, LocalDate until) {
        return store.rows(DOMAIN, since, until).toCompletableFuture().join();
    }

    private boolean record(DmarcReportRecord r) {
        return store.record(r).toCompletableFuture().join();
    }

    @Test
    void equalMessagesAreOneRowWithACount() throws Exception {
        DmarcReportRecord pass = row(judge(REPORTING, Rfc8463Example.MESSAGE), "192.0.2.1");
        DmarcReportRecord forged = row(judge(REPORTING, FORGED), "192.0.2.1");
        DmarcReportRecord elsewhere = row(judge(REPORTING, Rfc8463Example.MESSAGE), "192.0.2.2");
        for (int i = 0; i < 3; i++) {
            assertThat(record(pass)).isTrue();
        }
        record(forged);
        record(elsewhere);
        assertThat(rows(DAY, DAY)).isEqualTo(Map.of(pass, 3L, forged, 1L, elsewhere, 1L));
        assertThat(state.tallies(DmarcReportStore.rowsKey(DAY)).toCompletableFuture().join()).hasSize(3);
        assertThat(store.domains(DAY, DAY).toCompletableFuture().join()).containsExactly(DOMAIN);
    }

    @Test
    void aRowReadBackIsTheRowWritten() throws Exception {
        MessageAuthentication m = judge(REPORTING, FORGED);
        // What a client sends in MAIL FROM cannot break the stored line apart.
        DmarcReportRecord odd = DmarcReportRecord.of(m, InetAddress.getByName("::1"), "a&b=c:d%20\u00e9", "x.example",
                SpfAuthResult.mailFrom("a&b=c:d", "permerror")).orElseThrow();
        DmarcReportRecord back = DmarcReportRecord.decode(odd.key()).orElseThrow();
        assertThat(back).isEqualTo(odd);
        assertThat(back.envelopeFrom()).isEqualTo("a&b=c:d%20\u00e9");
        assertThat(back.spf().domain()).isEqualTo("a&b=c:d");
        assertThat(back.dkim()).extracting(DmarcReportRecord.DkimAuth::selector).containsExactly("brisbane", "test");
        assertThat(back.published().rua()).containsExactly("mailto:dmarc-rua@football.example.com");
        assertThat(DmarcReportRecord.decode("ip=1&garbage")).isEmpty();
        assertThat(DmarcReportRecord.decode("")).isEmpty();
    }

    @Test
    void eachUtcDayIsCountedApartAndARangeAddsThemUp() throws Exception {
        DmarcReportRecord pass = row(judge(REPORTING, Rfc8463Example.MESSAGE), "192.0.2.1");
        record(pass); // 23:59:58
        clock.advance(Duration.ofSeconds(1));
        record(pass); // 23:59:59, the same day
        clock.advance(Duration.ofSeconds(1));
        record(pass); // 00:00:00, the next
        assertThat(rows(DAY, DAY)).containsEntry(pass, 2L);
        assertThat(rows(DAY.plusDays(1), DAY.plusDays(1))).containsEntry(pass, 1L);
        assertThat(rows(DAY, DAY.plusDays(1))).isEqualTo(Map.of(pass, 3L));
        assertThat(rows(DAY.minusDays(1), DAY.minusDays(1))).isEmpty();
        assertThat(store.domains(DAY.minusDays(3), DAY.plusDays(1)).toCompletableFuture().join()).containsExactly(DOMAIN);
    }

    @Test
    void aDaysCountsLiveEightDaysAfterTheirLastUpdate() throws Exception {
        DmarcReportRecord pass = row(judge(REPORTING, Rfc8463Example.MESSAGE), "192.0.2.1");
        record(pass);
        clock.advance(DmarcReportStore.RETENTION.minusSeconds(1));
        assertThat(rows(DAY, DAY)).containsEntry(pass, 1L);
        clock.advance(Duration.ofSeconds(2));
        assertThat(rows(DAY, DAY)).isEmpty();
        assertThat(store.domains(DAY, DAY).toCompletableFuture().join()).isEmpty();
    }

    @Test
    void withoutRuaOrWithoutAnAppliedRecordNothingIsReported() throws Exception {
        assertThat(DmarcReportRecord.of(judge("v=DMARC1; p=reject", FORGED), InetAddress.getLoopbackAddress(), "bounces.example.net",
                "", SpfAuthResult.mailFrom("bounces.example.net", "fail"))).isEmpty();
        // An invalid rua URI is no rua (RFC 7489 §6.6.3 step 6.1 reads only valid ones).
        assertThat(DmarcReportRecord.of(judge("v=DMARC1; p=reject; rua=not a uri", FORGED), InetAddress.getLoopbackAddress(),
                "bounces.example.net", "", SpfAuthResult.mailFrom("bounces.example.net", "fail"))).isEmpty();
        assertThat(DmarcReportRecord.of(MessageAuthentication.notChecked("off"), InetAddress.getLoopbackAddress(), "", "",
                SpfAuthResult.mailFrom("bounces.example.net", "none"))).isEmpty();
        assertThat(DmarcReportRecord.of(MessageAuthentication.unreadable("DNS"), InetAddress.getLoopbackAddress(), "", "",
                SpfAuthResult.mailFrom("bounces.example.net", "none"))).isEmpty();
    }

    @Test
    void invalidPolicyReadAsNoneStillReports() throws Exception {
        // §6.6.3 step 6.1: a record with a bad p= and a valid rua= is applied as p=none, so that reports flow.
        DmarcReportRecord r = row(judge("v=DMARC1; p=block; rua=mailto:r@football.example.com", FORGED), "192.0.2.9");
        assertThat(r.published().p()).isEqualTo(Policy.NONE);
        assertThat(r.disposition()).isEqualTo(Policy.NONE);
    }

    @Test
    void aFullDayKeepsCountingItsRowsAndLeavesNewOnesOut() throws Exception {
        DmarcReportStore small = new DmarcReportStore(state, clock, 2);
        MessageAuthentication m = judge(REPORTING, FORGED);
        assertThat(small.record(row(m, "192.0.2.1")).toCompletableFuture().join()).isTrue();
        assertThat(small.record(row(m, "192.0.2.2")).toCompletableFuture().join()).isTrue();
        assertThat(small.record(row(m, "192.0.2.3")).toCompletableFuture().join()).isFalse();
        assertThat(small.record(row(m, "192.0.2.1")).toCompletableFuture().join()).isTrue();
        assertThat(rows(DAY, DAY)).hasSize(2).containsEntry(row(m, "192.0.2.1"), 2L);
    }
}
