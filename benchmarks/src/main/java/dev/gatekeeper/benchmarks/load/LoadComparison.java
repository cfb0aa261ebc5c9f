package dev.gatekeeper.benchmarks.load;

import dev.gatekeeper.callout.ScriptedPeer;
import dev.gatekeeper.dns.LoopbackDnsServer;
import dev.gatekeeper.dns.ZoneFile;
import dev.gatekeeper.sandbox.JamesSandbox;
import dev.gatekeeper.sandbox.SmtpClient;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Plain James against James with every Gatekeeper hook on, in one run: both sandboxes are booted
 * side by side and the same load alternates between them (plain, Gatekeeper, Gatekeeper, plain,
 * ... so that neither always runs on a warmer machine). Gatekeeper runs {@code conf/}'s handler
 * and policy: SPF for every MAIL FROM, a sender callout (answered from a warm cache after the
 * first transaction), the relay rules and the connect/HELO rules. At the end every message that
 * got 250 after DATA must be in the recipient's INBOX of the James that accepted it; any
 * difference fails the run (exit status 1).
 *
 * <pre>
 * mvn -q -B -ntp -DskipTests package -pl benchmarks -am
 * java -cp benchmarks/target/gatekeeper-benchmarks.jar dev.gatekeeper.benchmarks.load.LoadComparison \
 *     [sessions=50] [messages=2000] [rounds=3]
 * </pre>
 */
public final class LoadComparison {

    private static final String RECIPIENT = "user@gatekeeper.test";
    private static final String SENDER = "load@load.test";
    /** An outside client: not in authorizedAddresses, so relay rules and SPF apply in full. */
    private static final String CLIENT = "127.0.0.2";
    private static final String PEER = "127.0.0.21";
    private static final String ZONE = String.join("\n",
            "$ORIGIN load.test.",
            "$TTL 86400",
            "@     IN MX  10 mx",
            "@     IN TXT \"v=spf1 ip4:192.0.2.0/24 ip4:" + CLIENT + " -all\"",
            "mx    IN A   " + PEER,
            "client IN A  " + CLIENT,
            "");

    private LoadComparison() {
    }

    public static void main(String[] args) throws Exception {
        int sessions = intArg(args, "sessions", 50);
        int messages = intArg(args, "messages", 2000);
        int rounds = intArg(args, "rounds", 3);
        Path jar = Path.of(System.getProperty("gatekeeper.jar", defaultJar()));
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("no drop-in jar at " + jar + ": run mvn package first");
        }
        try (LoopbackDnsServer dns = LoopbackDnsServer.start(ZoneFile.parse(ZONE, "load.test"));
                ScriptedPeer peer = ScriptedPeer.on(PEER).start();
                JamesSandbox plain = JamesSandbox.builder()
                        .confDir(Path.of("conf")).classpathFile(Path.of("sandbox/target/james.classpath"))
                        .workDir(Path.of("benchmarks/target/load-plain-james"))
                        .maxHeap("1g").user(RECIPIENT, "secret").start();
                JamesSandbox gatekeeper = JamesSandbox.builder()
                        .confDir(Path.of("conf")).classpathFile(Path.of("sandbox/target/james.classpath"))
                        .workDir(Path.of("benchmarks/target/load-gatekeeper-james"))
                        .gatekeeper(jar).replaceSmtpHandler(handler(dns.hostPort(), peer.port()))
                        .maxHeap("1g").user(RECIPIENT, "secret").start()) {
            warmUp(plain);
            warmUp(gatekeeper);
            InetAddress client = InetAddress.getByName(CLIENT);
            List<LoadResult> plainRuns = new ArrayList<>();
            List<LoadResult> gatekeeperRuns = new ArrayList<>();
            for (int round = 0; round < rounds; round++) {
                boolean plainFirst = round % 2 == 0;
                for (int leg = 0; leg < 2; leg++) {
                    boolean runPlain = (leg == 0) == plainFirst;
                    JamesSandbox target = runPlain ? plain : gatekeeper;
                    LoadResult r = new SmtpLoad(SmtpLoad.Plan.builder(target.smtpAddress()).clientAddress(client)
                            .helo("client.load.test").sender(SENDER).recipient(RECIPIENT)
                            .sessions(sessions).messages(messages).build()).run();
                    (runPlain ? plainRuns : gatekeeperRuns).add(r);
                    System.out.printf("round %d %-10s %s%n", round + 1, runPlain ? "plain" : "gatekeeper", r);
                }
            }
            boolean complete = checkDelivered("plain", plain, plainRuns) & checkDelivered("gatekeeper", gatekeeper, gatekeeperRuns);
            double plainRate = rate(plainRuns);
            double gatekeeperRate = rate(gatekeeperRuns);
            System.out.printf("%nsessions %d, %d messages per run, %d runs each%n", sessions, messages, rounds);
            System.out.printf("plain James        %7.0f msg/s  RCPT p50 %s p99 %s%n", plainRate,
                    ms(plainRuns, 50), ms(plainRuns, 99));
            System.out.printf("James + Gatekeeper %7.0f msg/s  RCPT p50 %s p99 %s%n", gatekeeperRate,
                    ms(gatekeeperRuns, 50), ms(gatekeeperRuns, 99));
            System.out.printf("ratio %.2f%n", gatekeeperRate / plainRate);
            if (!complete) {
                System.exit(1);
            }
        }
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

    private static boolean checkDelivered(String name, JamesSandbox james, List<LoadResult> runs) throws IOException {
        long expected = 1 + runs.stream().mapToLong(LoadResult::accepted).sum();
        try {
            james.awaitInboxMessageCount(RECIPIENT, expected, Duration.ofMinutes(5));
            System.out.printf("%s: all %d accepted messages delivered%n", name, expected);
            return true;
        } catch (IOException e) {
            System.out.printf("%s: LOST MAIL: %s%n", name, e.getMessage().lines().findFirst().orElse(""));
            return false;
        }
    }

    private static double rate(List<LoadResult> runs) {
        double seconds = runs.stream().mapToDouble(r -> r.elapsed().toNanos() / 1e9).sum();
        return runs.stream().mapToLong(LoadResult::accepted).sum() / seconds;
    }

    private static String ms(List<LoadResult> runs, double p) {
        return String.format("%.1f ms", runs.stream().mapToDouble(r -> r.rcptLatency(p).toNanos() / 1e6).average().orElse(0));
    }

    /** conf/smtpserver.xml's Gatekeeper handler with this run's DNS server and callout peer port. */
    private static String handler(String dnsHostPort, int calloutPort) {
        return "<handler class=\"dev.gatekeeper.james.smtp.GatekeeperHandler\">"
                + "<dns><servers>" + dnsHostPort + "</servers><timeout>2s</timeout></dns>"
                + "<callout><port>" + calloutPort + "</port><heloName>mx.gatekeeper.test</heloName>"
                + "<allowPrivateTargets>true</allowPrivateTargets></callout>"
                + "<policy file=\"conf/gatekeeper-policy.xml\"/>"
                + "</handler>";
    }

    private static String defaultJar() {
        try (var files = Files.list(Path.of("distribution/target"))) {
            return files.map(Path::toString).filter(f -> f.matches(".*/gatekeeper-james-[^/]*\\.jar"))
                    .findFirst().orElse("distribution/target/gatekeeper-james.jar");
        } catch (IOException e) {
            return "distribution/target/gatekeeper-james.jar";
        }
    }

    private static int intArg(String[] args, String name, int fallback) {
        for (String a : args) {
            if (a.startsWith(name + "=")) {
                return Integer.parseInt(a.substring(name.length() + 1));
            }
        }
        return fallback;
    }
}
