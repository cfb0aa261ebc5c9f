package dev.gatekeeper.cli;

import dev.gatekeeper.dns.AddressRecord;
import dev.gatekeeper.dns.DnsAnswer;
import dev.gatekeeper.dns.DnsNames;
import dev.gatekeeper.dns.DnsResolver;
import dev.gatekeeper.dns.IpAddresses;
import dev.gatekeeper.dns.PtrRecord;
import dev.gatekeeper.dns.RecordType;
import dev.gatekeeper.callout.CalloutSettings;
import dev.gatekeeper.callout.CalloutVerifier;
import dev.gatekeeper.policy.ClientFacts;
import dev.gatekeeper.policy.EngineChecks;
import dev.gatekeeper.policy.PolicyConfig;
import dev.gatekeeper.policy.PolicyConfigException;
import dev.gatekeeper.policy.PolicyEngine;
import dev.gatekeeper.policy.PolicySession;
import dev.gatekeeper.policy.TransactionChecks;
import dev.gatekeeper.policy.Verdict;
import dev.gatekeeper.spf.SpfEvaluator;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code check}: replays one SMTP transaction through a policy without sending mail, as
 * {@code exim -bh} does, printing one line per stage ({@code STAGE CODE TEXT}) and, with
 * {@code -v}, the rule trace.
 */
final class CheckCommand implements Command {

    private static final Duration DNS_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration STAGE_TIMEOUT = Duration.ofSeconds(60);

    @Override
    public String name() {
        return "check";
    }

    @Override
    public String summary() {
        return "replay an SMTP transaction through a policy: --policy FILE --ip IP --helo NAME --sender ADDR --rcpt ADDR"
                + " [--rcpt ...] [--auth USER] [--dns-server HOST:PORT | --zone FILE] [--allow-private] [-v]";
    }

    @Override
    public int run(List<String> args, InputStream in, PrintStream out, PrintStream err) throws UsageException {
        Arguments a = Arguments.parse(args,
                Set.of("--policy", "--ip", "--helo", "--sender", "--rcpt", "--auth", ResolverOptions.DNS_SERVER,
                        ResolverOptions.ZONE),
                Set.of("-v", "--verbose", "--allow-private"), Set.of("--rcpt", ResolverOptions.DNS_SERVER));
        if (!a.positional().isEmpty()) {
            throw new UsageException("unexpected argument '" + a.positional().get(0) + "'");
        }
        InetAddress ip = ipLiteral(a.required("--ip"));
        a.required("--helo");
        a.required("--sender");
        if (a.all("--rcpt").isEmpty()) {
            throw new UsageException("missing --rcpt");
        }
        PolicyConfig config = policy(a.required("--policy"));
        DnsResolver resolver = ResolverOptions.resolver(a, DNS_TIMEOUT);
        judge(config, resolver, ip, a, checks -> checks, out);
        return Main.EXIT_OK;
    }

    /** The policy file, read and checked. */
    static PolicyConfig policy(String file) throws UsageException {
        Path policyFile = Path.of(file);
        if (!Files.isRegularFile(policyFile)) {
            throw new UsageException(policyFile + ": no such policy file");
        }
        try {
            return PolicyConfig.load(policyFile);
        } catch (PolicyConfigException e) {
            throw new UsageException(e.getMessage());
        }
    }

    /**
     * Replays {@code a}'s transaction (--helo, --sender, --rcpt, --auth; -v for the trace) through
     * the policy with the SPF and callout engines, {@code checks} adding what the caller knows more
     * (the message, for {@code message}).
     */
    static void judge(PolicyConfig config, DnsResolver resolver, InetAddress ip, Arguments a,
            java.util.function.UnaryOperator<TransactionChecks> checks, PrintStream out) throws UsageException {
        boolean verbose = a.flag("-v") || a.flag("--verbose");
        CalloutSettings calloutSettings = CalloutSettings.builder().allowPrivateTargets(a.flag("--allow-private")).build();
        try (CalloutVerifier callouts = CalloutVerifier.create(calloutSettings, resolver)) {
            TransactionChecks engines = checks.apply(EngineChecks.of(new SpfEvaluator(resolver), callouts));
            String clientName = reverseName(resolver, ip).orElse(null);
            PolicySession session = PolicyEngine.create(config, engines, resolver)
                    .openSession(ClientFacts.of(ip, clientName, false));
            replay(session, config, a, verbose, out);
        }
    }

    /** Walks the transaction stage by stage, as a client would, stopping where the session would end. */
    private static void replay(PolicySession session, PolicyConfig config, Arguments a, boolean verbose,
            PrintStream out) throws UsageException {
        String helo = a.required("--helo");
        String sender = a.required("--sender");
        List<String> rcpts = a.all("--rcpt");
        String host = config.hostname().isEmpty() ? "localhost" : config.hostname();

        Verdict v = await(session.connect());
        if (print(out, verbose, v, "220 " + host + " ESMTP")) {
            return;
        }
        v = await(session.helo(helo));
        if (print(out, verbose, v, "250 " + host)) {
            return;
        }
        a.value("--auth").ifPresent(session::authenticated);
        v = await(session.mail(sender));
        if (print(out, verbose, v, "250 2.1.0 Ok")) {
            return;
        }
        int accepted = 0;
        for (String rcpt : rcpts) {
            v = await(session.rcpt(rcpt));
            boolean refused = v.refuses();
            if (print(out, verbose, v, "250 2.1.5 Ok")) {
                return;
            }
            if (!refused) {
                accepted++;
            }
        }
        if (accepted == 0) {
            // RFC 5321 §3.3: DATA after no accepted recipient fails; Postfix words it so.
            out.println("data 554 5.5.1 Error: no valid recipients");
            return;
        }
        print(out, verbose, await(session.data()), "250 2.0.0 Ok: checked, not queued");
    }

    /** The client's forward-confirmed reverse name, as an SMTP server verifies it. */
    private static Optional<String> reverseName(DnsResolver resolver, InetAddress ip) {
        DnsAnswer ptr = resolver.lookupBlocking(DnsNames.reverseName(ip), RecordType.PTR, DNS_TIMEOUT);
        for (PtrRecord p : ptr.records(PtrRecord.class)) {
            RecordType type = ip.getAddress().length == 4 ? RecordType.A : RecordType.AAAA;
            DnsAnswer forward = resolver.lookupBlocking(p.target(), type, DNS_TIMEOUT);
            for (AddressRecord r : forward.records(AddressRecord.class)) {
                if (r.address().equals(ip)) {
                    return Optional.of(p.target());
                }
            }
        }
        return Optional.empty();
    }

    static InetAddress ipLiteral(String text) throws UsageException {
        String t = text.strip();
        if (t.startsWith("[") && t.endsWith("]")) {
            t = t.substring(1, t.length() - 1);
        }
        return IpAddresses.parse(t).orElseThrow(() -> new UsageException("--ip: '" + text + "' is not an IP address"));
    }

    /** Prints the stage's line (and trace); true when the session ends here. */
    private static boolean print(PrintStream out, boolean verbose, Verdict v, String pass) {
        String answer = v.reply().map(Object::toString).orElse(pass);
        out.println(v.stage().keyword() + " " + answer);
        if (verbose) {
            v.trace().forEach(t -> out.println("  trace: " + t));
            v.warnings().forEach(w -> out.println("  warning: " + w));
            v.held().ifPresent(h -> out.println("  held until the first RCPT: " + h));
            if (v.relayGranted()) {
                out.println("  relay: granted");
            }
            if (!v.tags().isEmpty()) {
                out.println("  tags: " + String.join(" ", new java.util.TreeSet<>(v.tags())));
            }
        }
        if (v.answer() == Verdict.Answer.DISCONNECT) {
            return true;
        }
        // A refused greeting, HELO or MAIL ends what the client can do in this transaction.
        return v.refuses() && v.stage() != dev.gatekeeper.policy.Stage.RCPT;
    }

    private static Verdict await(CompletionStage<Verdict> stage) throws UsageException {
        try {
            return stage.toCompletableFuture().get(STAGE_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UsageException("interrupted");
        } catch (ExecutionException | TimeoutException e) {
            throw new UsageException("policy evaluation failed: " + e);
        }
    }
}
