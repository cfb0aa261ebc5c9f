package dev.gatekeeper.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class DemosTest {

    @Test
    void namesAreUniqueAndEachDemoComesFromAnOutsideLoopbackClient() {
        Set<String> names = new HashSet<>();
        for (Demo demo : Demos.all()) {
            assertThat(names.add(demo.name())).as(demo.name()).isTrue();
            // 127.0.0.1 is James's authorizedAddresses: a demo from there would prove nothing.
            assertThat(demo.clientAddress()).isIn(Demos.DESIGNATED, Demos.FORGER, Demos.LISTED, Demos.ALLOWLISTED, Demos.DYNAMIC);
        }
        assertThat(Demos.all()).hasSize(14);
    }

    @Test
    void theGreylistDemoIsDeferredThenRetriesAfterTheDelay() {
        Demo demo = Demos.named("greylist-then-pass").orElseThrow();
        List<String> withGatekeeper = demo.steps().stream().map(s -> s.expected().line(true)).collect(Collectors.toList());
        assertThat(withGatekeeper).containsExactly(
            Demos.EHLO_DONE,
            "250 2.1.0 Sender <heidi@lists.sandbox.test> OK",
            "450 4.7.1 <bob@gatekeeper.test>: Recipient address rejected: Greylisted, try again in 3 seconds",
            "220 mx.gatekeeper.test ESMTP Apache James with Gatekeeper",
            Demos.EHLO_DONE,
            "250 2.1.0 Sender <heidi@lists.sandbox.test> OK",
            "250 2.1.5 Recipient <bob@gatekeeper.test> OK",
            Demos.DATA_DONE);
        DemoStep retry = demo.steps().get(3);
        assertThat(retry.kind()).isEqualTo(DemoStep.Kind.RECONNECT);
        assertThat(retry.waitBefore()).isGreaterThan(Demos.GREYLIST_DELAY);
        // James alone greylists nobody: the first RCPT is accepted.
        assertThat(demo.steps().get(2).expected().line(false)).isEqualTo("250 2.1.5 Recipient <bob@gatekeeper.test> OK");
    }

    @Test
    void theSandboxGreylistDelayIsTheOneInConf() throws Exception {
        String smtp = Files.readString(Paths.get(System.getProperty(JamesSandbox.CONF_PROPERTY)).resolve("smtpserver.xml"));
        assertThat(smtp).containsPattern("<greylist>\\s*<delay>" + Demos.GREYLIST_DELAY.toSeconds() + "s</delay>\\s*</greylist>");
    }

    @Test
    void aDemoWaitsABoundedTimeBeforeItRetries() {
        assertThatThrownBy(() -> DemoStep.reconnectAfter(Duration.ofMinutes(5), Expected.always("220 x")))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at most 30 s");
        assertThatThrownBy(() -> DemoStep.reconnectAfter(Duration.ZERO, Expected.always("220 x")))
            .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Demo.named("retry-last").from(Demos.DESIGNATED)
            .step(DemoStep.ehlo("mta.sandbox.test", Expected.always(Demos.EHLO_DONE)))
            .step(DemoStep.reconnectAfter(Duration.ofSeconds(1), Expected.always("220 x"))).build())
            .isInstanceOf(IllegalStateException.class);
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
        String once = "swaks --server 127.0.0.1:2525 --local-interface 127.0.0.45 --ehlo dynamic.sandbox.test"
            + " --from heidi@lists.sandbox.test --to bob@gatekeeper.test";
        assertThat(Demos.named("greylist-then-pass").orElseThrow().swaks("127.0.0.1:2525")).isEqualTo(once + "; sleep 4; " + once);
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
