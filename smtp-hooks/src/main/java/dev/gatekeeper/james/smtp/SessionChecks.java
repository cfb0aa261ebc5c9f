package dev.gatekeeper.james.smtp;

import dev.gatekeeper.dmarc.MessageAuthentication;
import dev.gatekeeper.callout.CalloutResult;
import dev.gatekeeper.callout.CalloutVerifier;
import dev.gatekeeper.mail.Mailbox;
import dev.gatekeeper.policy.CalloutAnswer;
import dev.gatekeeper.policy.EngineChecks;
import dev.gatekeeper.policy.SpfAnswer;
import dev.gatekeeper.policy.TransactionChecks;
import dev.gatekeeper.reputation.DnsList;
import dev.gatekeeper.reputation.DnsListChecker;
import dev.gatekeeper.reputation.Greylist;
import dev.gatekeeper.reputation.GreylistDecision;
import dev.gatekeeper.reputation.ReputationQuery;
import dev.gatekeeper.reputation.ReputationScore;
import dev.gatekeeper.spf.SpfEvaluator;
import dev.gatekeeper.spf.SpfResult;
import dev.gatekeeper.spf.SpfVerdict;
import java.net.InetAddress;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The checks of one SMTP connection. SPF is evaluated once per transaction: the policy's rules
 * and the {@code Received-SPF} / {@code Authentication-Results} headers see the same full
 * {@link SpfVerdict}. Only the latest question of each kind is remembered (a new HELO or sender
 * is a new question), so memory stays bounded however long the connection.
 *
 * <p>James runs hooks on a few executor threads, each shared by many connections, so a hook that
 * waits holds up every connection pinned to its thread. Here every wait is bounded well below the
 * engines' own budgets: a callout not answered within {@code calloutWait} is answered
 * {@code tempfail} ("address verification in progress") while the probe goes on and fills the
 * callout cache for the client's retry, as Postfix's verify(8) does; an SPF evaluation not done
 * within {@code spfWait} is a {@code temperror} while it goes on and fills the DNS cache.
 */
final class SessionChecks implements TransactionChecks {

    /** The peer reply text of a callout still running when the wait ended. */
    static final String IN_PROGRESS = "verification in progress";

    private final SpfEvaluator spf;
    private final EngineChecks engines;
    private final Duration calloutWait;
    private final Duration spfWait;
    /** The process's checker of a policy's lists (SharedEngines); null: no DNS lists. */
    private final Function<List<DnsList>, DnsListChecker> dnsLists;
    /** The process's greylisting (SharedEngines); null: none. */
    private final Greylist greylist;

    /** The question {@link #mailFrom} answers: compared field by field, no key string built at each of a message's asks. */
    private InetAddress mailFromClient;
    private String mailFromHelo;
    private String mailFromSender;
    private CompletableFuture<SpfVerdict> mailFrom;
    private InetAddress heloClient;
    private String heloName;
    private CompletableFuture<SpfVerdict> helo;
    private final Map<String, String> calloutOutcomes = new LinkedHashMap<>();
    private CompletableFuture<MessageAuthentication> message;

    SessionChecks(SpfEvaluator spf, CalloutVerifier callouts, Duration calloutWait, Duration spfWait) {
        this(spf, callouts, calloutWait, spfWait, null, null);
    }

    SessionChecks(SpfEvaluator spf, CalloutVerifier callouts, Duration calloutWait, Duration spfWait,
            Function<List<DnsList>, DnsListChecker> dnsLists, Greylist greylist) {
        this.spf = Objects.requireNonNull(spf, "spf");
        this.engines = EngineChecks.of(spf, callouts);
        this.calloutWait = Objects.requireNonNull(calloutWait, "calloutWait");
        this.spfWait = Objects.requireNonNull(spfWait, "spfWait");
        this.dnsLists = dnsLists;
        this.greylist = greylist;
    }

    /** The checker's stage is bounded by its timeout ({@code <dnsLists><timeout>}) and never fails. */
    @Override
    public CompletionStage<ReputationScore> dnsLists(List<DnsList> lists, ReputationQuery query) {
        return dnsLists == null ? TransactionChecks.super.dnsLists(lists, query) : dnsLists.apply(lists).check(query);
    }

    /** Bounded by the state's own timeouts; a failure is {@code STATE_UNAVAILABLE}, never an exception. */
    @Override
    public CompletionStage<GreylistDecision> greylist(InetAddress client, Mailbox sender, Mailbox recipient) {
        return greylist == null ? TransactionChecks.super.greylist(client, sender, recipient) : greylist.check(client, sender, recipient);
    }

    @Override
    public CompletionStage<SpfAnswer> mailFromSpf(InetAddress client, String heloName, Mailbox sender) {
        return bounded(mailFromVerdict(client, heloName, sender));
    }

    @Override
    public CompletionStage<SpfAnswer> heloSpf(InetAddress client, String heloName) {
        return bounded(heloVerdict(client, heloName));
    }

    /** A derived stage: completing it on time-out leaves the evaluation itself running. */
    private CompletionStage<SpfAnswer> bounded(CompletableFuture<SpfVerdict> verdict) {
        return verdict.thenApply(SessionChecks::spfCheck).completeOnTimeout(
                SpfAnswer.of(SpfResult.TEMPERROR, "no SPF answer within " + spfWait.toMillis() + " ms"),
                spfWait.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public CompletionStage<CalloutAnswer> callout(InetAddress client, Mailbox address) {
        // The verifier's probe does not depend on this derived stage: it goes on after the wait and
        // caches its answer (shared with other nodes through the shared state, if any).
        CompletableFuture<CalloutAnswer> answer = engines.callout(client, address).toCompletableFuture()
                .completeOnTimeout(CalloutAnswer.of(CalloutResult.TEMPFAIL, IN_PROGRESS),
                        calloutWait.toMillis(), TimeUnit.MILLISECONDS);
        return answer.thenApply(c -> {
            synchronized (this) {
                calloutOutcomes.put(address.isNullPath() ? "" : address.original(), c.status().keyword());
            }
            return c;
        });
    }

    /** The message's DKIM and DMARC, as the end of DATA started them; not checked when it did not. */
    @Override
    public synchronized CompletionStage<MessageAuthentication> message() {
        return message != null ? message : CompletableFuture.completedFuture(MessageAuthentication.notChecked("not verified"));
    }

    /** The end of DATA started the message's verification: the policy and the headers share it. */
    synchronized void message(CompletableFuture<MessageAuthentication> verification) {
        message = verification;
    }

    /** The MAIL FROM verdict, evaluated now unless this very question was asked already. */
    synchronized CompletableFuture<SpfVerdict> mailFromVerdict(InetAddress client, String heloName, Mailbox sender) {
        String senderKey = sender.key();
        if (mailFrom == null || !client.equals(mailFromClient) || !Objects.equals(heloName, mailFromHelo)
                || !senderKey.equals(mailFromSender)) {
            mailFromClient = client;
            mailFromHelo = heloName;
            mailFromSender = senderKey;
            mailFrom = spf.checkMailFrom(client, heloName, sender.original()).toCompletableFuture();
        }
        return mailFrom;
    }

    synchronized CompletableFuture<SpfVerdict> heloVerdict(InetAddress client, String heloName) {
        if (helo == null || !client.equals(heloClient) || !Objects.equals(heloName, this.heloName)) {
            heloClient = client;
            this.heloName = heloName;
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
        mailFromClient = null;
        mailFromHelo = null;
        mailFromSender = null;
        message = null;
        calloutOutcomes.clear();
    }

    private static SpfAnswer spfCheck(SpfVerdict v) {
        return SpfAnswer.of(v.result(), v.explanation().orElse(v.problem().orElse("")));
    }
}
