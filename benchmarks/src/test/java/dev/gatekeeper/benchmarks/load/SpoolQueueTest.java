package dev.gatekeeper.benchmarks.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import org.junit.jupiter.api.Test;

/** The spool's size as James's WebAdmin gives it; anything else is an error, not an empty spool. */
class SpoolQueueTest {

    @Test
    void readsTheSizeOfTheQueue() throws Exception {
        assertThat(SpoolQueue.size(200, "{\"name\":\"spool\",\"size\":17}")).isEqualTo(17);
        assertThat(SpoolQueue.size(200, "{\"name\" : \"spool\", \"size\" : 0}")).isZero();
    }

    @Test
    void anUnknownQueueOrAnotherAnswerIsAnError() {
        assertThatThrownBy(() -> SpoolQueue.size(404, "{\"statusCode\":404,\"message\":\"spool can not be found\"}"))
                .isInstanceOf(IOException.class).hasMessageContaining("HTTP 404");
        assertThatThrownBy(() -> SpoolQueue.size(200, "{\"name\":\"spool\"}")).isInstanceOf(IOException.class);
    }
}
