package dev.gatekeeper.benchmarks.load;

import dev.gatekeeper.callout.ScriptedPeer;
import dev.gatekeeper.dns.LoopbackDnsServer;
import dev.gatekeeper.dns.ZoneFile;
import dev.gatekeeper.sandbox.JamesRelease;
import dev.gatekeeper.sandbox.JamesSandbox;
import dev.gatekeeper.sandbox.SmtpClient;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Plain James against James with every Gatekeeper hook on, in one run: the sandboxes are booted
 * side by side and the same load alternates between them, the order rotating each round so that
 * none always runs on a warmer machine. Gatekeeper runs {@code conf/}'s handler
 * and policy: SPF for every MAIL FROM, a sender callout (answered from a warm cache after the
 * first transaction), the relay rules and the connect/HELO rules. After each run every message
 * that got 250 after DATA must be in its recipient's INBOX of the James that accepted it; any
 * difference fails the run (exit status 1). The INBOXes are then emptied ({@link InboxTally}), so
 * that every run delivers into empty mailboxes in both Jameses.
 *
 * <pre>
 * mvn -q -B -ntp -DskipTests package -pl benchmarks -am
 * java -cp benchmarks/target/gatekeeper-benchmarks.jar dev.gatekeeper.benchmarks.load.LoadComparison \
 *     [james=3.9.0|3.8.2|3.8.1] [sessions=50] [messages=2000] [rounds=3] [warmup=messages] [mailboxes=1000] [mailets=false] [jfr=DIR] [jvmArg=OPTION]
 * </pre>
 *
 * <p>Before the timed rounds each James gets untimed runs of {@code messages}: at least
 * {@code warmup} messages, then until two successive runs' rates agree within 5%
 * ({@link SteadyWarmUp}, shared with {@link SmtpSourceComparison}). Parameters are checked as
 * they are read: an unknown name, a repeated one or a bad number stops the driver at once.
 *
 * <p>Plain James and the Gatekeeper run have the same mail pipeline (conf/'s without the Gatekeeper
 * mailets), so that the ratio is the hooks' cost; {@code mailets=true} adds a third James with
 * conf/'s pipeline as shipped (SPF and callout mailets, verdict headers). {@code jfr=DIR} writes a
 * flight recording of each James there; {@code jvmArg=...} passes one more option to each James
 * (a profiler agent, for example).
 *
 * <p>The DNS work of each timed run is counted where the queries arrive: the driver's own
 * {@link LoopbackDnsServer}, which only the Gatekeeper resolver asks (plain James resolves through
 * conf/'s dnsservice.xml, not this server). Each round line and the summary give the queries it
 * received per SMTP connection and per accepted message, and the summary the questions asked most
 * (a negative answer without an SOA cannot be cached: {@link LoadZone} has one for each zone). Cache hits, the lookups
 * answered from the resolver's cache or by a query already in flight, are not visible from here:
 * the counters ({@code DnsjavaResolver.cacheStats()}) live in James's JVM and nothing exports them.
 * What the server does not receive was answered that way: every session asks the same questions
 * (one client, one sender, a zone TTL of a day), so after the warm-up the queries per message
 * would stay near zero, and anything above that is work the cache did not save.
 */
public final class LoadComparison {

    /** The parameters, each {@code name=value}. */
    static final Set<String> PARAMETERS = Set.of("james", "sessions", "messages", "rounds", "warmup", "mailboxes",
            "mailets", "jfr", "jvmArg");
    /** Where the warm-up goes, and the first of the load's mailboxes. */
    private static final String RECIPIENT = "user1@gatekeeper.test";
    /**
     * How long James's count of delivered messages may stand still, while some are missing, before
     * they count as lost; while it grows, James is behind, and the driver waits.
     */
    private static final Duration DELIVERY_STALL = Duration.ofMinutes(2);
    public static final String SENDER = LoadZone.SENDER;
    /** Enough that no mailbox holds more than a few messages of one run (they are emptied after each). */
    private static final int DEFAULT_MAILBOXES = 1000;
    /** An outside client: not in authorizedAddresses, so relay rules and SPF apply in full. */
    public static final String CLIENT = LoadZone.CLIENT;
    /** The sender's mail host, where the callout goes. */
    public static final String PEER = LoadZone.PEER;
    /** The sender's domain, the client's reverse name and the DNS lists' zone: {@link LoadZone}. */
    public static final String ZONE = LoadZone.TEXT;

    private LoadComparison() {
    }

    public static void main(String[] args) throws Exception {
        LoadArgs a = LoadArgs.parse(args, PARAMETERS);
        int sessions = a.integer("sessions", 50, 1);
        int messages = a.integer("messages", 2000, 1);
        int rounds = a.integer("rounds", 3, 1);
        int warmUpMessages = a.integer("warmup", messages, 0);
        boolean withPipeline = a.bool("mailets", false);
        String jfr = a.string("jfr", null);
        String jvmArg = a.string("jvmArg", null);
        JamesRelease release = JamesRelease.of(a.string("james", JamesRelease.NEWEST.version()));
        // Mail for many users, as a server receives it, each message to the next mailbox: James's
        // in-memory mailbox searches all of a user's messages, parsing their headers, on every
        // delivery (JMAP thread-id guessing). With few big mailboxes that search is the cost being
        // measured, growing with each run, and heavier for whichever James adds header lines.
        List<String> recipients = new ArrayList<>();
        for (int i = 1; i <= a.integer("mailboxes", DEFAULT_MAILBOXES, 1); i++) {
            recipients.add("user" + i + "@gatekeeper.test");
        }
        Path conf = Path.of("conf");
        List<Target> targets = new ArrayList<>();
        try (LoopbackDnsServer dns = LoopbackDnsServer.start(ZoneFile.parse(ZONE, "load.test"));
                ScriptedPeer peer = ScriptedPeer.on(PEER).start()) {
            targets.add(new Target("plain " + release,
                    LoadJameses.sandbox(release, conf, "plain", jfr, jvmArg, recipients).start(), recipients));
            targets.add(new Target("James + Gatekeeper hooks", LoadJameses.withHooks(
                    LoadJameses.sandbox(release, conf, "gatekeeper", jfr, jvmArg, recipients), release, dns.hostPort(), peer.port())
                    .start(), recipients));
            if (withPipeline) {
                targets.add(new Target("  + Gatekeeper mailets", LoadJameses.sandbox(release, conf, "pipeline", jfr, jvmArg, recipients)
                        .gatekeeper(LoadJameses.dropInJar(release))
                        .replaceSmtpHandler(LoadJameses.handler(dns.hostPort(), peer.port())).start(),
                        recipients));
            }
            InetAddress client = InetAddress.getByName(CLIENT);
            boolean complete = true;
            for (Target t : targets) {
                t.inboxes.emptyAll();
                warmUp(t.james);
                complete &= awaitDelivered(t, Map.of(RECIPIENT, 1));
                SteadyWarmUp.warm(t.name, messages, warmUpMessages, () -> {
                    CpuTime cpuBefore = CpuTime.ofProcess(t.james.pid());
                    CpuTime compilerBefore = CpuTime.compiler(CpuTime.byThreadGroup(t.james.pid()));
                    LoadResult r = new SmtpLoad(plan(t, client, sessions, messages, recipients).build()).run();
                    CpuTime cpu = CpuTime.ofProcess(t.james.pid()).minus(cpuBefore);
                    CpuTime compiler = CpuTime.compiler(CpuTime.byThreadGroup(t.james.pid())).minus(compilerBefore);
                    t.complete &= awaitDelivered(t, r.acceptedByRecipient());
                    return SteadyWarmUp.Sample.of(r.accepted(), r.elapsed().toNanos() / 1e9, cpu, compiler);
                });
                complete &= t.complete;
            }
            for (int round = 0; round < rounds; round++) {
                // Rotate the order, so that no configuration always runs on a warmer machine.
                for (int leg = 0; leg < targets.size(); leg++) {
                    Target t = targets.get((leg + round) % targets.size());
                    SmtpLoad.Plan.Builder plan = plan(t, client, sessions, messages, recipients);
                    CpuTime cpuBefore = CpuTime.ofProcess(t.james.pid());
                    Map<String, CpuTime> threadsBefore = CpuTime.byThreadGroup(t.james.pid());
                    dns.resetCounters();
                    LoadResult r = new SmtpLoad(plan.build()).run();
                    int queries = dns.queries();
                    dns.questions().forEach((question, n) -> t.dnsQuestions.merge(question, n, Integer::sum));
                    CpuTime cpu = CpuTime.ofProcess(t.james.pid()).minus(cpuBefore);
                    CpuTime.byThreadGroup(t.james.pid()).forEach((group, used) -> t.threadCpu.merge(group,
                            used.minus(threadsBefore.getOrDefault(group, CpuTime.ZERO)), CpuTime::plus));
                    t.runs.add(r);
                    t.cpu = t.cpu.plus(cpu);
                    t.dnsQueries += queries;
                    System.out.printf("round %d %-26s %s, James CPU %.2f ms/msg, %s%n", round + 1, t.name, r,
                            (double) cpu.totalMillis() / r.accepted(), dnsWork(queries, r.connections(), r.accepted()));
                    // Nothing of this run is still being delivered while the next one is timed.
                    complete &= awaitDelivered(t, r.acceptedByRecipient());
                }
            }
            double plainRate = rate(targets.get(0).runs);
            System.out.printf("%nsessions %d, %d messages per run, %d runs each%n", sessions, messages, rounds);
            for (Target t : targets) {
                long accepted = t.runs.stream().mapToLong(LoadResult::accepted).sum();
                System.out.printf("%-26s %7.0f msg/s  RCPT p50 %s p99 %s  James CPU %.2f ms/msg  ratio %.2f  %s%n", t.name,
                        rate(t.runs), ms(t.runs, 50), ms(t.runs, 99), (double) t.cpu.totalMillis() / accepted,
                        rate(t.runs) / plainRate,
                        dnsWork(t.dnsQueries, t.runs.stream().mapToLong(LoadResult::connections).sum(), accepted));
            }
            for (Target t : targets.subList(1, targets.size())) {
                List<Double> ratios = RoundRatios.byRound(perSecond(t.runs), perSecond(targets.get(0).runs));
                System.out.printf("%-26s ratio by round:%s  median %.2f%n", t.name, RoundRatios.format(ratios),
                        RoundRatios.median(ratios));
            }
            System.out.println("DNS questions asked most during the timed runs (what the resolver's cache did not answer):");
            for (Target t : targets) {
                System.out.println(dnsQuestions(t.name, t.dnsQuestions));
            }
            System.out.println("James CPU by thread group during the timed runs, ms per message:");
            for (Target t : targets) {
                System.out.println(threadCpu(t.name, t.threadCpu, t.runs.stream().mapToLong(LoadResult::accepted).sum()));
            }
            System.out.println(complete ? "every accepted message was delivered" : "MAIL WAS LOST: see above");
            if (!complete) {
                System.exit(1);
            }
        } finally {
            for (Target t : targets) {
                t.inboxes.close();
                t.james.close();
            }
        }
    }

    /** One configuration under load and the results of its runs. */
    private static final class Target {
        final String name;
        final JamesSandbox james;
        final List<LoadResult> runs = new ArrayList<>();
        CpuTime cpu = CpuTime.ZERO;
        /** Queries the loopback DNS server received during the timed runs, in all and by question. */
        long dnsQueries;
        final Map<String, Integer> dnsQuestions = new TreeMap<>();
        final Map<String, CpuTime> threadCpu = new TreeMap<>();
        /** Whether every warm-up run was delivered in full. */
        boolean complete = true;
        final InboxTally inboxes;

        Target(String name, JamesSandbox james, List<String> recipients) {
            this.name = name;
            this.james = james;
            this.inboxes = InboxTally.of(james, recipients);
        }
    }

    private static SmtpLoad.Plan.Builder plan(Target t, InetAddress client, int sessions, int messages, List<String> recipients) {
        SmtpLoad.Plan.Builder plan = SmtpLoad.Plan.builder(t.james.smtpAddress()).clientAddress(client)
                .helo("client.load.test").sender(SENDER).sessions(sessions).messages(messages);
        recipients.forEach(plan::recipient);
        return plan;
    }

    /** One whole transaction, so that the callout and DNS caches are warm, as the issue asks. */
    private static void warmUp(JamesSandbox james) throws IOException {
        try (SmtpClient smtp = SmtpClient.connect(james.smtpAddress(), InetAddress.getByName(CLIENT), Duration.ofSeconds(30))) {
            smtp.ehlo("client.load.test");
            smtp.mailFrom(SENDER);
            String rcpt = smtp.rcptTo(RECIPIENT).lastLine();
            String data = smtp.data("Subject: warm-up\n\nwarm-up\n").lastLine();
            if (!data.startsWith("250")) {
                throw new IllegalStateException("warm-up refused: RCPT " + rcpt + ", DATA " + data + "\n" + james.logTail(40));
            }
        }
    }

    /**
     * Waits until each recipient's INBOX holds the messages of the run that James accepted for it
     * (the 250s after DATA), then empties the INBOXes; false, with the shortfall printed, if their
     * count stands still for {@link #DELIVERY_STALL}.
     */
    private static boolean awaitDelivered(Target t, Map<String, Integer> acceptedByRecipient)
            throws IOException, InterruptedException {
        long[] expected = t.inboxes.expected(acceptedByRecipient);
        long accepted = acceptedByRecipient.values().stream().mapToLong(Integer::longValue).sum();
        // A look asks WebAdmin about every INBOX still short: twice a second, not more.
        long seen = DeliveryWait.until(() -> t.inboxes.delivered(expected), () -> accepted, Duration.ofMillis(500),
                DELIVERY_STALL);
        if (seen != accepted) {
            System.out.printf("%s: LOST MAIL: %d accepted, %d in the mailboxes%n", t.name, accepted, seen);
            t.inboxes.shortfall(expected).forEach(line -> System.out.println("  " + line));
        }
        long surplus = t.inboxes.surplus(expected);
        if (surplus > 0) {
            System.out.printf("%s: %d messages more in the INBOXes than were accepted for them%n", t.name, surplus);
        }
        t.inboxes.emptyAll();
        return seen == accepted;
    }

    /** Queries received per connection and per accepted message (see the class comment on cache hits). */
    static String dnsWork(long queries, long connections, long accepted) {
        return String.format(Locale.ROOT, "DNS %d queries = %.2f/connection %.3f/msg", queries,
                connections == 0 ? 0.0 : (double) queries / connections, accepted == 0 ? 0.0 : (double) queries / accepted);
    }

    /** One line of the "CPU by thread group" report: the six groups that used most, in ms a message. */
    static String threadCpu(String target, Map<String, CpuTime> groups, long messages) {
        StringBuilder line = new StringBuilder(String.format("  %-26s", target));
        groups.entrySet().stream()
                .sorted(Comparator.comparingLong((Map.Entry<String, CpuTime> e) -> e.getValue().totalMillis()).reversed())
                .limit(6)
                .forEach(e -> line.append(String.format(Locale.ROOT, " %s %.2f (system %.2f)", e.getKey(),
                        (double) e.getValue().totalMillis() / messages, (double) e.getValue().systemMillis() / messages)));
        return line.toString();
    }

    /** One line of the "DNS questions asked most" report: the five asked most, or "none". */
    static String dnsQuestions(String target, Map<String, Integer> questions) {
        StringBuilder line = new StringBuilder(String.format("  %-26s", target));
        if (questions.isEmpty()) {
            return line.append(" none").toString();
        }
        questions.entrySet().stream()
                .sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
                .limit(5)
                .forEach(e -> line.append(' ').append(e.getKey()).append(' ').append(e.getValue()));
        return line.toString();
    }

    private static double rate(List<LoadResult> runs) {
        double seconds = runs.stream().mapToDouble(r -> r.elapsed().toNanos() / 1e9).sum();
        return runs.stream().mapToLong(LoadResult::accepted).sum() / seconds;
    }

    private static String ms(List<LoadResult> runs, double p) {
        return String.format("%.1f ms", runs.stream().mapToDouble(r -> r.rcptLatency(p).toNanos() / 1e6).average().orElse(0));
    }

    private static List<Double> perSecond(List<LoadResult> runs) {
        return runs.stream().map(LoadResult::acceptedPerSecond).toList();
    }
}
