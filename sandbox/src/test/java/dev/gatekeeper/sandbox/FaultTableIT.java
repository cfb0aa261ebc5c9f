package dev.gatekeeper.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatekeeper.dns.LoopbackDnsServer;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A sender access table in James's {@code conf/} is overwritten with a broken line while mail
 * flows: the last good version stays in force (same replies as before), James's log names the file
 * and the line, no session fails; a fixed version written afterwards is picked up.
 */
class FaultTableIT {

    private static final InetAddress OUTSIDE = JamesSandbox.loopback("127.0.0.2");
    private static final String BOB = "bob@gatekeeper.test";
    private static final String TABLE = "fault-tables/senders.access";
    private static final String SPAMMER = "spammer@bad.test";
    private static final String NEWCOMER = "newcomer@ok.test";
    private static final int MAX_TRANSACTIONS = 400;

    static final String ACCEPTED = "250 2.1.5 Recipient <" + BOB + "> OK";
    static final String SPAMMER_REFUSED = "550 5.7.1 Sender address rejected: not welcome here";
    static final String NEWCOMER_REFUSED = "550 5.7.1 Sender address rejected: new version";

    private static final String POLICY = String.join("\n",
            "<policy hostname=\"mx.gatekeeper.test\" table-check-seconds=\"1\">",
            "  <relay><my-networks>127.0.0.1/32</my-networks><local-domains>gatekeeper.test</local-domains></relay>",
            "  <table name=\"sender-access\" type=\"address\" file=\"" + TABLE + "\"/>",
            "  <stage name=\"mail\"><rule name=\"sender-access\"><sender table=\"sender-access\"/></rule></stage>",
            "</policy>",
            "");

    static final String GOOD = String.join("\n",
            "# version 1",
            SPAMMER + "    REJECT Sender address rejected: not welcome here",
            "@blocked.test       REJECT",
            "");
    /** Version 2 would refuse the newcomer and pass the spammer, if any of it were taken. */
    static final String BROKEN = String.join("\n",
            "# version 2, broken on line 4",
            NEWCOMER + "    REJECT Sender address rejected: new version",
            SPAMMER + "    OK",
            "friend@ok.test      FROBNICATE the action is unknown",
            "");
    static final String FIXED = String.join("\n",
            "# version 3",
            NEWCOMER + "    REJECT Sender address rejected: new version",
            SPAMMER + "    OK",
            "");

    @RegisterExtension
    static final SandboxFixture SANDBOX = SandboxFixture.forTest(FaultTableIT.class);

    private static JamesSandbox james;
    private static Path table;

    @BeforeAll
    static void boot() throws Exception {
        LoopbackDnsServer dns = SANDBOX.dns("$ORIGIN ok.test.\n$TTL 300\n@ IN A 127.0.0.99\n", "ok.test");
        Path conf = SANDBOX.conf(Map.of("fault-table-policy.xml", POLICY, TABLE, GOOD));
        String handler = FaultKit.handler(
                "<servers>" + dns.hostPort() + "</servers><timeout>1s</timeout><retries>0</retries>",
                "<timeBudget>3s</timeBudget>",
                "<overallTimeout>3s</overallTimeout>",
                "conf/fault-table-policy.xml");
        james = SANDBOX.start(SANDBOX.james()
                .confDir(conf)
                .replaceSmtpHandler(handler)
                .user(BOB, "bob-secret"));
        table = james.workDir().resolve("conf").resolve(TABLE);
        assertThat(table).exists();
    }

    /** One reply seen by the background sender, with the table version written when it was sent. */
    private static final class Seen {
        final String version;
        final String sender;
        final String reply;

        Seen(String version, String sender, String reply) {
            this.version = version;
            this.sender = sender;
            this.reply = reply;
        }

        @Override
        public String toString() {
            return version + " " + sender + " -> " + reply;
        }
    }

    private static String rcptReply(String sender) {
        try (SmtpClient smtp = SmtpClient.connect(james.smtpAddress(), OUTSIDE, Duration.ofSeconds(10))) {
            smtp.ehlo("client.example");
            String mail = smtp.mailFrom(sender).lastLine();
            if (!mail.startsWith("250")) {
                return "MAIL " + mail;
            }
            return smtp.rcptTo(BOB).lastLine();
        }
    }

    @Test
    void brokenTableKeepsTheLastGoodVersionAndAFixedOneIsPickedUp() throws Exception {
        assertThat(rcptReply(SPAMMER)).isEqualTo(SPAMMER_REFUSED);
        assertThat(rcptReply(NEWCOMER)).isEqualTo(ACCEPTED);

        AtomicReference<String> version = new AtomicReference<>("good");
        AtomicBoolean running = new AtomicBoolean(true);
        List<Seen> seen = Collections.synchronizedList(new ArrayList<>());
        ExecutorService sender = Executors.newSingleThreadExecutor();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        Future<?> loop = sender.submit(() -> {
            for (int i = 0; i < MAX_TRANSACTIONS && running.get() && System.nanoTime() < deadline; i++) {
                String who = i % 2 == 0 ? SPAMMER : NEWCOMER;
                String v = version.get();
                String reply;
                try {
                    reply = rcptReply(who);
                } catch (RuntimeException e) {
                    reply = "failed: " + e;
                }
                seen.add(new Seen(v, who, reply));
                sleep(50);
            }
        });
        try {
            sleep(1500);
            Files.writeString(table, BROKEN, StandardCharsets.UTF_8);
            version.set("broken");
            // The table is looked at once a second, and read once two looks agree: give it several looks.
            String logged = awaitLog(table.getFileName() + ":4:", Duration.ofSeconds(15));
            sleep(1500);
            System.out.println("FaultTableIT James logged: " + logged);
            assertThat(logged).contains(table.toString() + ":4: ").contains("keeping the version read before");

            Files.writeString(table, FIXED, StandardCharsets.UTF_8);
            version.set("fixed");
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
            boolean pickedUp = false;
            while (!pickedUp && System.nanoTime() < until) {
                sleep(200);
                synchronized (seen) {
                    pickedUp = seen.stream().anyMatch(s -> s.version.equals("fixed") && s.reply.equals(NEWCOMER_REFUSED));
                }
            }
            sleep(1000);
        } finally {
            running.set(false);
            sender.shutdown();
        }
        loop.get(30, TimeUnit.SECONDS);

        List<Seen> all;
        synchronized (seen) {
            all = List.copyOf(seen);
        }
        long good = all.stream().filter(s -> s.version.equals("good")).count();
        long broken = all.stream().filter(s -> s.version.equals("broken")).count();
        long fixed = all.stream().filter(s -> s.version.equals("fixed")).count();
        System.out.printf("FaultTableIT %d transactions: %d before the broken table, %d while it lay there, %d after the fix%n",
                all.size(), good, broken, fixed);
        assertThat(broken).as("transactions while the broken table lay there").isGreaterThanOrEqualTo(10);
        for (Seen s : all) {
            if (s.version.equals("fixed")) {
                // Until the fixed version is read (two looks, a second apart), version 1 still answers.
                assertThat(s.reply).as(s.toString()).isIn(s.sender.equals(SPAMMER)
                        ? List.of(SPAMMER_REFUSED, ACCEPTED) : List.of(ACCEPTED, NEWCOMER_REFUSED));
            } else {
                assertThat(s.reply).as(s.toString()).isEqualTo(s.sender.equals(SPAMMER) ? SPAMMER_REFUSED : ACCEPTED);
            }
        }
        assertThat(all).as("the fixed version answers in the end").anyMatch(s -> s.reply.equals(NEWCOMER_REFUSED));
        assertThat(rcptReply(SPAMMER)).isEqualTo(ACCEPTED);
        assertThat(rcptReply(NEWCOMER)).isEqualTo(NEWCOMER_REFUSED);
        assertThat(james.log()).contains("table sender-access: reloaded " + table);
    }

    /** The first line of James's log containing a text, waited for (bounded). */
    private static String awaitLog(String text, Duration timeout) {
        long until = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < until) {
            for (String line : james.log().split("\n")) {
                if (line.contains(text)) {
                    return line;
                }
            }
            sleep(200);
        }
        throw new AssertionError("James did not log '" + text + "' within " + timeout + "; log tail:\n" + james.logTail(30));
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
