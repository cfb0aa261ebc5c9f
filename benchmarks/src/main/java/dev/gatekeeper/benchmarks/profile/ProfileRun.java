package dev.gatekeeper.benchmarks.profile;

import dev.gatekeeper.benchmarks.load.DeliveryWait;
import dev.gatekeeper.benchmarks.load.InboxTally;
import dev.gatekeeper.benchmarks.load.LoadComparison;
import dev.gatekeeper.benchmarks.load.LoadJameses;
import dev.gatekeeper.benchmarks.load.LoopbackHosts;
import dev.gatekeeper.callout.ScriptedPeer;
import dev.gatekeeper.dns.LoopbackDnsServer;
import dev.gatekeeper.dns.ZoneFile;
import dev.gatekeeper.sandbox.JamesRelease;
import dev.gatekeeper.sandbox.JamesSandbox;
import dev.gatekeeper.sandbox.SmtpClient;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One James under SMTP load, profiled by stage: boots the sandbox James (with Gatekeeper's
 * handler as {@link LoadComparison} configures it, or plain), warms it with untimed runs, then
 * records execution samples ({@code benchmarks/profile/gatekeeper.jfc}) over the timed run only,
 * started and stopped with {@code jcmd}, and prints the {@link StageProfile} table with James's CPU
 * per message over the same window.
 *
 * <pre>
 * java -cp benchmarks/target/gatekeeper-benchmarks.jar dev.gatekeeper.benchmarks.profile.ProfileRun \
 *     [james=3.8.1|3.8.2|3.9.0] [gatekeeper=true] [shape=session|connection] [sessions=50] [messages=4000] [warmup=16000] [out=DIR] [jamesDns=127.0.0.155]
 * </pre>
 *
 * <p>{@code shape=session}: each of {@code sessions} connections sends message after message, as
 * LoadComparison does; {@code shape=connection}: one message per connection (connect, EHLO, MAIL,
 * RCPT, DATA, QUIT), as most mail reaches an MX. The recording covers the timed run and a few
 * seconds after it, so that the delivery of what it accepted is in it too; the delivery count
 * through WebAdmin comes after the recording. James's own DNS service gets a loopback server too,
 * on port 53 of {@code jamesDns}, with the same zone: James looks the client's name up at every
 * connection, and without an answer each connection would wait out its resolver's timeout.
 */
public final class ProfileRun {

    private static final Duration SETTLE = Duration.ofSeconds(3);
    /** Where James's own DNS service asks, on port 53 (James 3.8.1 asks no other port); not the sandbox's 127.0.0.153. */
    private static final String JAMES_DNS = "127.0.0.155";
    private static final Duration REPLY_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration RUN_BOUND = Duration.ofMinutes(4);

    private ProfileRun() {
    }

    public static void main(String[] args) throws Exception {
        JamesRelease release = JamesRelease.of(arg(args, "james", "3.8.1"));
        boolean gatekeeper = Boolean.parseBoolean(arg(args, "gatekeeper", "true"));
        boolean perConnection = arg(args, "shape", "session").equals("connection");
        int sessions = Integer.parseInt(arg(args, "sessions", "50"));
        int messages = Integer.parseInt(arg(args, "messages", "4000"));
        int warmup = Integer.parseInt(arg(args, "warmup", "16000"));
        int mailboxes = Integer.parseInt(arg(args, "mailboxes", "1000"));
        Path out = Path.of(arg(args, "out", "benchmarks/target/profile")).toAbsolutePath();
        Path settings = Path.of(arg(args, "settings", "benchmarks/profile/gatekeeper.jfc")).toAbsolutePath();
        Files.createDirectories(out);
        String name = release.version() + "-" + (gatekeeper ? "gatekeeper" : "plain") + "-" + (perConnection ? "connection" : "session");
        Path recording = out.resolve(name + ".jfr");
        List<String> recipients = new ArrayList<>();
        for (int i = 1; i <= mailboxes; i++) {
            recipients.add("user" + i + "@gatekeeper.test");
        }
        InetAddress jamesDnsAddress = InetAddress.getByName(arg(args, "jamesDns", JAMES_DNS));
        try (LoopbackDnsServer dns = LoopbackDnsServer.start(ZoneFile.parse(LoadComparison.ZONE, "load.test"));
                // James's own resolver (its Received header names the client): without a server
                // it waits out dnsjava's timeout at every connection, 5 s with nothing on the CPU.
                LoopbackDnsServer jamesDns = LoopbackDnsServer.start(jamesDnsAddress, 53, ZoneFile.parse(LoadComparison.ZONE, "load.test"));
                ScriptedPeer peer = ScriptedPeer.on(LoadComparison.PEER).start()) {
            JamesSandbox.Builder b = JamesSandbox.builder().release(release)
                    .confDir(Path.of("conf")).classpathFile(release.classpathFile(Path.of(".")))
                    .workDir(Path.of("benchmarks/target/profile-" + name + "-james"))
                    .maxHeap("1g")
                    .dnsServer(jamesDnsAddress.getHostAddress())
                    // James names every client for its log context (ProtocolMDCContextFactory.retrieveHost,
                    // InetAddress.getHostName) through the JDK's resolver, which asks the host's DNS
                    // server: off loopback, and here 5 s of waiting before each greeting. A hosts file
                    // answers it at once and sends nothing anywhere.
                    .jvmArg(LoopbackHosts.jvmOption(out.resolve("hosts"), LoopbackHosts.LOAD))
                    // Deep enough for James 3.9's reactive stacks: a truncated stack loses its hook frame.
                    .jvmArg("-XX:FlightRecorderOptions=stackdepth=256")
                    // JFR started from the JVM's start. Started for the first time by jcmd in a warm
                    // JVM, it threw most compiled code away: 80-93% of the samples of such a recording
                    // were interpreted frames and James ran 3-6 times slower. This recording only
                    // keeps JFR up; the timed one is still started by jcmd after the warm-up.
                    .jvmArg("-XX:StartFlightRecording=name=boot,settings=" + settings + ",maxsize=1m");
            recipients.forEach(r -> b.user(r, "secret"));
            if (gatekeeper) {
                Path jar = release.dropInJar(Path.of(".")).orElseThrow(() -> new IllegalStateException(
                        "no drop-in jar for " + release + " in distribution/target: run mvn package first"));
                b.gatekeeper(jar).gatekeeperMailets(false).replaceSmtpHandler(LoadJameses.handler(dns.hostPort(), peer.port()));
            }
            try (JamesSandbox james = b.start(); InboxTally inboxes = InboxTally.of(james, recipients)) {
                InetAddress client = InetAddress.getByName(LoadComparison.CLIENT);
                inboxes.emptyAll();
                long accepted = 0;
                for (int sent = 0; sent < warmup; sent += messages) {
                    Tally t = load(james, client, sessions, messages, perConnection, recipients);
                    accepted += t.accepted.get();
                    System.out.printf("warm-up %,d messages: %.0f msg/s%n", sent + messages, t.rate());
                }
                boolean complete = awaitDelivered(inboxes, accepted);
                // The recorded run delivers into empty INBOXes, as the load drivers' runs do.
                inboxes.emptyAll();
                jcmd(james, "JFR.start", "name=stages", "settings=" + settings, "filename=" + recording);
                String loadBefore = loadAverage();
                long cpuBefore = cpuMillis(james.pid());
                dns.resetCounters();
                Tally timed = load(james, client, sessions, messages, perConnection, recipients);
                Thread.sleep(SETTLE.toMillis());
                long cpu = cpuMillis(james.pid()) - cpuBefore;
                jcmd(james, "JFR.stop", "name=stages");
                String loadAfter = loadAverage();
                int queries = dns.queries();
                StringBuilder asked = new StringBuilder();
                dns.questions().entrySet().stream()
                        .sorted(java.util.Map.Entry.<String, Integer>comparingByValue().reversed()).limit(6)
                        .forEach(e -> asked.append(' ').append(e.getKey()).append(' ').append(e.getValue()));
                complete &= awaitDelivered(inboxes, timed.accepted.get());
                System.out.printf("%n%s, %s, %d sessions, %d messages timed: %.0f msg/s, %d accepted, %d refused, "
                                + "James CPU %.3f ms a message (timed run and %d s after it)%s%n%n",
                        release, gatekeeper ? "James + Gatekeeper hooks" : "plain James",
                        sessions, messages, timed.rate(), timed.accepted.get(), timed.refused.get(),
                        (double) cpu / Math.max(1, timed.accepted.get()), SETTLE.toSeconds(),
                        complete ? ", every accepted message delivered" : ", MAIL WAS LOST");
                // What the resolver's cache did not answer: each of these is a query and its answer on James's side too.
                System.out.printf("DNS queries received during the recording: %d, %.2f a message; asked most:%s%n", queries,
                        (double) queries / Math.max(1, timed.accepted.get()), asked.length() == 0 ? " none" : asked);
                System.out.printf("load average (1, 5, 15 min) when the recording started: %s; when it stopped: %s%n%n", loadBefore, loadAfter);
                StageProfile.read(recording).print(System.out, 5);
                System.out.println();
                System.out.println("recording: " + recording);
                if (!complete) {
                    System.exit(1);
                }
            }
        }
    }

    /** What a load run did. */
    private static final class Tally {
        final AtomicInteger accepted = new AtomicInteger();
        final AtomicInteger refused = new AtomicInteger();
        long nanos;

        double rate() {
            return accepted.get() / (nanos / 1e9);
        }
    }

    /** {@code messages} messages over {@code sessions} concurrent clients; bounded by {@link #RUN_BOUND}. */
    private static Tally load(JamesSandbox james, InetAddress client, int sessions, int messages, boolean perConnection,
            List<String> recipients) throws InterruptedException {
        Tally tally = new Tally();
        AtomicInteger tickets = new AtomicInteger(messages);
        ExecutorService pool = Executors.newFixedThreadPool(sessions);
        List<Future<?>> futures = new ArrayList<>();
        long start = System.nanoTime();
        for (int i = 0; i < sessions; i++) {
            futures.add(pool.submit(() -> {
                if (perConnection) {
                    int n;
                    while ((n = tickets.getAndDecrement()) > 0) {
                        try (SmtpClient smtp = SmtpClient.connect(james.smtpAddress(), client, REPLY_TIMEOUT)) {
                            smtp.greeting();
                            smtp.ehlo("client.load.test");
                            transaction(smtp, n, recipients, tally);
                            smtp.quit();
                        }
                    }
                } else {
                    try (SmtpClient smtp = SmtpClient.connect(james.smtpAddress(), client, REPLY_TIMEOUT)) {
                        smtp.greeting();
                        smtp.ehlo("client.load.test");
                        int n;
                        while ((n = tickets.getAndDecrement()) > 0) {
                            transaction(smtp, n, recipients, tally);
                        }
                        smtp.quit();
                    }
                }
                return null;
            }));
        }
        pool.shutdown();
        if (!pool.awaitTermination(RUN_BOUND.toMillis(), TimeUnit.MILLISECONDS)) {
            pool.shutdownNow();
            throw new IllegalStateException("load still running after " + RUN_BOUND);
        }
        tally.nanos = System.nanoTime() - start;
        for (Future<?> f : futures) {
            try {
                f.get();
            } catch (java.util.concurrent.ExecutionException e) {
                throw new IllegalStateException("a session failed", e.getCause());
            }
        }
        return tally;
    }

    private static void transaction(SmtpClient smtp, int n, List<String> recipients, Tally tally) {
        String recipient = recipients.get(n % recipients.size());
        if (smtp.mailFrom(LoadComparison.SENDER).code() != 250 || smtp.rcptTo(recipient).code() != 250) {
            tally.refused.incrementAndGet();
            smtp.rset();
            return;
        }
        if (smtp.data(message(n, recipient)).code() == 250) {
            tally.accepted.incrementAndGet();
        } else {
            tally.refused.incrementAndGet();
        }
    }

    /** About 2 KB, as LoadComparison's messages. */
    private static String message(int n, String recipient) {
        StringBuilder m = new StringBuilder();
        m.append("From: ").append(LoadComparison.SENDER).append('\n').append("To: ").append(recipient).append('\n')
                .append("Subject: profile ").append(n).append('\n')
                .append("Message-ID: <profile-").append(n).append("-").append(System.nanoTime()).append("@gatekeeper.test>\n\n");
        while (m.length() < 2048) {
            m.append("The quick brown fox jumps over the lazy dog. 0123456789 profile line.\n");
        }
        return m.toString();
    }

    /** Waits until the INBOXes hold {@code expected} messages, while their count grows and two minutes after. */
    private static boolean awaitDelivered(InboxTally inboxes, long expected) throws IOException, InterruptedException {
        long seen = DeliveryWait.until(inboxes::total, () -> expected, Duration.ofSeconds(1), Duration.ofMinutes(2));
        if (seen != expected) {
            System.out.printf("LOST MAIL: %d accepted, %d in the mailboxes%n", expected, seen);
        }
        return seen == expected;
    }

    /** Runs {@code jcmd PID command args...} with the JDK that runs James; fails unless it succeeds. */
    private static void jcmd(JamesSandbox james, String... command) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(james.java().resolveSibling("jcmd").toString());
        cmd.add(Long.toString(james.pid()));
        cmd.addAll(List.of(command));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0 || output.contains("Could not") || output.contains("error")) {
            throw new IllegalStateException(String.join(" ", cmd) + " failed: " + output);
        }
    }

    /** The machine's load averages, to tell a run on a busy machine from one on a quiet one. */
    private static String loadAverage() throws IOException {
        String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
        return f[0] + " " + f[1] + " " + f[2];
    }

    /** User and system CPU of the process so far, from /proc (clock ticks of 10 ms). */
    private static long cpuMillis(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        // Fields 14 and 15 of proc(5), utime and stime; f[0] is field 3.
        return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10;
    }

    private static String arg(String[] args, String name, String fallback) {
        for (String a : args) {
            if (a.startsWith(name + "=")) {
                return a.substring(name.length() + 1);
            }
        }
        return fallback;
    }
}
