package dev.gatekeeper.benchmarks.latency;

import dev.gatekeeper.benchmarks.load.DeliveryWait;
import dev.gatekeeper.benchmarks.load.InboxTally;
import dev.gatekeeper.benchmarks.load.LoadComparison;
import dev.gatekeeper.benchmarks.load.LoopbackHosts;
import dev.gatekeeper.callout.ScriptedPeer;
import dev.gatekeeper.dns.LoopbackDnsServer;
import dev.gatekeeper.dns.ZoneFile;
import dev.gatekeeper.sandbox.JamesRelease;
import dev.gatekeeper.sandbox.JamesSandbox;
import dev.gatekeeper.sandbox.ServerReply;
import dev.gatekeeper.sandbox.SmtpClient;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * SMTP latency of ordinary clients ("neighbours") with and without Gatekeeper's hooks, alone and
 * while 50 other sessions each have a sender callout in flight to a mail host that tarpits its
 * greeting. James 3.8.1 runs the hooks on its Netty I/O threads, each connection pinned to one:
 * a RCPT hook waiting for a callout holds its thread, and every neighbour pinned there waits too.
 * James 3.8.2 and later run them on a separate executor group (JAMES-4023). This driver puts a
 * figure on what the neighbours see.
 *
 * <p>Two Jameses of one release are booted side by side from the sandbox, with {@code conf/} and
 * the same mail pipeline: plain James, and James with Gatekeeper's handler (SPF, the sender
 * callout, relay rules, connect/HELO rules; conf/'s policy). Each timed round runs on each James:
 * <ol>
 * <li>(a) {@code neighbours} clients from {@link LoadComparison#CLIENT}, each starting a session
 *     every {@code interval}: connect, EHLO, MAIL FROM {@link LoadComparison#SENDER} (whose
 *     callout goes to a fast peer and is answered from the cache after the warm-up), one timed
 *     RCPT, DATA of 2 KB, QUIT; the greeting, the RCPT and the whole session are timed;</li>
 * <li>(b) the same, while {@code tarpits} senders from {@link #TARPIT_CLIENT} each keep one RCPT
 *     waiting: sender {@code tN@tarpit.load.test}, whose mail host {@link #TARPIT_MX} greets only
 *     after {@code tarpitDelay}. Gatekeeper's RCPT hook waits {@code calloutWait} for the callout,
 *     then answers 450 4.1.7 "verification in progress" and the sender starts its next session at
 *     once. The probe goes on until the callout's {@code commandTimeout} (shorter than the tarpit's
 *     delay, so no answer is ever cached) and the next RCPTs of the same sender join it. On plain
 *     James the same senders make the same sessions at the same rate, one per {@code calloutWait}
 *     each, but their RCPT is answered at once and they send their message.</li>
 * </ol>
 *
 * <pre>
 * mvn -q -B -ntp -DskipTests package
 * java -cp benchmarks/target/gatekeeper-benchmarks.jar dev.gatekeeper.benchmarks.latency.TarpitLatency james=3.9.0
 * </pre>
 *
 * <p>Every session of the driver and every run is bounded in count and time; everything stays on
 * loopback. At the end every message that got 250 after DATA must be in a mailbox (exit status 1
 * otherwise).
 */
public final class TarpitLatency {

    /** The tarpit senders' client address: outside, so SPF and the callout apply. */
    public static final String TARPIT_CLIENT = "127.0.0.3";
    /** The tarpit senders' mail host. */
    public static final String TARPIT_MX = "127.0.0.22";
    public static final String TARPIT_DOMAIN = "tarpit.load.test";
    /**
     * {@link LoadComparison#ZONE} and the tarpit senders' domain. The load zone ends in another
     * origin (its DNS lists'), so these records name theirs: without it they were served as
     * {@code tarpit.sandbox.test}, the callout found no mail host for {@link #TARPIT_DOMAIN}, and
     * every tarpit sender was refused at once instead of waiting.
     */
    static final String ZONE = LoadComparison.ZONE + String.join("\n",
            "$ORIGIN load.test.",
            "tarpit        IN MX  10 mx-tarpit",
            "tarpit        IN TXT \"v=spf1 ip4:" + TARPIT_CLIENT + " -all\"",
            "mx-tarpit     IN A   " + TARPIT_MX,
            "client.tarpit IN A   " + TARPIT_CLIENT,
            "");

    private static final Duration REPLY_TIMEOUT = Duration.ofSeconds(30);
    /**
     * How long James's count of delivered messages may stand still, while some are missing, before
     * they count as lost; while it grows, James is behind, and the driver waits.
     */
    private static final Duration DELIVERY_STALL = Duration.ofMinutes(2);
    /** The tarpit senders settle into their RCPT waits before the neighbours are timed. */
    private static final Duration SETTLE = Duration.ofSeconds(3);
    private static final int MAX_TARPIT_SESSIONS_EACH = 2000;

    private TarpitLatency() {
    }

    public static void main(String[] args) throws Exception {
        TarpitLatencySettings s;
        try {
            s = TarpitLatencySettings.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        JamesRelease release = JamesRelease.of(s.james);
        Path jar = System.getProperty("gatekeeper.jar") != null ? Path.of(System.getProperty("gatekeeper.jar"))
                : release.dropInJar(Path.of(".")).orElseThrow(() -> new IllegalStateException(
                        "no drop-in jar for " + release + " in distribution/target: run mvn package first"));
        List<String> recipients = new ArrayList<>();
        for (int i = 1; i <= s.mailboxes; i++) {
            recipients.add("user" + i + "@gatekeeper.test");
        }
        List<Target> targets = new ArrayList<>();
        List<String> table = new ArrayList<>();
        boolean complete = true;
        try (LoopbackDnsServer dns = LoopbackDnsServer.start(ZoneFile.parse(ZONE, "load.test"));
                TarpitPeer tarpit = TarpitPeer.start(TARPIT_MX, 0, s.tarpitDelay);
                // The handler has one callout port: the fast peer shares the tarpit's, on its own address.
                ScriptedPeer peer = ScriptedPeer.on(LoadComparison.PEER).port(tarpit.port()).start()) {
            Path conf = conf(s);
            targets.add(new Target("plain " + release, false, sandbox(s, conf, release, "plain", recipients).start(),
                    recipients));
            targets.add(new Target(release + " + Gatekeeper", true, sandbox(s, conf, release, "gatekeeper", recipients)
                    .gatekeeper(jar).gatekeeperMailets(false)
                    .replaceSmtpHandler(handler(s, dns.hostPort(), tarpit.port())).start(), recipients));
            System.out.printf("James %s, %d neighbours x %d sessions every %s, %d tarpit senders (greeting after %s,"
                            + " calloutWait %s, callout commandTimeout %s), ioWorkerCount %s, maxExecutorCount %s, load average %s%n",
                    release.version(), s.neighbours, s.sessions, human(s.interval), s.tarpits, human(s.tarpitDelay),
                    human(s.calloutWait), human(s.commandTimeout), threads(s.ioWorkerCount), threads(s.maxExecutorCount),
                    loadAverage());
            for (Target t : targets) {
                // Made once: the INBOXes are there before the first delivery, and grow from then on.
                t.inboxes.emptyAll();
                warmUp(t, s, recipients);
                complete &= awaitDelivered(t);
            }
            for (int round = 0; round < s.rounds; round++) {
                for (int leg = 0; leg < targets.size(); leg++) {
                    Target t = targets.get((leg + round) % targets.size());
                    Phase alone = neighbours(t, s, recipients, new TarpitLoad(), s.sessions, s.interval);
                    print(round, t, "neighbours alone", alone, null, null);
                    table.add(row(release, t, "no", alone, null));
                    complete &= awaitDelivered(t);

                    int before = tarpit.connections();
                    TarpitLoad load = TarpitLoad.start(t, s, recipients);
                    Phase busy;
                    try {
                        Thread.sleep(SETTLE.toMillis());
                        busy = neighbours(t, s, recipients, load, s.sessions, s.interval);
                    } finally {
                        load.stop();
                    }
                    print(round, t, "with " + s.tarpits + " tarpit senders", busy, load,
                            (tarpit.connections() - before) + " connections to the tarpit");
                    table.add(row(release, t, "yes", busy, load));
                    complete &= awaitDelivered(t);
                }
            }
            System.out.printf("%n| James | hooks | tarpit senders | neighbour RCPT p50 / p99 / max ms | greeting p50 / p99 / max ms"
                    + " | session p50 / p99 / max ms | neighbour sessions | tarpit RCPTs waiting (mean) | tarpit RCPT p50 ms |%n");
            System.out.println("|---|---|---|---|---|---|---|---|---|");
            table.forEach(System.out::println);
            System.out.printf("tarpit peer: %d connections, %d greeted, %d given up before the greeting%n",
                    tarpit.connections(), tarpit.greeted(), tarpit.goneBeforeGreeting());
            System.out.println("load average " + loadAverage());
            System.out.println(complete ? "every accepted message was delivered" : "MAIL WAS LOST: see above");
        } finally {
            for (Target t : targets) {
                t.inboxes.close();
                t.james.close();
            }
        }
        if (!complete) {
            System.exit(1);
        }
    }

    /** One James and what it accepted. */
    private static final class Target {
        final String name;
        final boolean gatekeeper;
        final JamesSandbox james;
        final AtomicLong accepted = new AtomicLong();
        /** The neighbours' INBOXes: made before the warm-up, then left to grow, as latency, not delivery, is measured. */
        final InboxTally inboxes;

        Target(String name, boolean gatekeeper, JamesSandbox james, List<String> recipients) {
            this.name = name;
            this.gatekeeper = gatekeeper;
            this.james = james;
            this.inboxes = InboxTally.of(james, recipients);
        }
    }

    /** What the neighbours saw in one phase. */
    static final class Phase {
        final LatencyRecorder greeting = new LatencyRecorder();
        final LatencyRecorder rcpt = new LatencyRecorder();
        final LatencyRecorder session = new LatencyRecorder();
        final AtomicInteger sessions = new AtomicInteger();
        final AtomicInteger accepted = new AtomicInteger();
        final AtomicInteger refused = new AtomicInteger();
        final AtomicInteger failed = new AtomicInteger();
        /** Tarpit RCPTs awaiting their reply when a neighbour sent its RCPT, summed over neighbour RCPTs. */
        final AtomicLong waitingAtRcpt = new AtomicLong();
        final Map<String, Integer> firstProblems = new ConcurrentHashMap<>();
        volatile long elapsedNanos;

        void problem(String what) {
            if (firstProblems.size() < 5) {
                firstProblems.merge(what, 1, Integer::sum);
            }
        }

        double meanWaiting() {
            int n = rcpt.summary().count();
            return n == 0 ? 0 : (double) waitingAtRcpt.get() / n;
        }
    }

    /**
     * {@code neighbours} clients, client i starting its k-th session at {@code i * interval /
     * neighbours + k * interval} from the start (or at once when the previous one ran late), so
     * that the offered load is the same whatever James does.
     */
    private static Phase neighbours(Target t, TarpitLatencySettings s, List<String> recipients, TarpitLoad load,
            int sessionsEach, Duration interval) throws InterruptedException {
        Phase phase = new Phase();
        InetAddress client = address(LoadComparison.CLIENT);
        ExecutorService pool = Executors.newFixedThreadPool(s.neighbours);
        long start = System.nanoTime();
        for (int i = 0; i < s.neighbours; i++) {
            int neighbour = i;
            pool.execute(() -> {
                for (int k = 0; k < sessionsEach; k++) {
                    long due = start + (neighbour * interval.toNanos()) / s.neighbours + k * interval.toNanos();
                    long wait = due - System.nanoTime();
                    if (wait > 0) {
                        try {
                            TimeUnit.NANOSECONDS.sleep(wait);
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                    String recipient = recipients.get((neighbour * sessionsEach + k) % recipients.size());
                    neighbourSession(t, phase, client, recipient, load.waiting, neighbour * 100_000 + k);
                }
            });
        }
        pool.shutdown();
        long bound = sessionsEach * interval.toMillis() + sessionsEach * REPLY_TIMEOUT.toMillis() / 10 + 60_000;
        if (!pool.awaitTermination(bound, TimeUnit.MILLISECONDS)) {
            pool.shutdownNow();
            phase.problem("neighbours still running after " + bound + " ms: stopped");
            pool.awaitTermination(REPLY_TIMEOUT.toMillis() + 5000, TimeUnit.MILLISECONDS);
        }
        phase.elapsedNanos = System.nanoTime() - start;
        return phase;
    }

    private static void neighbourSession(Target t, Phase phase, InetAddress client, String recipient,
            AtomicInteger tarpitWaiting, int number) {
        phase.sessions.incrementAndGet();
        long t0 = System.nanoTime();
        try (SmtpClient smtp = SmtpClient.connect(t.james.smtpAddress(), client, REPLY_TIMEOUT)) {
            phase.greeting.record(System.nanoTime() - t0);
            expect(smtp, smtp.greeting(), 220);
            expect(smtp, smtp.ehlo("client.load.test"), 250);
            expect(smtp, smtp.mailFrom(LoadComparison.SENDER), 250);
            phase.waitingAtRcpt.addAndGet(tarpitWaiting.get());
            long t1 = System.nanoTime();
            ServerReply rcpt = smtp.rcptTo(recipient);
            phase.rcpt.record(System.nanoTime() - t1);
            ServerReply data = rcpt.code() == 250 ? smtp.data(message(number, recipient)) : rcpt;
            if (data.code() == 250) {
                phase.accepted.incrementAndGet();
                t.accepted.incrementAndGet();
            } else {
                phase.refused.incrementAndGet();
                phase.problem("refused: " + data.lastLine());
            }
            smtp.quit();
            phase.session.record(System.nanoTime() - t0);
        } catch (RuntimeException e) {
            phase.failed.incrementAndGet();
            phase.problem("failed: " + String.valueOf(e.getMessage()).lines().findFirst().orElse(e.toString()));
        }
    }

    private static void expect(SmtpClient smtp, ServerReply reply, int code) {
        if (reply.code() != code) {
            throw new IllegalStateException("expected " + code + ", got " + reply.lastLine());
        }
    }

    /**
     * The tarpit senders of phase (b): each makes one session after another, starting one at most
     * every {@code calloutWait}, until stopped.
     */
    static final class TarpitLoad {
        /** Tarpit RCPTs sent and not yet answered. */
        final AtomicInteger waiting = new AtomicInteger();
        final LatencyRecorder rcpt = new LatencyRecorder();
        final Map<String, Integer> replies = new ConcurrentHashMap<>();
        private final AtomicBoolean running = new AtomicBoolean(true);
        private ExecutorService pool;

        /** No tarpit senders (phase a). */
        TarpitLoad() {
        }

        static TarpitLoad start(Target t, TarpitLatencySettings s, List<String> recipients) {
            TarpitLoad load = new TarpitLoad();
            load.pool = Executors.newFixedThreadPool(s.tarpits);
            InetAddress client = address(TARPIT_CLIENT);
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(30);
            for (int i = 0; i < s.tarpits; i++) {
                int sender = i;
                load.pool.execute(() -> {
                    for (int n = 0; n < MAX_TARPIT_SESSIONS_EACH && load.running.get() && System.nanoTime() < deadline; n++) {
                        long start = System.nanoTime();
                        load.session(t, client, "t" + sender + "@" + TARPIT_DOMAIN, recipients.get((sender + n) % recipients.size()), n);
                        long rest = start + s.calloutWait.toNanos() - System.nanoTime();
                        if (rest > 0 && load.running.get()) {
                            try {
                                TimeUnit.NANOSECONDS.sleep(rest);
                            } catch (InterruptedException e) {
                                return;
                            }
                        }
                    }
                });
            }
            load.pool.shutdown();
            return load;
        }

        private void session(Target t, InetAddress client, String sender, String recipient, int n) {
            try (SmtpClient smtp = SmtpClient.connect(t.james.smtpAddress(), client, REPLY_TIMEOUT)) {
                expect(smtp, smtp.greeting(), 220);
                expect(smtp, smtp.ehlo("client.tarpit.load.test"), 250);
                expect(smtp, smtp.mailFrom(sender), 250);
                waiting.incrementAndGet();
                long t0 = System.nanoTime();
                ServerReply reply;
                try {
                    reply = smtp.rcptTo(recipient);
                } finally {
                    waiting.decrementAndGet();
                }
                rcpt.record(System.nanoTime() - t0);
                String kind = reply.lastLine().startsWith("450 4.1.7") ? "450 4.1.7 in progress" : reply.lastLine();
                if (reply.code() == 250) {
                    ServerReply data = smtp.data(message(n, recipient).replace(LoadComparison.SENDER, sender));
                    if (data.code() == 250) {
                        t.accepted.incrementAndGet();
                        kind = "250, message accepted";
                    } else {
                        kind = "250, then " + data.lastLine();
                    }
                }
                replies.merge(kind, 1, Integer::sum);
                smtp.quit();
            } catch (RuntimeException e) {
                replies.merge("failed: " + String.valueOf(e.getMessage()).lines().findFirst().orElse(""), 1, Integer::sum);
            }
        }

        void stop() throws InterruptedException {
            running.set(false);
            if (pool != null && !pool.awaitTermination(REPLY_TIMEOUT.toMillis() * 3, TimeUnit.MILLISECONDS)) {
                pool.shutdownNow();
            }
        }

        int sessions() {
            return replies.values().stream().mapToInt(Integer::intValue).sum();
        }
    }

    private static void print(int round, Target t, String what, Phase p, TarpitLoad load, String extra) {
        System.out.printf(Locale.ROOT, "round %d %-26s %-24s %d sessions in %.1f s: %d accepted, %d refused, %d failed%n",
                round + 1, t.name, what, p.sessions.get(), p.elapsedNanos / 1e9, p.accepted.get(), p.refused.get(), p.failed.get());
        System.out.println("    RCPT     " + p.rcpt.summary());
        System.out.println("    greeting " + p.greeting.summary());
        System.out.println("    session  " + p.session.summary());
        if (!p.firstProblems.isEmpty()) {
            System.out.println("    problems " + new TreeMap<>(p.firstProblems));
        }
        if (load != null) {
            System.out.printf(Locale.ROOT, "    tarpit senders: %d sessions, RCPT %s, %.1f RCPTs waiting on average at a neighbour's RCPT; %s; replies %s%n",
                    load.sessions(), load.rcpt.summary(), p.meanWaiting(), extra, new TreeMap<>(load.replies));
        }
    }

    /**
     * conf/ as it is, or a copy with other thread counts: which pool runs the hooks, and how many
     * connections share each of its threads, is what this driver is about.
     */
    private static Path conf(TarpitLatencySettings s) throws IOException {
        Path conf = Path.of("conf");
        if (s.ioWorkerCount == 0 && s.maxExecutorCount == 0) {
            return conf;
        }
        Path copy = Path.of("benchmarks/target/latency-conf");
        if (Files.isDirectory(copy)) {
            try (Stream<Path> old = Files.walk(copy)) {
                for (Path p : (Iterable<Path>) old.sorted(Comparator.reverseOrder())::iterator) {
                    Files.delete(p);
                }
            }
        }
        try (Stream<Path> files = Files.walk(conf)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Path target = copy.resolve(conf.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
        Path smtp = copy.resolve("smtpserver.xml");
        String xml = Files.readString(smtp, StandardCharsets.UTF_8);
        xml = withElement(xml, "ioWorkerCount", s.ioWorkerCount);
        xml = withElement(xml, "maxExecutorCount", s.maxExecutorCount);
        Files.writeString(smtp, xml, StandardCharsets.UTF_8);
        return copy;
    }

    /** The one {@code <name>N</name>} of smtpserver.xml with another value (0: left alone). */
    static String withElement(String xml, String name, int value) {
        if (value == 0) {
            return xml;
        }
        Matcher m = Pattern.compile("<" + name + ">\\d+</" + name + ">").matcher(xml);
        int found = 0;
        while (m.find()) {
            found++;
        }
        if (found != 1) {
            throw new IllegalStateException("conf/smtpserver.xml has " + found + " <" + name + "> elements, not one");
        }
        return m.replaceFirst("<" + name + ">" + value + "</" + name + ">");
    }

    private static String threads(int n) {
        return n == 0 ? "as conf/" : Integer.toString(n);
    }

    /** 250ms, 2s, 20s. */
    static String human(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
    }

    /** The machine's load averages (1, 5, 15 minutes), which a shared machine's figures need beside them. */
    private static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    private static String row(JamesRelease release, Target t, String tarpit, Phase p, TarpitLoad load) {
        return String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %d (%d accepted, %d refused, %d failed) | %s | %s |",
                release.version(), t.gatekeeper ? "yes" : "no", tarpit, triple(p.rcpt), triple(p.greeting), triple(p.session),
                p.sessions.get(), p.accepted.get(), p.refused.get(), p.failed.get(),
                load == null ? "—" : String.format(Locale.ROOT, "%.1f", p.meanWaiting()),
                load == null ? "—" : LatencyRecorder.Summary.ms(load.rcpt.summary().percentileNanos(50)));
    }

    private static String triple(LatencyRecorder r) {
        LatencyRecorder.Summary s = r.summary();
        return LatencyRecorder.Summary.ms(s.percentileNanos(50)) + " / " + LatencyRecorder.Summary.ms(s.percentileNanos(99))
                + " / " + LatencyRecorder.Summary.ms(s.maxNanos());
    }

    /** A message of about 2 KB, as the load comparison sends. */
    static String message(int number, String recipient) {
        StringBuilder m = new StringBuilder();
        m.append("From: ").append(LoadComparison.SENDER).append('\n')
                .append("To: ").append(recipient).append('\n')
                .append("Subject: latency ").append(number).append('\n')
                .append("Message-ID: <latency-").append(number).append('-').append(System.nanoTime()).append("@gatekeeper.test>\n\n");
        while (m.length() < 2048) {
            m.append("The quick brown fox jumps over the lazy dog. 0123456789 latency test line.\n");
        }
        return m.toString();
    }

    /**
     * One whole transaction so that the neighbours' sender callout is cached, then {@code warmup}
     * untimed sessions at full speed, so that the JIT has compiled the paths the phases time.
     */
    private static void warmUp(Target t, TarpitLatencySettings s, List<String> recipients) throws InterruptedException {
        Phase first = neighbours(t, s, recipients, new TarpitLoad(), 1, Duration.ZERO);
        if (first.accepted.get() == 0) {
            throw new IllegalStateException(t.name + ": the warm-up transaction was not accepted: " + first.firstProblems
                    + "\n" + t.james.logTail(40));
        }
        if (s.warmup > 0) {
            long started = System.nanoTime();
            Phase warm = neighbours(t, s, recipients, new TarpitLoad(), Math.max(1, s.warmup / s.neighbours), Duration.ZERO);
            System.out.printf(Locale.ROOT, "warm-up %-26s %d sessions in %.1f s, RCPT %s%s%n", t.name, warm.sessions.get(),
                    (System.nanoTime() - started) / 1e9, warm.rcpt.summary(),
                    warm.firstProblems.isEmpty() ? "" : ", problems " + warm.firstProblems);
        }
    }

    /** Waits until the mailboxes hold every message this James accepted; false, with the shortfall printed, if not in time. */
    private static boolean awaitDelivered(Target t) throws IOException, InterruptedException {
        long seen = DeliveryWait.until(t.inboxes::total, t.accepted::get, Duration.ofMillis(500), DELIVERY_STALL);
        long expected = t.accepted.get();
        if (seen == expected) {
            return true;
        }
        if (seen > expected) {
            // Not lost: James accepted messages whose 250 the client never read (its reply
            // timeout passed first, or the phase stopped it); a real sender would send them again.
            System.out.printf("%s: %d messages in the mailboxes, %d more than the 250s after DATA the driver read:"
                    + " accepted by James after the client gave up waiting%n", t.name, seen, seen - expected);
            t.accepted.set(seen);
            return true;
        }
        System.out.printf("%s: LOST MAIL: %d accepted, %d in the mailboxes%n", t.name, expected, seen);
        return false;
    }

    private static JamesSandbox.Builder sandbox(TarpitLatencySettings s, Path conf, JamesRelease release, String name,
            List<String> recipients) throws IOException {
        Path workDir = Path.of("benchmarks/target/latency-" + name + "-james");
        JamesSandbox.Builder b = JamesSandbox.builder().release(release)
                .confDir(conf).classpathFile(release.classpathFile(Path.of(".")))
                .workDir(workDir)
                .maxHeap("1g");
        for (String r : recipients) {
            b.user(r, "secret");
        }
        if (s.hostsFile) {
            // James looks up the client's name with the JVM resolver on every connection
            // (ProtocolMDCContextFactory); a slow system resolver would be timed instead of James.
            b.jvmArg(LoopbackHosts.jvmOption(Path.of("benchmarks/target/latency-hosts"), HOSTS));
        }
        if (s.jvmArg != null) {
            b.jvmArg(s.jvmArg);
        }
        return b;
    }

    /** The loopback names James may ask for besides the machine's: the clients and the peers. */
    static final Map<String, String> HOSTS = LoopbackHosts.loadAnd(
            TARPIT_CLIENT, "client.tarpit.load.test",
            TARPIT_MX, "mx-tarpit.load.test");

    /**
     * LoadComparison's handler (conf/'s policy, this run's DNS server and callout port) with the
     * callout limits raised so that every tarpit sender's probe is in flight at once (by default
     * four probes per domain run at a time and the rest are answered tempfail without waiting).
     */
    static String handler(TarpitLatencySettings s, String dnsHostPort, int calloutPort) {
        int room = Math.max(100, 2 * s.tarpits);
        return "<handler class=\"dev.gatekeeper.james.smtp.GatekeeperHandler\">"
                + "<dns><servers>" + dnsHostPort + "</servers><timeout>2s</timeout></dns>"
                + "<callout><port>" + calloutPort + "</port><heloName>mx.gatekeeper.test</heloName>"
                + "<allowPrivateTargets>true</allowPrivateTargets>"
                + "<commandTimeout>" + s.commandTimeout.toMillis() + "ms</commandTimeout>"
                + "<maxConcurrentProbesPerDomain>" + room + "</maxConcurrentProbesPerDomain>"
                + "<maxProbesPerMinute>100000</maxProbesPerMinute>"
                + "<maxProbesPerMinutePerClient>100000</maxProbesPerMinutePerClient>"
                + "<probeThreads>" + Math.min(1024, room) + "</probeThreads>"
                + "</callout>"
                + "<calloutWait>" + s.calloutWait.toMillis() + "ms</calloutWait>"
                + "<policy file=\"conf/gatekeeper-policy.xml\"/>"
                + "</handler>";
    }

    private static InetAddress address(String loopback) {
        try {
            return InetAddress.getByName(loopback);
        } catch (IOException e) {
            throw new IllegalArgumentException(loopback, e);
        }
    }

}
