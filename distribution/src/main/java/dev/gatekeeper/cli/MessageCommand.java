package dev.gatekeeper.cli;

import dev.gatekeeper.dkim.DkimVerifier;
import dev.gatekeeper.dmarc.DmarcSettings;
import dev.gatekeeper.dmarc.MessageAuthentication;
import dev.gatekeeper.dmarc.MessageAuthenticator;
import dev.gatekeeper.dmarc.SpfEvidence;
import dev.gatekeeper.dns.DnsResolver;
import dev.gatekeeper.mail.Mailbox;
import dev.gatekeeper.policy.CalloutAnswer;
import dev.gatekeeper.policy.PolicyConfig;
import dev.gatekeeper.policy.SpfAnswer;
import dev.gatekeeper.policy.TransactionChecks;
import dev.gatekeeper.spf.AuthenticationResultsSpf;
import dev.gatekeeper.spf.SpfEvaluator;
import dev.gatekeeper.spf.SpfVerdict;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code message}: judges stored messages (RFC 5322 files, as received) as the end-of-DATA hook
 * would: SPF for the envelope, DKIM, ARC and DMARC over the octets, printed as the one
 * {@code Authentication-Results} field the hook adds; with {@code --policy}, the transaction
 * replayed through the policy as {@code check} does, its DATA stage seeing this message. What
 * {@code dkimverify}, {@code opendkim-testmsg} and {@code opendmarc-check} give Postfix admins.
 */
final class MessageCommand implements Command {

    private static final Duration DNS_TIMEOUT = Duration.ofSeconds(10);
    /** Beyond the DKIM engine's own 10 s budget and a DMARC lookup. */
    private static final Duration MESSAGE_TIMEOUT = Duration.ofSeconds(30);

    @Override
    public String name() {
        return "message";
    }

    @Override
    public String summary() {
        return "judge stored messages (FILE... or - for stdin) as the end of DATA would: --ip IP --helo NAME --sender ADDR"
                + " [--authserv-id NAME] [--policy FILE --rcpt ADDR ...] [--dns-server HOST:PORT | --zone FILE] [-v]";
    }

    @Override
    public int run(List<String> args, InputStream in, PrintStream out, PrintStream err) throws UsageException {
        Arguments a = Arguments.parse(args,
                Set.of("--ip", "--helo", "--sender", "--authserv-id", "--policy", "--rcpt", "--auth", ResolverOptions.DNS_SERVER,
                        ResolverOptions.ZONE),
                Set.of("-v", "--verbose", "--allow-private"), Set.of("--rcpt", ResolverOptions.DNS_SERVER));
        List<String> files = a.positional();
        if (files.isEmpty()) {
            throw new UsageException("no message: give FILE... or - for standard input");
        }
        InetAddress ip = CheckCommand.ipLiteral(a.required("--ip"));
        String helo = a.required("--helo");
        String sender = a.required("--sender");
        PolicyConfig policy = null;
        if (a.value("--policy").isPresent()) {
            policy = CheckCommand.policy(a.required("--policy"));
            if (a.all("--rcpt").isEmpty()) {
                throw new UsageException("missing --rcpt (the policy's RCPT stage needs one)");
            }
        }
        String authservId = a.value("--authserv-id").orElse(policy != null && !policy.hostname().isEmpty() ? policy.hostname() : "localhost");
        DnsResolver resolver = ResolverOptions.resolver(a, DNS_TIMEOUT);
        SpfVerdict spf = new SpfEvaluator(resolver).checkMailFromBlocking(ip, helo, sender);
        MessageAuthenticator authenticator = new MessageAuthenticator(new DkimVerifier(resolver), DmarcSettings.defaults().evaluator(resolver));
        boolean several = files.size() > 1;
        for (String file : files) {
            if (several) {
                out.println("==> " + file + " <==");
            }
            MessageAuthentication message;
            try (InputStream octets = file.equals("-") ? in : Files.newInputStream(Path.of(file))) {
                message = await(authenticator.authenticate(octets, SpfEvidence.of(spf.domain(), spf.result().keyword())));
            } catch (IOException e) {
                err.println("gatekeeper message: " + file + ": " + e.getMessage());
                continue;
            }
            out.println(message.appendTo(AuthenticationResultsSpf.header(authservId, spf)).replace("\r\n", "\n"));
            if (policy != null) {
                MessageAuthentication judged = message;
                CheckCommand.judge(policy, resolver, ip, a, engines -> withMessage(engines, judged), out);
            }
            if (several) {
                out.println();
            }
        }
        return Main.EXIT_OK;
    }

    /** The engines' checks, with the message already judged for the DATA stage. */
    private static TransactionChecks withMessage(TransactionChecks engines, MessageAuthentication message) {
        return new TransactionChecks() {
            @Override
            public CompletionStage<SpfAnswer> mailFromSpf(InetAddress client, String helo,
                    Mailbox sender) {
                return engines.mailFromSpf(client, helo, sender);
            }

            @Override
            public CompletionStage<SpfAnswer> heloSpf(InetAddress client, String helo) {
                return engines.heloSpf(client, helo);
            }

            @Override
            public CompletionStage<CalloutAnswer> callout(InetAddress client, Mailbox address) {
                return engines.callout(client, address);
            }

            @Override
            public CompletionStage<MessageAuthentication> message() {
                return CompletableFuture.completedFuture(message);
            }
        };
    }

    private static MessageAuthentication await(CompletionStage<MessageAuthentication> stage) throws IOException {
        try {
            return stage.toCompletableFuture().get(MESSAGE_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        } catch (ExecutionException | TimeoutException e) {
            return MessageAuthentication.unreadable("no answer within " + MESSAGE_TIMEOUT.toSeconds() + " s");
        }
    }
}
