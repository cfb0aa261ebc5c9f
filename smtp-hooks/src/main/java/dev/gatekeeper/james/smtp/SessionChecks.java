package dev.gatekeeper.james.smtp;

import dev.gatekeeper.callout.CalloutVerifier;
import dev.gatekeeper.policy.CalloutCheck;
import dev.gatekeeper.policy.EngineChecks;
import dev.gatekeeper.policy.SmtpAddress;
import dev.gatekeeper.policy.SpfCheck;
import dev.gatekeeper.policy.TransactionChecks;
import dev.gatekeeper.spf.SpfEvaluator;
import dev.gatekeeper.spf.SpfVerdict;
import java.net.InetAddress;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The checks of one SMTP connection. SPF is evaluated once per transaction: the policy's rules
 * and the {@code Received-SPF} / {@code Authentication-Results} headers see the same full
 * {@link SpfVerdict}. Only the latest question of each kind is remembered (a new HELO or sender
 * is a new question), so memory stays bounded however long the connection.
 */
final class SessionChecks implements TransactionChecks {

    private final SpfEvaluator spf;
    private final EngineChecks engines;

    private String mailFromKey;
    private CompletableFuture<SpfVerdict> mailFrom;
    private String heloKey;
    private CompletableFuture<SpfVerdict> helo;
    private final Map<String, String> calloutOutcomes = new LinkedHashMap<>();

    SessionChecks(SpfEvaluator spf, CalloutVerifier callouts) {
        this.spf = Objects.requireNonNull(spf, "spf");
        this.engines = EngineChecks.of(spf, callouts);
    }

    @Override
    public CompletionStage<SpfCheck> mailFromSpf(InetAddress client, String heloName, SmtpAddress sender) {
        return mailFromVerdict(client, heloName, sender).thenApply(SessionChecks::spfCheck);
    }

    @Override
    public CompletionStage<SpfCheck> heloSpf(InetAddress client, String heloName) {
        return heloVerdict(client, heloName).thenApply(SessionChecks::spfCheck);
    }

    @Override
    public CompletionStage<CalloutCheck> callout(InetAddress client, SmtpAddress address) {
        return engines.callout(client, address).thenApply(c -> {
            synchronized (this) {
                calloutOutcomes.put(address.isNullSender() ? "" : address.original(), c.status().keyword());
            }
            return c;
        });
    }

    /** The MAIL FROM verdict, evaluated now unless this very question was asked already. */
    synchronized CompletableFuture<SpfVerdict> mailFromVerdict(InetAddress client, String heloName, SmtpAddress sender) {
        String key = client.getHostAddress() + " " + heloName + " " + sender.key();
        if (mailFrom == null || !key.equals(mailFromKey)) {
            mailFromKey = key;
            mailFrom = spf.checkMailFrom(client, heloName, sender.original()).toCompletableFuture();
        }
        return mailFrom;
    }

    synchronized CompletableFuture<SpfVerdict> heloVerdict(InetAddress client, String heloName) {
        String key = client.getHostAddress() + " " + heloName;
        if (helo == null || !key.equals(heloKey)) {
            heloKey = key;
            helo = spf.checkHelo(client, heloName).toCompletableFuture();
        }
        return helo;
    }

    /** The HELO verdict if some rule asked for it (the headers do not need it). */
    synchronized Optional<CompletableFuture<SpfVerdict>> heloVerdictIfAsked() {
        return Optional.ofNullable(helo);
    }

    /** Address → callout outcome keyword, for the transaction so far. */
    synchronized Map<String, String> calloutOutcomes() {
        return new LinkedHashMap<>(calloutOutcomes);
    }

    /** A new transaction: forget its sender's answers (HELO's stay with the connection). */
    synchronized void newTransaction() {
        mailFrom = null;
        mailFromKey = null;
        calloutOutcomes.clear();
    }

    private static SpfCheck spfCheck(SpfVerdict v) {
        return SpfCheck.of(v.result(), v.explanation().orElse(v.problem().orElse("")));
    }
}
