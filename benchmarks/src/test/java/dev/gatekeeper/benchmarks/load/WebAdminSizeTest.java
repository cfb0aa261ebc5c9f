package dev.gatekeeper.benchmarks.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import org.junit.jupiter.api.Test;

/** A queue's or a repository's size as James's WebAdmin gives it; anything else is an error, not a size of 0. */
class WebAdminSizeTest {

    @Test
    void readsTheSizeOfAQueueOrARepository() throws Exception {
        assertThat(WebAdminSize.parse(200, "{\"name\":\"spool\",\"size\":17}", "the spool")).isEqualTo(17);
        assertThat(WebAdminSize.parse(200, "{\"name\" : \"spool\", \"size\" : 0}", "the spool")).isZero();
        assertThat(WebAdminSize.parse(200, "{\"repository\":\"var/mail/sink/\",\"path\":\"var%2Fmail%2Fsink%2F\",\"size\":2000}",
                "the sink")).isEqualTo(2000);
    }

    @Test
    void anUnknownQueueOrAnotherAnswerIsAnErrorNamingWhatWasAsked() {
        String unknown = "{\"statusCode\":404,\"message\":\"spool can not be found\"}";
        assertThatThrownBy(() -> WebAdminSize.parse(404, unknown, "the spool"))
                .isInstanceOf(IOException.class).hasMessageContaining("size of the spool: HTTP 404");
        assertThatThrownBy(() -> WebAdminSize.parse(200, "{\"name\":\"spool\"}", "the spool")).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> WebAdminSize.parse(500, "{\"size\":3}", "the sink")).isInstanceOf(IOException.class)
                .hasMessageContaining("HTTP 500");
    }
}
