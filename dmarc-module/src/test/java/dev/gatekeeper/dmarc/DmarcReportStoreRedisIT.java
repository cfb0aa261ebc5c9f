package dev.gatekeeper.dmarc;

import static dev.gatekeeper.dmarc.ReportMessages.DOMAIN;
import static dev.gatekeeper.dmarc.ReportMessages.FORGED;
import static dev.gatekeeper.dmarc.ReportMessages.REPORTING;
import static dev.gatekeeper.dmarc.ReportMessages.judge;
import static dev.gatekeeper.dmarc.ReportMessages.row;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatekeeper.dkim.Rfc8463Example;
import dev.gatekeeper.state.RedisServer;
import dev.gatekeeper.state.SharedState;
import dev.gatekeeper.state.StateSettings;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.xml.transform.stream.StreamSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Two James nodes count into one Redis; a third process (the command line) reads the report from it. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DmarcReportStoreRedisIT {

    private static SharedState node(RedisServer redis) {
        return SharedState.open(StateSettings.parse(Map.of("store", "redis", "redis.uri", redis.uri(), "redis.fallback", "fail",
                "redis.key-prefix", "rua-it:")), Clock.systemUTC());
    }

    @Test
    void rowsCountedByTwoNodesMakeOneValidReport() throws Exception {
        try (RedisServer redis = RedisServer.start(); SharedState a = node(redis); SharedState b = node(redis);
                SharedState reader = node(redis)) {
            DmarcReportStore nodeA = new DmarcReportStore(a, Clock.systemUTC());
            DmarcReportStore nodeB = new DmarcReportStore(b, Clock.systemUTC());
            DmarcReportRecord pass = row(judge(REPORTING, Rfc8463Example.MESSAGE), "127.0.0.1");
            DmarcReportRecord forged = row(judge(REPORTING, FORGED), "127.0.0.2");
            for (int i = 0; i < 10; i++) {
                (i % 2 == 0 ? nodeA : nodeB).record(pass).toCompletableFuture().get(5, TimeUnit.SECONDS);
            }
            nodeB.record(forged).toCompletableFuture().get(5, TimeUnit.SECONDS);

            DmarcReportStore cli = new DmarcReportStore(reader, Clock.systemUTC());
            LocalDate today = LocalDate.now(ZoneOffset.UTC);
            // Around midnight UTC the rows may straddle two days: read both.
            LocalDate since = today.minusDays(1);
            assertThat(cli.domains(since, today).toCompletableFuture().get(5, TimeUnit.SECONDS)).containsExactly(DOMAIN);
            Map<DmarcReportRecord, Long> rows = cli.rows(DOMAIN, since, today).toCompletableFuture().get(5, TimeUnit.SECONDS);
            assertThat(rows).isEqualTo(Map.of(pass, 10L, forged, 1L));

            ByteArrayOutputStream xml = new ByteArrayOutputStream();
            AggregateReport.of("Example Receiver", "postmaster@example.org", DOMAIN, since, today, rows).writeTo(xml);
            ReportMessages.appendixC().newValidator().validate(new StreamSource(new ByteArrayInputStream(xml.toByteArray())));
        }
    }
}
