package dev.gatekeeper.sandbox;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;

/**
 * The README's main command ({@code ./gatekeeper-sandbox}): starts the sandbox world, runs
 * the ready transactions and prints the replies James gave, prints how to try more by hand,
 * and stays up until Ctrl-C.
 *
 * <pre>
 * gatekeeper-sandbox [--once] [--james 3.9.0|3.8.2|3.8.1] [--conf DIR] [--james-classpath FILE] [--gatekeeper-jar FILE]
 *                    [--work DIR] [--smtp-port 2525] [--dns 127.0.0.153:53] [--peer-port 25]
 * gatekeeper-sandbox --list
 * gatekeeper-sandbox --try NAME [--server 127.0.0.1:2525]
 * </pre>
 * Exit status: 0 when every demo got the reply it expects, 1 when one did not, 2 for bad
 * arguments or a sandbox that would not start.
 */
public final class SandboxMain {
    static final String USAGE = String.join("\n",
        "usage: gatekeeper-sandbox [--once] [--james 3.9.0|3.8.2|3.8.1] [--conf DIR] [--james-classpath FILE] [--gatekeeper-jar FILE]",
        "                          [--work DIR] [--smtp-port 2525] [--dns 127.0.0.153:53] [--peer-port 25]",
        "       gatekeeper-sandbox --list",
        "       gatekeeper-sandbox --try NAME [--server 127.0.0.1:2525]");

    private SandboxMain() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs the command; returns the exit status. With {@code --once} everything is stopped before it returns. */
    static int run(String[] args, PrintStream out, PrintStream err) {
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            err.println("gatekeeper-sandbox: " + e.getMessage());
            err.println(USAGE);
            return 2;
        }
        if (options.list) {
            for (Demo demo : Demos.all()) {
                out.printf("%-22s %s%s%n", demo.name(), demo.title(), demo.dependsOnGatekeeper() ? "" : " (same without Gatekeeper)");
            }
            return 0;
        }
        if (options.tryName != null) {
            Optional<Demo> demo = Demos.named(options.tryName);
            if (demo.isEmpty()) {
                err.println("gatekeeper-sandbox: no demo named " + options.tryName + "; --list shows them");
                return 2;
            }
            DemoResult result = DemoResult.run(demo.get(), options.server, options.gatekeeperJar != null);
            printResult(out, result, false);
            return result.replies().isEmpty() ? 1 : 0;
        }
        Sandbox sandbox;
        try {
            sandbox = Sandbox.start(options.settings(), out);
        } catch (IOException | RuntimeException e) {
            err.println("gatekeeper-sandbox: the sandbox did not start: " + e.getMessage());
            return 2;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Thread stopper = new Thread(() -> {
            out.println("stopping James, peers and DNS ...");
            sandbox.close();
            stopped.countDown();
        }, "gatekeeper-sandbox-stop");
        Runtime.getRuntime().addShutdownHook(stopper);
        boolean allExpected = printDemos(out, sandbox, sandbox.runDemos());
        if (options.once) {
            Runtime.getRuntime().removeShutdownHook(stopper);
            sandbox.close();
            return allExpected ? 0 : 1;
        }
        printTryByHand(out, sandbox);
        out.println("Running; Ctrl-C stops James, the peers and the DNS server.");
        out.flush();
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    /** Prints every demo with the live transcript; true when all got the replies they expect. */
    static boolean printDemos(PrintStream out, Sandbox sandbox, List<DemoResult> results) {
        out.println();
        out.println("Ready transactions against James on " + JamesSandbox.LOOPBACK + ":"
            + sandbox.james().smtpAddress().getPort() + " (the replies below are James's, live):");
        int expected = 0;
        for (DemoResult result : results) {
            printResult(out, result, true);
            expected += result.asExpected() ? 1 : 0;
        }
        out.println();
        out.printf("%d of %d transactions got the replies expected %s.%n", expected, results.size(),
            sandbox.gatekeeperInstalled() ? "with Gatekeeper" : "from James alone (Gatekeeper hooks not installed)");
        return expected == results.size();
    }

    static void printResult(PrintStream out, DemoResult result, boolean judge) {
        Demo demo = result.demo();
        out.println();
        out.println("== " + demo.name() + ": " + demo.title());
        out.println("   client " + demo.clientAddress() + "; " + demo.why());
        for (String line : result.transcript()) {
            out.println("   " + line);
        }
        result.failure().ifPresent(f -> out.println("   !! " + f));
        if (judge) {
            out.println(result.asExpected() ? "   -> as expected"
                : "   -> NOT as expected: wanted " + result.expectedLines() + ", got " + result.replyLines());
        }
    }

    static void printTryByHand(PrintStream out, Sandbox sandbox) {
        String server = JamesSandbox.LOOPBACK + ":" + sandbox.james().smtpAddress().getPort();
        out.println();
        out.println("Try them by hand (swaks is in Debian's swaks package), from another terminal:");
        for (Demo demo : Demos.all()) {
            out.println("  " + demo.swaks(server));
        }
        out.println("or with the bundled client: ./gatekeeper-sandbox --try NAME   (--list names them)");
        out.println("Mailbox of " + Demos.RECIPIENT + " (password " + Demos.RECIPIENT_PASSWORD + "): IMAP on "
            + sandbox.james().imapAddress().getHostString() + ":" + sandbox.james().imapAddress().getPort()
            + "; WebAdmin on " + sandbox.james().webAdminUri());
        out.println("DNS: dig @" + sandbox.dns().address().getHostAddress() + " -p " + sandbox.dns().port()
            + " fail.sandbox.test TXT   (zone: " + sandbox.dns().zoneFiles() + ")");
        out.println("James's log: " + sandbox.james().logFile());
    }

    /** The command line, parsed. */
    static final class Options {
        boolean once;
        boolean list;
        String tryName;
        InetSocketAddress server = new InetSocketAddress(JamesSandbox.LOOPBACK, 2525);
        Path conf = Paths.get("conf");
        JamesRelease james = JamesRelease.NEWEST;
        Path jamesClasspath;
        Path work = Paths.get("sandbox/target/sandbox-james");
        Path gatekeeperJar;
        int smtpPort = 2525;
        String dnsAddress = SandboxDns.DEFAULT_ADDRESS;
        int dnsPort = SandboxDns.DNS_PORT;
        int peerPort = PeerMta.SMTP_PORT;

        static Options parse(String[] args) {
            Options o = new Options();
            List<String> rest = new ArrayList<>(List.of(args));
            while (!rest.isEmpty()) {
                String arg = rest.remove(0);
                switch (arg) {
                    case "--once": o.once = true; break;
                    case "--list": o.list = true; break;
                    case "--try": o.tryName = value(arg, rest); break;
                    case "--server": o.server = hostPort(arg, value(arg, rest)); break;
                    case "--james": o.james = JamesRelease.of(value(arg, rest)); break;
                    case "--conf": o.conf = Paths.get(value(arg, rest)); break;
                    case "--james-classpath": o.jamesClasspath = Paths.get(value(arg, rest)); break;
                    case "--work": o.work = Paths.get(value(arg, rest)); break;
                    case "--gatekeeper-jar": o.gatekeeperJar = Paths.get(value(arg, rest)); break;
                    case "--smtp-port": o.smtpPort = port(arg, value(arg, rest)); break;
                    case "--peer-port": o.peerPort = port(arg, value(arg, rest)); break;
                    case "--dns": {
                        InetSocketAddress dns = hostPort(arg, value(arg, rest));
                        o.dnsAddress = dns.getHostString();
                        o.dnsPort = dns.getPort();
                        break;
                    }
                    default: throw new IllegalArgumentException("unknown argument " + arg);
                }
            }
            if (o.gatekeeperJar != null && !Files.isRegularFile(o.gatekeeperJar)) {
                throw new IllegalArgumentException("--gatekeeper-jar: no such file " + o.gatekeeperJar);
            }
            Path root = Paths.get(".");
            if (o.jamesClasspath == null) {
                o.jamesClasspath = o.james.classpathFile(root);
            }
            if (o.gatekeeperJar == null) {
                try {
                    // The jar of the release's generation, when distribution was built; else James alone.
                    o.gatekeeperJar = o.james.dropInJar(root).orElse(null);
                } catch (java.io.IOException e) {
                    throw new IllegalArgumentException("cannot look for the drop-in jar: " + e.getMessage());
                }
            }
            return o;
        }

        Sandbox.Settings settings() {
            return new Sandbox.Settings(conf.toAbsolutePath(), jamesClasspath.toAbsolutePath(), work.toAbsolutePath())
                .release(james)
                .gatekeeperJar(gatekeeperJar == null ? null : gatekeeperJar.toAbsolutePath())
                .smtpPort(smtpPort)
                .dns(dnsAddress, dnsPort)
                .peerPort(peerPort);
        }

        private static String value(String option, List<String> rest) {
            if (rest.isEmpty()) {
                throw new IllegalArgumentException(option + " needs a value");
            }
            return rest.remove(0);
        }

        private static int port(String option, String value) {
            try {
                int port = Integer.parseInt(value);
                if (port < 0 || port > 65535) {
                    throw new NumberFormatException();
                }
                return port;
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(option + ": not a port: " + value);
            }
        }

        /** ADDRESS:PORT on loopback, IPv6 in brackets. */
        private static InetSocketAddress hostPort(String option, String value) {
            int colon = value.lastIndexOf(':');
            if (colon <= 0) {
                throw new IllegalArgumentException(option + ": expected ADDRESS:PORT, got " + value);
            }
            String host = value.substring(0, colon).replace("[", "").replace("]", "");
            int port = port(option, value.substring(colon + 1));
            try {
                return new InetSocketAddress(JamesSandbox.loopback(host), port);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(option + ": " + e.getMessage());
            }
        }
    }
}
