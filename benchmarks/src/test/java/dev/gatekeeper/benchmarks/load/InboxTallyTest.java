package dev.gatekeeper.benchmarks.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/** A look asks only the INBOXes still short of their share, and the sum is of every INBOX. */
class InboxTallyTest {

    private final Map<String, Long> held = new ConcurrentHashMap<>(Map.of("1u", 0L, "2u", 0L, "3u", 0L));
    private final Map<String, Integer> asked = new ConcurrentHashMap<>();

    private long count(String mailbox) {
        asked.merge(mailbox, 1, Integer::sum);
        return held.get(mailbox);
    }

    @Test
    void aMailboxHoldingItsShareIsNotAskedAgainInThatRun() throws Exception {
        try (InboxTally tally = new InboxTally(this::count, List.of("1u", "2u", "3u"))) {
            held.putAll(Map.of("1u", 1L, "2u", 1L));
            assertThat(tally.total(1)).isEqualTo(2);
            held.put("3u", 1L);
            assertThat(tally.total(1)).isEqualTo(3);
            assertThat(asked).isEqualTo(Map.of("1u", 1, "2u", 1, "3u", 2));

            // The next run: every mailbox is short again and asked once more.
            held.putAll(Map.of("1u", 2L, "2u", 2L, "3u", 2L));
            assertThat(tally.total(2)).isEqualTo(6);
            assertThat(asked).isEqualTo(Map.of("1u", 2, "2u", 2, "3u", 3));
        }
    }

    @Test
    void aSurplusShowsInTheSum() throws Exception {
        try (InboxTally tally = new InboxTally(this::count, List.of("1u", "2u", "3u"))) {
            held.putAll(Map.of("1u", 2L, "2u", 1L, "3u", 1L));
            assertThat(tally.total(1)).isEqualTo(4);
        }
    }

    @Test
    void aFailedRequestFailsTheLook() {
        try (InboxTally tally = new InboxTally(m -> {
            throw new IOException("HTTP 500 for " + m);
        }, List.of("1u"))) {
            assertThatThrownBy(() -> tally.total(1)).isInstanceOf(IOException.class).hasMessageContaining("HTTP 500 for 1u");
        }
    }
}
