package dev.gatekeeper.benchmarks.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatekeeper.benchmarks.load.SmtpSourceCommand.Shape;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

/** The smtp-source command lines the driver runs and prints (flags as in smtp-source(1)). */
class SmtpSourceCommandTest {
    private static final InetSocketAddress JAMES = new InetSocketAddress("127.0.0.1", 2525);

    private static SmtpSourceCommand command(Shape shape, int sessions, int messages) {
        return new SmtpSourceCommand("/usr/sbin/smtp-source", shape, sessions, messages, 2048, "client.load.test",
                "load@load.test", "user@gatekeeper.test", JAMES);
    }

    @Test
    void oneMessagePerConnectionIsSmtpSourcesDefault() {
        assertThat(command(Shape.CONNECTION, 50, 2000).commandLine()).isEqualTo("/usr/sbin/smtp-source -s 50 -m 2000 -l 2048 "
                + "-M client.load.test -f load@load.test -t user@gatekeeper.test -N 127.0.0.1:2525");
    }

    @Test
    void persistentSessionsAddDashD() {
        assertThat(command(Shape.SESSION, 50, 2000).arguments()).containsSubsequence("-N", "-d", "127.0.0.1:2525")
                .endsWith("127.0.0.1:2525");
    }

    @Test
    void connectionsAreOnePerMessageOrOnePerSession() {
        assertThat(command(Shape.CONNECTION, 50, 2000).connections()).isEqualTo(2000);
        assertThat(command(Shape.SESSION, 50, 2000).connections()).isEqualTo(50);
        // smtp-source opens no session it has no message for.
        assertThat(command(Shape.SESSION, 50, 20).connections()).isEqualTo(20);
    }

    @Test
    void recipientsAreNumberedAsDashNNumbersThem() {
        // smtp-source -N -t user@gatekeeper.test sends to 1user@gatekeeper.test, 2user@..., one a message.
        assertThat(command(Shape.CONNECTION, 2, 3).recipients())
                .containsExactly("1user@gatekeeper.test", "2user@gatekeeper.test", "3user@gatekeeper.test");
    }

    @Test
    void aWordAShellWouldSplitIsQuoted() {
        SmtpSourceCommand c = new SmtpSourceCommand("/opt/my tools/smtp-source", Shape.CONNECTION, 1, 1, 0, "client.load.test",
                "o'brien@load.test", "user@gatekeeper.test", JAMES);
        assertThat(c.commandLine()).startsWith("'/opt/my tools/smtp-source' -s 1").contains("-f 'o'\\''brien@load.test'");
    }

    @Test
    void emptyRunsAreRefused() {
        assertThatThrownBy(() -> command(Shape.CONNECTION, 0, 10)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> command(Shape.CONNECTION, 10, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shapesAreNamedAsTheParameterSpellsThem() {
        assertThat(Shape.of("session")).isEqualTo(Shape.SESSION);
        assertThat(Shape.CONNECTION.argument()).isEqualTo("connection");
    }
}
