package dev.gatekeeper.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The README's main command in {@code --once} mode, in-process: DNS on 127.0.0.153:53, the
 * peers on port 25, James from conf/ with the drop-in jar. Every demo must
 * get replies and they must be the ones it declares (Gatekeeper's when its hooks are
 * installed, James's own otherwise); the printed transcript must carry James's live replies.
 */
class SandboxLauncherIT {
    private static int status;
    private static String output;
    private static String errors;

    @BeforeAll
    static void runOnce() throws IOException {
        Path conf = Paths.get(System.getProperty(JamesSandbox.CONF_PROPERTY)).toAbsolutePath().normalize();
        List<String> args = new ArrayList<>(List.of("--once",
            "--conf", conf.toString(),
            "--james", JamesRelease.fromSystemProperty().version(),
            "--james-classpath", JamesRelease.fromSystemProperty().classpathFile(JamesRelease.projectRoot()).toString(),
            "--work", SandboxDirs.forTest(SandboxLauncherIT.class).toString(),
            "--smtp-port", "0"));
        args.add("--gatekeeper-jar");
        args.add(TestFiles.dropInJar().toString());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        status = SandboxMain.run(args.toArray(new String[0]), new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
        output = out.toString(StandardCharsets.UTF_8);
        errors = err.toString(StandardCharsets.UTF_8);
        System.out.println(output);
        System.out.println(errors);
    }

    private static boolean gatekeeperInstalled() {
        return output.contains("Gatekeeper hooks installed");
    }

    @Test
    void everyDemoGetsTheRepliesItDeclares() {
        assertThat(gatekeeperInstalled()).as("the build made the drop-in jar, so the hooks must be installed").isTrue();
        assertThat(errors).isEmpty();
        assertThat(output).contains(Demos.all().size() + " of " + Demos.all().size()
            + " transactions got the replies expected");
        assertThat(status).isZero();
    }

    @Test
    void printsEachDemosTranscriptWithTheRepliesJamesGave() {
        for (Demo demo : Demos.all()) {
            String section = section(demo);
            assertThat(section).startsWith("== " + demo.name() + ": ")
                .contains("S: 220 mx.gatekeeper.test ESMTP Apache James with Gatekeeper")
                .endsWith("-> as expected");
            for (DemoStep step : demo.steps()) {
                String line = step.expected().line(gatekeeperInstalled());
                if (line == null) {
                    break;
                }
                assertThat(section).contains("S: " + line);
            }
        }
    }

    @Test
    void showsJamessRealRefusalsNotMadeUpOnes() {
        String relayDenied = section(Demos.named("relay-denied").orElseThrow());
        assertThat(relayDenied).contains("C: RCPT TO:<friend@outside.sandbox.test>");
        if (gatekeeperInstalled()) {
            assertThat(relayDenied).contains("S: 550 5.7.1 <friend@outside.sandbox.test>: Relay access denied");
        } else {
            assertThat(relayDenied).contains("S: 530 5.7.1 Authentication Required");
        }
        assertThat(section(Demos.named("relay-auth").orElseThrow()))
            .contains("S: 235 Authentication Successful")
            .contains("S: 250 2.1.5 Recipient <friend@outside.sandbox.test> OK")
            .contains("S: 250 2.6.0 Message received");
    }

    @Test
    void startsTheWholeWorldOnLoopback() {
        assertThat(output)
            .contains("DNS      DNS on 127.0.0.153:53 (UDP and TCP)")
            .contains("peer     127.0.0.21:25  accept.sandbox.test")
            .contains("peer     127.0.0.22:25  reject.sandbox.test")
            .contains("peer     127.0.0.23:25  greylist.sandbox.test")
            .contains("peer     127.0.0.24:25  tarpit.sandbox.test")
            .contains("peer     127.0.0.25:25  catchall.sandbox.test")
            .containsPattern("James    SMTP on 127\\.0\\.0\\.1:[0-9]+ \\(booted in");
    }

    private static String section(Demo demo) {
        int start = output.indexOf("== " + demo.name() + ": ");
        assertThat(start).as("section of " + demo.name()).isNotNegative();
        int end = output.indexOf("\n== ", start + 1);
        if (end < 0) {
            end = output.indexOf("\n\n", start + 1);
        }
        return output.substring(start, end < 0 ? output.length() : end).trim();
    }
}
