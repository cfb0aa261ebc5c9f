package dev.gatekeeper.benchmarks.profile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatekeeper.benchmarks.profile.StageClassifier.Frame;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The table's figures: shares of all of James's samples and of Gatekeeper's, stage subtotals first. */
class StageProfileTest {

    private static final List<Frame> RCPT_CALLOUT_CACHE = List.of(
            Frame.of("dev.gatekeeper.callout.CalloutCache.get"),
            Frame.of("dev.gatekeeper.policy.PolicySession.rcpt"),
            Frame.of("dev.gatekeeper.james.smtp.GatekeeperHandler.doRcpt"),
            Frame.of("java.lang.Thread.run"));
    private static final List<Frame> RCPT_RULES = List.of(
            Frame.of("dev.gatekeeper.policy.RuleList.run"),
            Frame.of("dev.gatekeeper.policy.PolicySession.rcpt"),
            Frame.of("dev.gatekeeper.james.smtp.GatekeeperHandler.doRcpt"),
            Frame.of("java.lang.Thread.run"));
    private static final List<Frame> JAMES_SMTP = List.of(
            Frame.of("io.netty.channel.nio.NioEventLoop.run"),
            Frame.of("java.lang.Thread.run"));

    private static String table(StageProfile p) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        p.print(new PrintStream(bytes, true, StandardCharsets.UTF_8), 2);
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void rowsCarryTheirShareOfJamesAndOfGatekeeper() {
        StageProfile p = new StageProfile();
        p.add(RCPT_CALLOUT_CACHE, false);
        for (int i = 0; i < 3; i++) {
            p.add(RCPT_RULES, false);
        }
        for (int i = 0; i < 6; i++) {
            p.add(JAMES_SMTP, i == 0);
        }

        String table = table(p);

        assertThat(table).startsWith("10 samples of James's Java threads, 4 of them (40.0%) with a Gatekeeper frame; 1 stacks truncated");
        assertThat(table).contains("| **RCPT** | **4** | **40.0%** | **100.0%** |\n"
                + "| RCPT / policy rules | 3 | 30.0% | 75.0% |\n"
                + "| RCPT / callout cache | 1 | 10.0% | 25.0% |\n"
                + "| **James** | **6** | **60.0%** |  |\n"
                + "| James / SMTP session (protocols, Netty) | 6 | 60.0% |  |\n");
        assertThat(table).contains("* RCPT / policy rules: policy.RuleList.run (3)");
        assertThat(table).contains("* RCPT / callout cache: callout.CalloutCache.get (1)");
    }

    @Test
    void anEmptyRecordingPrintsNoShares() {
        assertThat(table(new StageProfile())).startsWith("0 samples of James's Java threads, 0 of them (-) with a Gatekeeper frame");
    }
}
