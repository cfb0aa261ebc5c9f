package dev.gatekeeper.benchmarks.load;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The DNS work figures of the load comparison's output. */
class LoadComparisonTest {

    @Test
    void dnsWorkIsQueriesPerConnectionAndPerMessage() {
        assertThat(LoadComparison.dnsWork(12, 4, 48)).isEqualTo("DNS 12 queries = 3.00/connection 0.250/msg");
    }

    @Test
    void aRunWithoutConnectionsOrMessagesShowsZeroNotNaN() {
        assertThat(LoadComparison.dnsWork(0, 0, 0)).isEqualTo("DNS 0 queries = 0.00/connection 0.000/msg");
    }
}
