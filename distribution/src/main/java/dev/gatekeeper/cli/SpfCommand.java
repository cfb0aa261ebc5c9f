package dev.gatekeeper.cli;

import dev.gatekeeper.dns.DnsResolver;
import dev.gatekeeper.dns.IpAddresses;
import dev.gatekeeper.spf.AuthenticationResultsSpf;
import dev.gatekeeper.spf.ReceivedSpfHeader;
import dev.gatekeeper.spf.SpfEvaluator;
import dev.gatekeeper.spf.SpfSettings;
import dev.gatekeeper.spf.SpfVerdict;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * {@code spf}: one SPF check, or a batch of them from standard input.
 *
 * <pre>
 * spf --ip IP --helo NAME --sender ADDRESS [--identity mailfrom|helo] [--header received-spf|authres]
 * spf --batch [--batch-format space|tsv|json]
 *                                  lines "IP HELO SENDER" in (or tab-separated, or JSON objects),
 *                                  "RESULT&lt;TAB&gt;EXPLANATION-or-dash" out, one per line, in order
 *     [--zone FILE | --dns-server HOST:PORT ...] [--timeout DURATION] [--receiver NAME]
 * </pre>
 */
final class SpfCommand implements Command {

    private static final Set<String> WITH_VALUE = Set.of(
            "--ip", "--helo", "--sender", "--identity", "--header", "--timeout", "--receiver", "--batch-format",
            ResolverOptions.ZONE, ResolverOptions.DNS_SERVER);
    private static final Set<String> FLAGS = Set.of("--batch");

    @Override
    public String name() {
        return "spf";
    }

    @Override
    public String summary() {
        return "SPF check (RFC 7208): --ip IP --helo NAME --sender ADDRESS, or --batch [--batch-format space|tsv|json]";
    }

    @Override
    public int run(List<String> argv, InputStream in, PrintStream out, PrintStream err) throws UsageException {
        Arguments args = Arguments.parse(argv, WITH_VALUE, FLAGS, ResolverOptions.REPEATABLE);
        if (!args.positional().isEmpty()) {
            throw new UsageException("unexpected argument '" + args.positional().get(0) + "'");
        }
        Duration timeout = args.duration("--timeout", "20s");
        String receiver = args.value("--receiver").orElse(SpfSettings.RECEIVER.defaultValue());
        DnsResolver resolver = ResolverOptions.resolver(args, timeout);
        SpfEvaluator evaluator = new SpfEvaluator(resolver,
                SpfSettings.builder().timeBudget(timeout).receiver(receiver).build());
        if (args.flag("--batch")) {
            for (String option : List.of("--ip", "--helo", "--sender", "--identity", "--header")) {
                if (args.value(option).isPresent()) {
                    throw new UsageException(option + " does not go with --batch");
                }
            }
            return batch(evaluator, BatchFormat.of(args.value("--batch-format").orElse("space")), in, out, err);
        }
        if (args.value("--batch-format").isPresent()) {
            throw new UsageException("--batch-format goes with --batch only");
        }
        InetAddress ip = address(args.required("--ip"));
        String helo = args.required("--helo");
        String identity = args.value("--identity").orElse("mailfrom");
        CompletionStage<SpfVerdict> check;
        if (identity.equals("helo")) {
            check = evaluator.checkHelo(ip, helo);
        } else if (identity.equals("mailfrom")) {
            check = evaluator.checkMailFrom(ip, helo, args.required("--sender"));
        } else {
            throw new UsageException("--identity must be mailfrom or helo, not '" + identity + "'");
        }
        String header = args.value("--header").orElse("");
        if (!header.isEmpty() && !header.equals("received-spf") && !header.equals("authres")) {
            throw new UsageException("--header must be received-spf or authres, not '" + header + "'");
        }
        SpfVerdict verdict = check.toCompletableFuture().join();
        out.println(verdict.result().keyword());
        verdict.explanation().ifPresent(e -> out.println("explanation: " + e));
        verdict.problem().ifPresent(p -> out.println("problem: " + p));
        verdict.mechanism().ifPresent(m -> out.println("mechanism: " + m));
        out.println("lookups: " + verdict.lookups());
        if (header.equals("received-spf")) {
            out.println(ReceivedSpfHeader.of(verdict, receiver));
        } else if (header.equals("authres")) {
            out.println(AuthenticationResultsSpf.header(receiver, verdict));
        }
        return Main.EXIT_OK;
    }

    /**
     * Evaluates every line concurrently and prints the answers in input order, one line each;
     * blank lines are skipped. A line that cannot be read answers {@code invalid<TAB>line N: why}
     * (also on standard error), the rest go on, and the exit status is then 2.
     */
    private static int batch(SpfEvaluator evaluator, BatchFormat format, InputStream in, PrintStream out, PrintStream err) {
        List<CompletableFuture<String>> answers = new ArrayList<>();
        int status = Main.EXIT_OK;
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            int number = 0;
            while ((line = reader.readLine()) != null) {
                number++;
                if (line.isBlank()) {
                    continue;
                }
                BatchFormat.Query query;
                InetAddress ip;
                try {
                    query = format.parse(line);
                    ip = address(query.ip.strip());
                } catch (IllegalArgumentException | UsageException e) {
                    String why = "line " + number + ": " + oneLine(e.getMessage());
                    err.println("gatekeeper spf: " + why);
                    answers.add(CompletableFuture.completedFuture("invalid\t" + why));
                    status = Main.EXIT_USAGE;
                    continue;
                }
                answers.add(evaluator.checkMailFrom(ip, query.helo, query.sender).toCompletableFuture()
                        .thenApply(v -> v.result().keyword() + "\t" + v.explanation().orElse("-")));
            }
        } catch (IOException e) {
            err.println("gatekeeper spf: cannot read standard input: " + e.getMessage());
            return Main.EXIT_USAGE;
        }
        for (CompletableFuture<String> answer : answers) {
            out.println(answer.join());
        }
        return status;
    }

    /** A message that may quote the input (JSON can carry any character) as one printable line. */
    private static String oneLine(String message) {
        StringBuilder sb = new StringBuilder(message.length());
        for (int i = 0; i < message.length(); i++) {
            char c = message.charAt(i);
            if (c == '\t') {
                sb.append("\\t");
            } else if (c == '\n') {
                sb.append("\\n");
            } else if (c == '\r') {
                sb.append("\\r");
            } else if (c < 0x20 || c == 0x7f) {
                sb.append(String.format("\\u%04X", (int) c));
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    /** Only literals: a host name here would be resolved outside the SPF engine's DNS. */
    private static InetAddress address(String literal) throws UsageException {
        return IpAddresses.parse(literal).orElseThrow(() -> new UsageException("'" + literal + "' is not an IP address"));
    }
}
