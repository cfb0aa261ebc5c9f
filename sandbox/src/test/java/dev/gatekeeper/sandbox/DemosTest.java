package dev.gatekeeper.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DemosTest {

    @Test
    void namesAreUniqueAndEachDemoComesFromAnOutsideLoopbackClient() {
        Set<String> names = new HashSet<>();
        for (Demo demo : Demos.all()) {
            assertThat(names.add(demo.name())).as(demo.name()).isTrue();
            // 127.0.0.1 is James's authorizedAddresses: a demo from there would prove nothing.
            assertThat(demo.clientAddress()).isIn(Demos.DESIGNATED, Demos.FORGER);
        }
        assertThat(Demos.all()).hasSizeGreaterThanOrEqualTo(8);
    }

    @Test
    void marksWhichRepliesNeedTheGatekeeperHooks() {
        assertThat(Demos.named("spf-pass").orElseThrow().dependsOnGatekeeper()).isFalse();
        assertThat(Demos.named("spf-fail").orElseThrow().dependsOnGatekeeper()).isTrue();
        assertThat(Demos.named("relay-denied").orElseThrow().steps().get(2).expected().line(false))
            .isEqualTo("530 5.7.1 Authentication Required");
    }

    @Test
    void writesTheSameTransactionForSwaks() {
        assertThat(Demos.named("spf-fail").orElseThrow().swaks("127.0.0.1:2525")).isEqualTo(
            "swaks --server 127.0.0.1:2525 --local-interface 127.0.0.11 --ehlo forger.sandbox.test"
                + " --from mallory@fail.sandbox.test --to bob@gatekeeper.test");
        assertThat(Demos.named("relay-auth").orElseThrow().swaks("127.0.0.1:2525")).contains(
            "--auth PLAIN --auth-user alice@gatekeeper.test --auth-password alice-sandbox");
        assertThat(Demos.named("null-sender-helo-fail").orElseThrow().swaks("127.0.0.1:2525"))
            .contains("--from '' ").endsWith("--quit-after RCPT");
    }

    @Test
    void listsTheDemosWithoutStartingAnything() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int status = SandboxMain.run(new String[] {"--list"}, new PrintStream(out, true, StandardCharsets.UTF_8), System.err);

        assertThat(status).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("spf-fail               SPF fail: rejected at RCPT");
    }

    @Test
    void refusesUnknownArgumentsAndForeignAddresses() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream errors = new PrintStream(err, true, StandardCharsets.UTF_8);

        assertThat(SandboxMain.run(new String[] {"--bogus"}, System.out, errors)).isEqualTo(2);
        assertThat(SandboxMain.run(new String[] {"--dns", "192.0.2.1:53"}, System.out, errors)).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8))
            .contains("gatekeeper-sandbox: unknown argument --bogus")
            .contains("gatekeeper-sandbox: --dns: not a loopback address: 192.0.2.1");
        assertThatThrownBy(() -> Demo.named("Bad Name")).isInstanceOf(IllegalArgumentException.class);
    }
}
