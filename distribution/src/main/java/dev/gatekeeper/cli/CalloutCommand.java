package dev.gatekeeper.cli;

import dev.gatekeeper.callout.CalloutVerdict;
import dev.gatekeeper.callout.CalloutSettings;
import dev.gatekeeper.callout.CalloutVerifier;
import dev.gatekeeper.dns.DnsResolver;
import java.io.InputStream;
import java.io.PrintStream;
import java.util.List;
import java.util.Set;

/**
 * {@code callout ADDRESS}: asks the address's mail host whether it would accept mail for it, and
 * prints the outcome word on the first line, then the details.
 */
final class CalloutCommand implements Command {

    private static final Set<String> WITH_VALUE = Set.of("--smtp-port", "--helo", "--mail-from", "--timeout",
            ResolverOptions.ZONE, ResolverOptions.DNS_SERVER);
    private static final Set<String> FLAGS = Set.of("--allow-private", "--random", "--postmaster", "-v");

    @Override
    public String name() {
        return "callout";
    }

    @Override
    public String summary() {
        return "ADDRESS [--zone FILE | --dns-server HOST:PORT] [--smtp-port N] [--allow-private] [--helo NAME] [--mail-from ADDRESS]"
                + " [--random] [--postmaster] [-v]: probe the address's mail host";
    }

    @Override
    public int run(List<String> args, InputStream in, PrintStream out, PrintStream err) throws UsageException {
        Arguments a = Arguments.parse(args, WITH_VALUE, FLAGS, ResolverOptions.REPEATABLE);
        if (a.positional().size() != 1) {
            throw new UsageException(a.positional().isEmpty() ? "missing ADDRESS" : "give exactly one ADDRESS");
        }
        String address = a.positional().get(0);
        CalloutSettings.Builder settings = CalloutSettings.builder()
                .allowPrivateTargets(a.flag("--allow-private"))
                .checkRandom(a.flag("--random"))
                .checkPostmaster(a.flag("--postmaster"))
                .keepTranscript(a.flag("-v"));
        try {
            if (a.value("--smtp-port").isPresent()) {
                settings.port(port(a.value("--smtp-port").get()));
            }
            a.value("--helo").ifPresent(settings::heloName);
            a.value("--mail-from").ifPresent(settings::mailFrom);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        DnsResolver dns = ResolverOptions.resolver(a, a.duration("--timeout", "5s"));
        CalloutVerdict o;
        try (CalloutVerifier verifier = CalloutVerifier.create(settings.build(), dns)) {
            // Completes by the overall timeout at the latest, never exceptionally.
            o = verifier.verify(address).toCompletableFuture().join();
        }
        print(address, o, out);
        return Main.EXIT_OK;
    }

    private static int port(String value) throws UsageException {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new UsageException("--smtp-port: '" + value + "' is not a port number");
        }
    }

    static void print(String address, CalloutVerdict o, PrintStream out) {
        out.println(o.status().keyword());
        out.println("address: " + address.replaceAll("[\\x00-\\x1f\\x7f]", "?"));
        if (!o.host().isEmpty()) {
            out.println("host: " + o.host());
        }
        if (o.replyCode() != 0) {
            out.println("reply: " + o.replyCode() + (o.enhancedCode().isEmpty() ? "" : " " + o.enhancedCode())
                    + (o.replyText().isEmpty() ? "" : " " + o.replyText()));
        }
        if (!o.reason().isEmpty()) {
            out.println("reason: " + o.reason());
        }
        if (!o.transcript().isEmpty()) {
            out.println("transcript:");
            for (String line : o.transcript()) {
                out.println("  " + line);
            }
        }
    }
}
