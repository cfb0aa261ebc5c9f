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
 * spf --batch                      lines "IP HELO SENDER" in, "RESULT&lt;TAB&gt;EXPLANATION-or-dash" out
 *     [--zone FILE | --dns-server HOST:PORT ...] [--timeout DURATION] [--receiver NAME]
 * </pre>
 */
final class SpfCommand implements Command {

    private static final Set<String> WITH_VALUE = Set.of(
            "--ip", "--helo", "--sender", "--identity", "--header", "--timeout", "--receiver",
            ResolverOptions.ZONE, ResolverOptions.DNS_SERVER);
    private static final Set<String> FLAGS = Set.of("--batch");

    @Override
    public String name() {
        return "spf";
    }

    @Override
    public String summary() {
        return "SPF check (RFC 7208): --ip IP --helo NAME --sender ADDRESS, or --batch";
    }

    @Override
    public int run(List<String> argv, InputStream in, PrintStream out, PrintStream err) throws UsageException {
        Arguments args = Arguments.parse(argv, WITH_VALUE, FLAGS, ResolverOptions.REPEATABLE);
        if (!args.positional().isEmpty()) {
            throw new UsageException("unexpected argument '" + args.positional().get(0) + "'");
        }
        Duration timeout = args.duration("--timeout", "20s");
        String receiver = args.value("--receiver").orElse(SpfSettings.DEFAULT_RECEIVER);
        DnsResolver resolver = ResolverOptions.resolver(args, timeout);
        SpfEvaluator evaluator = new SpfEvaluator(resolver,
                SpfSettings.builder().timeBudget(timeout).receiver(receiver).build());
        if (args.flag("--batch")) {
            for (String option : List.of("--ip", "--helo", "--sender", "--identity", "--header")) {
                if (args.value(option).isPresent()) {
                    throw new UsageException(option + " does not go with --batch");
                }
            }
            return batch(evaluator, in, out, err);
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

    /** Evaluates every line concurrently and prints the answers in input order. */
    private static int batch(SpfEvaluator evaluator, InputStream in, PrintStream out, PrintStream err) {
        List<CompletableFuture<String>> answers = new ArrayList<>();
        int status = Main.EXIT_OK;
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            int number = 0;
            while ((line = reader.readLine()) != null) {
                number++;
                String[] fields = line.trim().split("\\s+");
                if (line.isBlank()) {
                    continue;
                }
                if (fields.length != 3) {
                    err.println("gatekeeper spf: line " + number + ": expected IP HELO SENDER");
                    answers.add(CompletableFuture.completedFuture("invalid\tline " + number + " is not IP HELO SENDER"));
                    status = Main.EXIT_USAGE;
                    continue;
                }
                InetAddress ip;
                try {
                    ip = address(fields[0]);
                } catch (UsageException e) {
                    err.println("gatekeeper spf: line " + number + ": " + e.getMessage());
                    answers.add(CompletableFuture.completedFuture("invalid\t" + e.getMessage()));
                    status = Main.EXIT_USAGE;
                    continue;
                }
                answers.add(evaluator.checkMailFrom(ip, fields[1], fields[2]).toCompletableFuture()
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

    /** Only literals: a host name here would be resolved outside the SPF engine's DNS. */
    private static InetAddress address(String literal) throws UsageException {
        return IpAddresses.parse(literal).orElseThrow(() -> new UsageException("'" + literal + "' is not an IP address"));
    }
}
