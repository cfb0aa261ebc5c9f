package dev.gatekeeper.benchmarks.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/** A look asks only the INBOXes still short, a run is complete when each holds what it should, and emptying starts afresh. */
class InboxTallyTest {

    private final Map<String, Long> held = new ConcurrentHashMap<>(Map.of("1u", 0L, "2u", 0L, "3u", 0L));
    private final Map<String, Integer> asked = new ConcurrentHashMap<>();

    private final InboxTally.Inboxes inboxes = new InboxTally.Inboxes() {
        @Override
        public long count(String mailbox) {
            asked.merge(mailbox, 1, Integer::sum);
            return held.get(mailbox);
        }

        @Override
        public void empty(String mailbox) {
            held.put(mailbox, 0L);
        }
    };

    @Test
    void anInboxHoldingItsMessageIsNotAskedAgain() throws Exception {
        try (InboxTally tally = new InboxTally(inboxes, List.of("1u", "2u", "3u"))) {
            held.putAll(Map.of("1u", 1L, "2u", 1L));
            assertThat(tally.delivered(tally.oneEach())).isEqualTo(2);
            held.put("3u", 1L);
            assertThat(tally.delivered(tally.oneEach())).isEqualTo(3);
            assertThat(asked).isEqualTo(Map.of("1u", 1, "2u", 1, "3u", 2));
        }
    }

    @Test
    void emptyingDeletesEveryInboxAndTheNextLookAsksThemAll() throws Exception {
        try (InboxTally tally = new InboxTally(inboxes, List.of("1u", "2u", "3u"))) {
            held.putAll(Map.of("1u", 1L, "2u", 1L, "3u", 1L));
            assertThat(tally.delivered(tally.oneEach())).isEqualTo(3);
            tally.emptyAll();
            assertThat(held).containsOnly(Map.entry("1u", 0L), Map.entry("2u", 0L), Map.entry("3u", 0L));
            held.put("2u", 1L);
            assertThat(tally.delivered(tally.oneEach())).isEqualTo(1);
            assertThat(asked).isEqualTo(Map.of("1u", 2, "2u", 2, "3u", 2));
        }
    }

    @Test
    void aSurplusIsCountedApartAndDoesNotHideAnEmptyInbox() throws Exception {
        try (InboxTally tally = new InboxTally(inboxes, List.of("1u", "2u", "3u"))) {
            held.putAll(Map.of("1u", 2L, "2u", 1L));
            // Three messages in all, as many as INBOXes, yet 3u's is still on its way.
            assertThat(tally.delivered(tally.oneEach())).isEqualTo(2);
            assertThat(tally.surplus(tally.oneEach())).isEqualTo(1);
            held.put("3u", 1L);
            assertThat(tally.delivered(tally.oneEach())).isEqualTo(3);
        }
    }

    @Test
    void aRunOfSeveralMessagesAnInboxWaitsForEachAndAsksNoOtherInbox() throws Exception {
        try (InboxTally tally = new InboxTally(inboxes, List.of("1u", "2u", "3u"))) {
            long[] expected = tally.expected(Map.of("1u", 2, "2u", 1));
            held.putAll(Map.of("1u", 1L, "2u", 1L));
            assertThat(tally.delivered(expected)).isEqualTo(2);
            held.put("1u", 2L);
            assertThat(tally.delivered(expected)).isEqualTo(3);
            assertThat(tally.surplus(expected)).isZero();
            // 3u was sent nothing: never asked; 2u held its one at the first look.
            assertThat(asked).isEqualTo(Map.of("1u", 2, "2u", 1));
        }
    }

    @Test
    void aShortfallNamesEachInboxStillShortAskedAgain() throws Exception {
        try (InboxTally tally = new InboxTally(inboxes, List.of("1u", "2u", "3u"))) {
            held.putAll(Map.of("1u", 1L, "3u", 1L));
            assertThat(tally.delivered(tally.oneEach())).isEqualTo(2);
            assertThat(tally.shortfall(tally.oneEach())).containsExactly("2u: expected 1, INBOX holds 0, mailboxes not listed");
            assertThat(asked.get("2u")).isEqualTo(2);
        }
    }

    @Test
    void aRecipientOutsideTheCountedMailboxesIsAnError() {
        try (InboxTally tally = new InboxTally(inboxes, List.of("1u", "2u", "3u"))) {
            assertThatThrownBy(() -> tally.expected(Map.of("9u", 1))).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("9u");
        }
    }

    @Test
    void theTotalAsksEveryInboxAnewAtEachLook() throws Exception {
        try (InboxTally tally = new InboxTally(inboxes, List.of("1u", "2u", "3u"))) {
            held.putAll(Map.of("1u", 3L, "3u", 1L));
            assertThat(tally.total()).isEqualTo(4);
            held.put("1u", 4L);
            assertThat(tally.total()).isEqualTo(5);
            assertThat(asked).isEqualTo(Map.of("1u", 2, "2u", 2, "3u", 2));
        }
    }

    @Test
    void aFailedRequestFailsTheLook() {
        try (InboxTally tally = new InboxTally(new InboxTally.Inboxes() {
            @Override
            public long count(String mailbox) throws IOException {
                throw new IOException("HTTP 500 for " + mailbox);
            }

            @Override
            public void empty(String mailbox) throws IOException {
                throw new IOException("HTTP 500 deleting " + mailbox);
            }
        }, List.of("1u"))) {
            assertThatThrownBy(() -> tally.delivered(tally.oneEach())).isInstanceOf(IOException.class)
                    .hasMessageContaining("HTTP 500 for 1u");
            assertThatThrownBy(tally::emptyAll).isInstanceOf(IOException.class).hasMessageContaining("HTTP 500 deleting 1u");
        }
    }
}
