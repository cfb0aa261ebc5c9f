package dev.gatekeeper.benchmarks.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The ratio of each round and their median, and the warm-up's steadiness test. */
class RoundRatiosTest {

    @Test
    void eachRoundsRatioIsGatekeepersRateOverPlainJamessInThatRound() {
        assertThat(RoundRatios.byRound(List.of(800.0, 450.0, 900.0), List.of(1000.0, 500.0, 900.0)))
                .containsExactly(0.8, 0.9, 1.0);
    }

    @Test
    void roundsOfTwoLengthsAreRefused() {
        assertThatThrownBy(() -> RoundRatios.byRound(List.of(1.0), List.of(1.0, 2.0))).hasMessage("rounds differ: 1 and 2");
    }

    @Test
    void theMedianOfAnOddCountIsTheMiddleValueWhateverTheOrder() {
        assertThat(RoundRatios.median(List.of(0.95, 0.55, 0.90, 0.88, 1.10))).isEqualTo(0.90);
    }

    @Test
    void theMedianOfAnEvenCountIsTheMeanOfTheTwoMiddleValues() {
        assertThat(RoundRatios.median(List.of(0.9, 0.7, 0.8, 0.6))).isCloseTo(0.75, within(1e-12));
        assertThat(RoundRatios.median(List.of(0.7))).isEqualTo(0.7);
    }

    @Test
    void noRoundsHaveNoMedian() {
        assertThatThrownBy(() -> RoundRatios.median(List.of())).hasMessage("no values");
    }

    @Test
    void ratiosPrintWithTwoDecimals() {
        assertThat(RoundRatios.format(List.of(0.804, 1.0))).isEqualTo(" 0.80 1.00");
    }

    @Test
    void aRunIsSteadyWithinFivePercentOfThePreviousOneEitherWay() {
        assertThat(SteadyWarmUp.steady(1000, 1050)).isTrue();
        assertThat(SteadyWarmUp.steady(1000, 950)).isTrue();
        assertThat(SteadyWarmUp.steady(1000, 1051)).isFalse();
        assertThat(SteadyWarmUp.steady(1000, 949)).isFalse();
        // The first run has nothing to agree with.
        assertThat(SteadyWarmUp.steady(0, 0)).isFalse();
    }

    @Test
    void aRunIsWarmOnlyWhenItsRateIsSteadyAndTheCompilerQuiet() {
        SteadyWarmUp.Sample first = new SteadyWarmUp.Sample(1000, 0.20);
        assertThat(SteadyWarmUp.warm(first, new SteadyWarmUp.Sample(1020, 0.03))).isTrue();
        // Same rate, but the JIT still took a tenth of James's CPU: both runs were slowed alike.
        assertThat(SteadyWarmUp.warm(first, new SteadyWarmUp.Sample(1000, 0.10))).isFalse();
        assertThat(SteadyWarmUp.warm(first, new SteadyWarmUp.Sample(1100, 0.01))).isFalse();
        assertThat(SteadyWarmUp.warm(null, new SteadyWarmUp.Sample(1000, 0.0))).isFalse();
    }

    @Test
    void theCompilerShareIsItsThreadsPartOfJamessCpu() {
        SteadyWarmUp.Sample s = SteadyWarmUp.Sample.of(2000, 2.0, new CpuTime(3000, 1000), new CpuTime(400, 0));
        assertThat(s.messagesPerSecond()).isEqualTo(1000.0);
        assertThat(s.compilerShare()).isEqualTo(0.10);
        assertThat(CpuTime.compiler(java.util.Map.of("C2_CompilerThre", new CpuTime(5, 1), "C1_CompilerThre", new CpuTime(2, 0),
                "smtpserver-gate", new CpuTime(100, 50)))).isEqualTo(new CpuTime(7, 1));
    }
}
