package dev.gatekeeper.benchmarks.load;

import dev.gatekeeper.benchmarks.load.SmtpSourceCommand.Shape;
import dev.gatekeeper.benchmarks.load.SmtpSourceConf.Pipeline;
import dev.gatekeeper.callout.ScriptedPeer;
import dev.gatekeeper.dns.LoopbackDnsServer;
import dev.gatekeeper.dns.ZoneFile;
import dev.gatekeeper.sandbox.JamesRelease;
import dev.gatekeeper.sandbox.JamesSandbox;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * Plain James against James with Gatekeeper's handler, driven by Postfix's {@code smtp-source}
 * (Debian package postfix), the load generator mail people already know, so that anyone can
 * repeat the measurement with a tool that is not ours. Both Jameses boot from the same
 * {@code conf/} and mail pipeline; 127.0.0.1, where smtp-source connects from, is not trusted
 * there, so Gatekeeper runs SPF, the sender callout (answered from its cache after the first),
 * the relay rules and the DNS lists for every transaction, against {@link LoadZone} on a loopback
 * DNS server and a scripted peer MTA.
 *
 * <pre>
 * mvn -q -B -ntp -DskipTests package
 * java -cp benchmarks/target/gatekeeper-benchmarks.jar dev.gatekeeper.benchmarks.load.SmtpSourceComparison \
 *     [james=3.9.0|3.8.2|3.8.1] [shape=connection|session] [pipeline=sink|mailbox] [sessions=50] [messages=2000]
 *     [length=2048] [rounds=3] [warmup=messages] [soa=true] [jfr=DIR] [jvmArg=OPTION] [smtpSource=/usr/sbin/smtp-source]
 *     [second=hooks|plain|jar] [boots=1]
 * </pre>
 *
 * <p>Each James is first warmed by untimed runs ({@link SteadyWarmUp}); then each round runs
 * smtp-source once against each James, the order alternating from round to round. After every
 * run (warm-up included) the driver counts through WebAdmin what James accepted (the sink
 * repository's size, or the recipients' INBOXes, which it then deletes so that the next run
 * delivers into empty ones) against what smtp-source sent; any shortfall is printed and makes the
 * exit status 1. Each round is timed twice: until smtp-source exits (every mail accepted) and
 * until James's spool is empty again (every mail taken up by the pipeline, delivery included).
 *
 * <p>{@code second=} says what the second James is: {@code hooks} (the comparison itself),
 * {@code plain} (a second plain James: what the method reads when nothing differs, its bias and
 * spread) or {@code jar} (the drop-in jar installed, its handler not configured: what installing
 * the jar alone costs).
 *
 * <p>{@code boots=N} runs the whole comparison N times, each with both Jameses booted afresh, and
 * ends with each boot's median and the median of all their rounds pooled. One round's ratio
 * scatters by about 0.11 on the project's 2-core machine, so one row of 9 rounds is good to about
 * ±0.1 (two plain Jameses read anything from 0.85 to 1.11); pooled rounds narrow it. Every other
 * boot boots and warms the second James first.
 */
public final class SmtpSourceComparison {
    /** The parameters, each {@code name=value}. */
    static final Set<String> PARAMETERS = Set.of("james", "shape", "pipeline", "sessions", "messages", "length",
            "rounds", "warmup", "soa", "jfr", "jvmArg", "smtpSource", "second",
            "boots");
    /** smtp-source's {@code -N} numbers it: 1user@gatekeeper.test, 2user@..., each a mailbox of its own. */
    static final String RECIPIENT = "user@" + JamesSandbox.DOMAIN;
    /**
     * How long James's count of delivered messages may stand still, while some are missing, before
     * they count as lost; while it grows, James is behind, and the driver waits.
     */
    private static final Duration DELIVERY_STALL = Duration.ofMinutes(2);
    /** The longest one smtp-source run may take. */
    private static final Duration RUN_BOUND = Duration.ofMinutes(10);
    /** How often the driver asks whether the spool is empty: one WebAdmin request, a small part of a run of seconds. */
    private static final Duration SPOOL_LOOK = Duration.ofMillis(50);

    /** What the second James, the one compared with plain James, is. */
    enum Second {
        /** Gatekeeper's handler, from conf/smtpserver.xml: the comparison the figures are about. */
        HOOKS("James + Gatekeeper hooks", "smtp-source-gatekeeper"),
        /** Plain James again: nothing differs, so any ratio but 1 is the method's own. */
        PLAIN("plain James, second", "smtp-source-plain-second"),
        /** The drop-in jar in extensions-jars, no Gatekeeper handler or mailet configured. */
        JAR("James + drop-in jar only", "smtp-source-jar");

        final String label;
        final String workName;

        Second(String label, String workName) {
            this.label = label;
            this.workName = workName;
        }

        static Second of(String argument) {
            return valueOf(argument.toUpperCase(Locale.ROOT));
        }

        String argument() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** The parameters of one invocation, each with its default. */
    record Settings(JamesRelease release, Shape shape, Pipeline pipeline, int sessions, int messages, int length,
            int rounds, int warmup, boolean soa, String jfr, String jvmArg, String smtpSource, Second second, int boots) {

        static Settings parse(String... args) {
            LoadArgs a = LoadArgs.parse(args, PARAMETERS);
            int messages = a.integer("messages", 2000, 1);
            return new Settings(
                    JamesRelease.of(a.string("james", JamesRelease.NEWEST.version())),
                    Shape.of(a.choice("shape", "connection", Set.of("connection", "session"))),
                    Pipeline.of(a.choice("pipeline", "sink", Set.of("sink", "mailbox"))),
                    a.integer("sessions", 50, 1),
                    messages,
                    a.integer("length", 2048, 0),
                    a.integer("rounds", 3, 1),
                    a.integer("warmup", messages, 0),
                    a.bool("soa", true),
                    a.string("jfr", null),
                    a.string("jvmArg", null),
                    a.string("smtpSource", SmtpSourceCommand.DEFAULT_EXECUTABLE),
                    Second.of(a.choice("second", "hooks", Set.of("hooks", "plain", "jar"))),
                    a.integer("boots", 1, 1));
        }

        SmtpSourceCommand command(JamesSandbox james) {
            return new SmtpSourceCommand(smtpSource, shape, sessions, messages, length, LoadZone.CLIENT_NAME,
                    LoadZone.SENDER, RECIPIENT, james.smtpAddress());
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "James %s, shape=%s pipeline=%s, sessions %d, %d messages of %d octets a run, "
                    + "%d rounds, zones %s SOA", release.version(), shape.argument(), pipeline.argument(), sessions,
                    messages, length, rounds, soa ? "with" : "without")
                    + (second == Second.HOOKS ? "" : ", second=" + second.argument())
                    + (boots == 1 ? "" : ", " + boots + " boots");
        }
    }

    private SmtpSourceComparison() {
    }

    public static void main(String[] args) throws Exception {
        Settings s;
        try {
            s = Settings.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        if (!Files.isExecutable(Path.of(s.smtpSource()))) {
            System.err.println(s.smtpSource() + " not found: install Debian's postfix with \"No configuration\" "
                    + "(see benchmarks/smtp-source.md) or give smtpSource=PATH");
            System.exit(2);
        }
        long lost = 0;
        List<Double> medians = new ArrayList<>();
        List<Double> pooled = new ArrayList<>();
        List<Double> pooledDrained = new ArrayList<>();
        for (int boot = 1; boot <= s.boots(); boot++) {
            if (s.boots() > 1) {
                System.out.printf("%n--- boot %d of %d%n", boot, s.boots());
            }
            Outcome o = run(s, boot % 2 == 0);
            lost += o.lost();
            medians.add(o.median());
            pooled.addAll(o.ratios());
            pooledDrained.addAll(o.drainedRatios());
        }
        if (s.boots() > 1) {
            System.out.printf(Locale.ROOT, "%n%s%nmedian by boot:%s  median of the boots %.2f  all %d rounds pooled: median %.2f"
                    + "; until the spool was empty: median %.2f%n", s, RoundRatios.format(medians), RoundRatios.median(medians),
                    pooled.size(), RoundRatios.median(pooled), RoundRatios.median(pooledDrained));
        }
        System.exit(lost == 0 ? 0 : 1);
    }

    /**
     * What one boot's comparison found besides what it printed: mail lost in all, its round
     * ratios, and the DNS questions the second James asked in all its runs (warm-up
     * included), the evidence that its hooks treated smtp-source's client as an outside one.
     */
    record Outcome(long lost, List<Double> ratios, List<Double> drainedRatios, Map<String, Integer> hookDnsQuestions) {
        double median() {
            return RoundRatios.median(ratios);
        }
    }

    /** Runs the whole comparison, plain James booted and warmed first. */
    static Outcome run(Settings s) throws IOException, InterruptedException {
        return run(s, false);
    }

    /**
     * Runs the whole comparison; {@code secondFirst} boots and warms the second James before plain
     * James. Of 13 boots of two plain Jameses, the second was ahead in 9 (median 1.04): whatever the
     * cause, boots that take turns (as {@code boots=} does) leave neither ahead.
     */
    static Outcome run(Settings s, boolean secondFirst) throws IOException, InterruptedException {
        Path conf = SmtpSourceConf.prepare(Path.of("conf"), Path.of("benchmarks/target/smtp-source-conf"), s.pipeline());
        List<String> recipients = new ArrayList<>();
        for (int n = 1; n <= s.messages(); n++) {
            recipients.add(SmtpSourceCommand.numberedRecipient(n, RECIPIENT));
        }
        Target[] pair = new Target[2];
        try (LoopbackDnsServer dns = LoopbackDnsServer.start(ZoneFile.parse(LoadZone.text(s.soa()), "load.test"));
                ScriptedPeer peer = ScriptedPeer.on(LoadZone.PEER).start()) {
            JamesSandbox.Builder plain = LoadJameses.sandbox(s.release(), conf, "smtp-source-plain", s.jfr(), s.jvmArg(),
                    recipients);
            JamesSandbox.Builder second = LoadJameses.sandbox(s.release(), conf, s.second().workName, s.jfr(), s.jvmArg(),
                    recipients);
            if (s.second() == Second.HOOKS) {
                LoadJameses.withHooks(second, s.release(), dns.hostPort(), peer.port());
            } else if (s.second() == Second.JAR) {
                LoadJameses.withJarOnly(second, s.release());
            }
            List<JamesSandbox.Builder> builders = List.of(plain, second);
            List<String> names = List.of("plain James " + s.release().version(), s.second().label);
            int[] order = secondFirst ? new int[] {1, 0} : new int[] {0, 1};
            for (int i : order) {
                pair[i] = new Target(names.get(i), builders.get(i).start(), s, recipients);
            }
            List<Target> targets = List.of(pair);
            System.out.println(s + (secondFirst ? ", the second James booted and warmed first" : ""));
            for (Target t : targets) {
                System.out.printf("%-26s %s%n", t.name, t.command.commandLine());
            }
            for (int i : order) {
                Target t = pair[i];
                if (t.inboxes != null) {
                    t.inboxes.emptyAll();
                }
                SteadyWarmUp.warm(t.name, s.messages(), s.warmup(), () -> t.run(dns, false).sample());
            }
            for (int round = 0; round < s.rounds(); round++) {
                // Alternate the order, so that neither James always runs on a warmer machine.
                for (int leg = 0; leg < targets.size(); leg++) {
                    Target t = targets.get((leg + round) % targets.size());
                    Run r = t.run(dns, true);
                    t.rates.add(r.perSecond());
                    t.drainedRates.add(r.drainedPerSecond());
                    System.out.printf(Locale.ROOT, "round %d %-26s %d messages in %.2f s = %.0f msg/s, James CPU %.2f ms/msg, %s;"
                            + " spool empty after %.2f s = %.0f msg/s, James CPU %.2f ms/msg%n",
                            round + 1, t.name, r.sent(), r.seconds(), r.perSecond(), r.cpuMillis() / r.sent(),
                            LoadComparison.dnsWork(r.dnsQueries(), r.connections(), r.sent()), r.drainedSeconds(),
                            r.drainedPerSecond(), r.drainedCpuMillis() / r.sent());
                }
            }
            List<Double> ratios = RoundRatios.byRound(targets.get(1).rates, targets.get(0).rates);
            List<Double> drainedRatios = RoundRatios.byRound(targets.get(1).drainedRates, targets.get(0).drainedRates);
            long lost = report(s, targets, ratios, drainedRatios);
            return new Outcome(lost, List.copyOf(ratios), List.copyOf(drainedRatios), Map.copyOf(targets.get(1).allDnsQuestions));
        } finally {
            for (Target t : pair) {
                if (t != null) {
                    if (t.inboxes != null) {
                        t.inboxes.close();
                    }
                    t.james.close();
                }
            }
        }
    }

    private static long report(Settings s, List<Target> targets, List<Double> ratios, List<Double> drainedRatios) {
        System.out.printf("%n%s%n", s);
        for (Target t : targets) {
            System.out.printf(Locale.ROOT, "%-26s msg/s by round:%s  overall %.0f msg/s  James CPU %.2f ms/msg  %s%n",
                    t.name, rates(t.rates), t.timedSent / t.timedSeconds, t.cpuMillis / t.timedSent,
                    LoadComparison.dnsWork(t.dnsQueries, t.connections, t.timedSent));
        }
        System.out.printf(Locale.ROOT, "ratio by round:%s  median %.2f%n", RoundRatios.format(ratios),
                RoundRatios.median(ratios));
        for (Target t : targets) {
            System.out.printf(Locale.ROOT,
                    "%-26s until the spool was empty, msg/s by round:%s  overall %.0f msg/s  James CPU %.2f ms/msg%n", t.name,
                    rates(t.drainedRates), t.timedSent / t.drainedSeconds, t.drainedCpuMillis / t.timedSent);
        }
        System.out.printf(Locale.ROOT, "ratio by round until the spool was empty:%s  median %.2f%n",
                RoundRatios.format(drainedRatios), RoundRatios.median(drainedRatios));
        System.out.println("DNS questions asked most during the timed runs (what the resolver's cache did not answer):");
        for (Target t : targets) {
            System.out.println(LoadComparison.dnsQuestions(t.name, t.dnsQuestions));
        }
        System.out.println("James CPU by thread group during the timed runs, ms per message:");
        for (Target t : targets) {
            System.out.println(LoadComparison.threadCpu(t.name, t.threadCpu, t.timedSent));
        }
        long lost = 0;
        for (Target t : targets) {
            System.out.printf("%-26s sent %d, counted through WebAdmin %d, lost %d%n", t.name, t.sent, t.counted,
                    t.sent - t.counted);
            lost += t.sent - t.counted;
        }
        System.out.println(lost == 0 ? "every accepted message was counted" : "MAIL WAS LOST: see above");
        return lost;
    }

    private static String rates(List<Double> rates) {
        StringBuilder line = new StringBuilder();
        rates.forEach(r -> line.append(String.format(Locale.ROOT, " %.0f", r)));
        return line.toString();
    }

    /** One smtp-source run: what it sent, how long it took, what it cost James and the resolver. */
    /**
     * One run of smtp-source: {@code seconds} and {@code cpuMillis} until smtp-source exited (every
     * mail accepted), {@code drainedSeconds} and {@code drainedCpuMillis} until the spool was
     * empty again (every mail taken up by the pipeline; NaN if it did not empty in time).
     */
    record Run(int sent, double seconds, double cpuMillis, double compilerMillis, int connections, int dnsQueries,
            double drainedSeconds, double drainedCpuMillis) {
        double perSecond() {
            return sent / seconds;
        }

        double drainedPerSecond() {
            return sent / drainedSeconds;
        }

        /** What the warm-up judges: the rate, and the compiler threads' part of James's CPU. */
        SteadyWarmUp.Sample sample() {
            return new SteadyWarmUp.Sample(perSecond(), cpuMillis == 0 ? 0 : compilerMillis / cpuMillis);
        }
    }

    /** One James under load, with what it was sent and what was counted in it. */
    private static final class Target {
        final String name;
        final JamesSandbox james;
        final Settings settings;
        final SmtpSourceCommand command;
        final SinkRepository sink;
        final SpoolQueue spool;
        /** The recipients' INBOXes (the mailbox pipeline): each receives one message a run. */
        final InboxTally inboxes;
        /** What each INBOX holds after a run: smtp-source sends message {@code n} to mailbox {@code n}. */
        final long[] oneEach;
        final Path output;
        final List<Double> rates = new ArrayList<>();
        /** The timed runs' rates until the spool was empty again. */
        final List<Double> drainedRates = new ArrayList<>();
        final Map<String, Integer> dnsQuestions = new TreeMap<>();
        final Map<String, Integer> allDnsQuestions = new TreeMap<>();
        /** James's CPU by thread group in the timed runs (smtp-source's run only, not the count after it). */
        final Map<String, CpuTime> threadCpu = new TreeMap<>();
        /** Every run, warm-up included. */
        long sent;
        long counted;
        /** The timed runs only. */
        long timedSent;
        double timedSeconds;
        double cpuMillis;
        double drainedSeconds;
        double drainedCpuMillis;
        long connections;
        long dnsQueries;

        Target(String name, JamesSandbox james, Settings settings, List<String> recipients) throws IOException {
            this.name = name;
            this.james = james;
            this.settings = settings;
            this.command = settings.command(james);
            this.sink = settings.pipeline() == Pipeline.SINK
                    ? new SinkRepository(james.webAdminUri(), SmtpSourceConf.SINK_REPOSITORY) : null;
            this.spool = new SpoolQueue(james.webAdminUri());
            this.inboxes = sink == null ? InboxTally.of(james, recipients) : null;
            this.oneEach = sink == null ? inboxes.oneEach() : null;
            this.output = james.workDir().resolve("smtp-source.out");
        }

        /** Runs smtp-source once and counts what James accepted; a timed run adds to the figures. */
        Run run(LoopbackDnsServer dns, boolean timed) throws IOException, InterruptedException {
            dns.resetCounters();
            CpuTime cpuBefore = CpuTime.ofProcess(james.pid());
            Map<String, CpuTime> threadsBefore = CpuTime.byThreadGroup(james.pid());
            long started = System.nanoTime();
            Process p = new ProcessBuilder(command.arguments()).redirectErrorStream(true)
                    .redirectOutput(output.toFile()).start();
            if (!p.waitFor(RUN_BOUND.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(name + ": smtp-source still running after " + RUN_BOUND);
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            CpuTime cpu = CpuTime.ofProcess(james.pid()).minus(cpuBefore);
            Map<String, CpuTime> threads = new TreeMap<>();
            CpuTime.byThreadGroup(james.pid()).forEach((group, used) ->
                    threads.put(group, used.minus(threadsBefore.getOrDefault(group, CpuTime.ZERO))));
            if (timed) {
                threads.forEach((group, used) -> threadCpu.merge(group, used, CpuTime::plus));
            }
            if (p.exitValue() != 0) {
                // Without -A it stops at the first unexpected reply: the run is not a measurement.
                throw new IllegalStateException(name + ": smtp-source exited with " + p.exitValue() + ": "
                        + Files.readString(output, StandardCharsets.UTF_8) + "\n" + james.logTail(30));
            }
            int queries = dns.queries();
            dns.questions().forEach((q, n) -> allDnsQuestions.merge(q, n, Integer::sum));
            if (timed) {
                dns.questions().forEach((q, n) -> dnsQuestions.merge(q, n, Integer::sum));
            }
            boolean drained = spool.awaitEmpty(SPOOL_LOOK, DELIVERY_STALL);
            double drainedSeconds = drained ? (System.nanoTime() - started) / 1e9 : Double.NaN;
            double drainedCpu = drained ? CpuTime.ofProcess(james.pid()).minus(cpuBefore).totalMillis() : Double.NaN;
            if (!drained) {
                System.out.printf("%s: the spool still held mail %s after smtp-source exited%n", name, DELIVERY_STALL);
            }
            int n = command.messages();
            sent += n;
            counted += awaitCounted(n);
            Run r = new Run(n, seconds, cpu.totalMillis(), CpuTime.compiler(threads).totalMillis(), command.connections(),
                    queries, drainedSeconds, drainedCpu);
            if (timed) {
                timedSent += n;
                timedSeconds += seconds;
                cpuMillis += r.cpuMillis();
                this.drainedSeconds += drainedSeconds;
                drainedCpuMillis += drainedCpu;
                connections += r.connections();
                dnsQueries += queries;
            }
            return r;
        }

        /**
         * Waits until James holds the {@code n} messages of this run (while its count grows, and
         * {@link #DELIVERY_STALL} after it stops); answers how many it counted, printing any shortfall.
         */
        private long awaitCounted(int n) throws IOException, InterruptedException {
            long seen = sink != null ? DeliveryWait.until(sink::size, () -> n, Duration.ofMillis(100), DELIVERY_STALL)
                    : DeliveryWait.until(() -> inboxes.delivered(oneEach), () -> n, Duration.ofMillis(500), DELIVERY_STALL);
            if (seen != n) {
                System.out.printf("%s: LOST MAIL: smtp-source sent %d, James holds %d%n", name, n, seen);
            }
            if (sink != null) {
                sink.clear();
                return Math.min(seen, n);
            }
            if (seen != n) {
                // Before the deletion: whether each INBOX short of its message is there and empty, or gone.
                inboxes.shortfall(oneEach).forEach(line -> System.out.println("  " + line));
            }
            long surplus = inboxes.surplus(oneEach);
            if (surplus > 0) {
                System.out.printf("%s: %d messages more than one an INBOX%n", name, surplus);
            }
            inboxes.emptyAll();
            return Math.min(seen, n);
        }
    }
}
