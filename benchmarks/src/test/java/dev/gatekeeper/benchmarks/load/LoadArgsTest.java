package dev.gatekeeper.benchmarks.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Set;
import org.junit.jupiter.api.Test;

/** The drivers' name=value arguments: read once, and a typo stops the driver instead of running defaults. */
class LoadArgsTest {
    private static final Set<String> KNOWN = Set.of("sessions", "shape", "soa", "jvmArg");

    @Test
    void givenValuesWinAndAbsentOnesFallBack() {
        LoadArgs a = LoadArgs.parse(new String[] {"sessions=20", "soa=false"}, KNOWN);
        assertThat(a.integer("sessions", 50, 1)).isEqualTo(20);
        assertThat(a.bool("soa", true)).isFalse();
        assertThat(a.string("jvmArg", null)).isNull();
        assertThat(a.choice("shape", "connection", Set.of("connection", "session"))).isEqualTo("connection");
    }

    @Test
    void aValueKeepsEverythingAfterTheFirstEqualsSign() {
        LoadArgs a = LoadArgs.parse(new String[] {"jvmArg=-XX:StartFlightRecording=filename=a.jfr"}, KNOWN);
        assertThat(a.string("jvmArg", null)).isEqualTo("-XX:StartFlightRecording=filename=a.jfr");
    }

    @Test
    void anUnknownNameIsRefusedWithTheKnownOnes() {
        assertThatThrownBy(() -> LoadArgs.parse(new String[] {"session=50"}, KNOWN))
                .hasMessage("unknown argument session (known: jvmArg, sessions, shape, soa)");
    }

    @Test
    void aRepeatedNameIsRefused() {
        assertThatThrownBy(() -> LoadArgs.parse(new String[] {"sessions=5", "sessions=6"}, KNOWN))
                .hasMessage("argument sessions given twice");
    }

    @Test
    void anArgumentWithoutNameOrEqualsSignIsRefused() {
        assertThatThrownBy(() -> LoadArgs.parse(new String[] {"sessions"}, KNOWN)).hasMessage("expected name=value, got: sessions");
        assertThatThrownBy(() -> LoadArgs.parse(new String[] {"=5"}, KNOWN)).hasMessage("expected name=value, got: =5");
    }

    @Test
    void numbersBooleansAndChoicesAreChecked() {
        assertThatThrownBy(() -> LoadArgs.parse(new String[] {"sessions=many"}, KNOWN).integer("sessions", 50, 1))
                .hasMessage("sessions must be a whole number, got: many");
        assertThatThrownBy(() -> LoadArgs.parse(new String[] {"sessions=0"}, KNOWN).integer("sessions", 50, 1))
                .hasMessage("sessions must be at least 1, got: 0");
        assertThatThrownBy(() -> LoadArgs.parse(new String[] {"soa=yes"}, KNOWN).bool("soa", true))
                .hasMessage("soa must be true or false, got: yes");
        assertThatThrownBy(() -> LoadArgs.parse(new String[] {"shape=burst"}, KNOWN).choice("shape", "connection", Set.of("connection")))
                .hasMessage("shape must be one of [connection], got: burst");
    }
}
