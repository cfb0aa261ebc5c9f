package dev.gatekeeper.policy;

import dev.gatekeeper.dmarc.MessageAuthentication;
import dev.gatekeeper.dns.DnsResolver;
import dev.gatekeeper.mail.Mailbox;
import dev.gatekeeper.reputation.GreylistDecision;
import dev.gatekeeper.reputation.ReputationScore;
import java.net.InetAddress;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * The view of one session at one stage that conditions and actions get: the connection's facts,
 * the transaction the stage call began in (kept, so that an evaluation that finishes late reads
 * and writes only its own), and the recipient being decided. One per stage call (or per stage
 * decided again at RCPT).
 */
final class StageContext implements PolicyContext {

    final PolicySession session;
    final TransactionState transaction;
    /** Whose rules are decided. */
    final Stage stage;
    /**
     * Where the SMTP dialogue is: {@link #stage}, or RCPT when RCPT decides an earlier stage's rules
     * again (delayed rejection). What a condition may know is what this stage knows.
     */
    final Stage now;
    final Mailbox recipient;
    /** The answers of an early stage's conditions, kept for RCPT; null when nothing is kept. */
    private final Memo memo;
    /** Set by a rate condition that matched: the seconds shown as {@code ${retry_after}}; -1 when none did. */
    volatile long retryAfterSeconds = -1;
    /** Set by a DNS list condition that matched: the zones shown as {@code ${dnsbl_list}}; null when none did. */
    volatile String dnsblLists;

    StageContext(PolicySession session, TransactionState transaction, Stage stage, Mailbox recipient) {
        this(session, transaction, stage, recipient, stage, null);
    }

    StageContext(PolicySession session, TransactionState transaction, Stage stage, Mailbox recipient, Stage now, Memo memo) {
        this.session = session;
        this.transaction = transaction;
        this.stage = stage;
        this.recipient = recipient;
        this.now = now;
        this.memo = memo;
    }

    /** A remembered condition's answer ({@link Placement}): asked once per memo, then given again. */
    CompletionStage<Condition.Match> remembered(Condition key, Supplier<CompletionStage<Condition.Match>> test) {
        return memo == null ? test.get() : memo.answer(key, this, test);
    }

    PolicyConfig config() {
        return session.engine.config();
    }

    /** Records a tag: the connection's at connect and HELO, the transaction's after. */
    void tag(Stage at, String label) {
        if (at == Stage.CONNECT || at == Stage.HELO) {
            session.tagConnection(label);
        } else {
            transaction.tag(label);
        }
    }

    @Override
    public Stage stage() {
        return stage;
    }

    @Override
    public InetAddress clientAddress() {
        return session.client.address();
    }

    @Override
    public String clientName() {
        return session.client.reverseName().orElse("unknown");
    }

    @Override
    public Optional<String> helo() {
        return Optional.ofNullable(session.heloIdentity()).map(h -> h.name);
    }

    @Override
    public Optional<String> authenticatedUser() {
        return Optional.ofNullable(session.authenticatedUser());
    }

    @Override
    public boolean relayAllowed() {
        return session.client.relayAllowed();
    }

    @Override
    public Optional<Mailbox> sender() {
        return Optional.ofNullable(transaction.sender);
    }

    @Override
    public Optional<Mailbox> recipient() {
        return Optional.ofNullable(recipient);
    }

    @Override
    public int recipientCount() {
        return transaction.recipients() + (recipient == null ? 0 : 1);
    }

    @Override
    public Set<String> tags() {
        return session.tags(transaction);
    }

    @Override
    public DnsResolver resolver() {
        return session.engine.resolver();
    }

    @Override
    public CompletionStage<SpfAnswer> mailFromSpf() {
        String helo = helo().orElse("");
        return transaction.mailFromSpf(() -> session.engine.checks().mailFromSpf(clientAddress(), helo, transaction.sender));
    }

    @Override
    public CompletionStage<SpfAnswer> heloSpf() {
        HeloIdentity helo = session.heloIdentity();
        return helo.spf(() -> session.engine.checks().heloSpf(clientAddress(), helo.name));
    }

    @Override
    public CompletionStage<CalloutAnswer> callout(Mailbox address) {
        return transaction.callout(address, () -> session.engine.checks().callout(clientAddress(), address));
    }

    @Override
    public CompletionStage<MessageAuthentication> message() {
        return transaction.message(() -> session.engine.checks().message());
    }

    /** What the DNS lists say about what is known now (the session asks each distinct question once). */
    CompletionStage<ReputationScore> dnsLists() {
        return session.dnsLists(transaction);
    }

    /** Greylisting of this RCPT's triplet, asked each time. */
    CompletionStage<GreylistDecision> greylist() {
        Mailbox sender = transaction.sender;
        if (sender == null || recipient == null) {
            return CompletableFuture.failedFuture(new IllegalStateException("greylisting needs the sender and a recipient"));
        }
        return session.engine.checks().greylist(clientAddress(), sender, recipient).thenApply(d -> {
            if (d.reason() == GreylistDecision.Reason.RETRIED_AFTER_DELAY) {
                transaction.greylistPassed(d.waited().toSeconds());
            }
            return d;
        });
    }

    /** The values reply templates show, as far as they are known now. */
    ReplyValues replyValues() {
        HeloIdentity helo = session.heloIdentity();
        Mailbox sender = transaction.sender;
        ReplyValues v = ReplyValues.empty()
                .with("client_ip", clientAddress().getHostAddress())
                .with("client_name", clientName())
                .with("helo", helo == null ? "" : helo.name)
                .with("sender", sender == null ? "" : sender.original())
                .with("recipient", recipient == null ? "" : recipient.original());
        if (retryAfterSeconds >= 0) {
            v = v.with("retry_after", Long.toString(retryAfterSeconds));
        }
        // MAIL FROM's SPF when known, else HELO's: and the identity it checked (RFC 7208 §2.4), the
        // sender, postmaster@HELO for the null sender, or the HELO name.
        SpfAnswer mailFrom = transaction.knownMailFromSpf();
        SpfAnswer heloSpf = helo == null ? null : helo.knownSpf();
        if (mailFrom != null) {
            String identity = sender != null && !sender.isNullPath() ? sender.original() : helo == null ? "" : "postmaster@" + helo.name;
            v = spf(v, mailFrom, identity);
        } else if (heloSpf != null) {
            v = spf(v, heloSpf, helo.name);
        }
        ReputationScore dnsbl = session.knownDnsListScore().orElse(null);
        if (dnsbl != null) {
            String lists = dnsblLists != null ? dnsblLists : DnsblCondition.blockZones(dnsbl, dnsbl.listedNames());
            v = v.with("dnsbl_score", Integer.toString(dnsbl.score())).with("dnsbl_list", lists);
        }
        MessageAuthentication message = transaction.knownMessage();
        if (message != null) {
            v = v.with("dmarc_domain", message.dmarc().authorDomain()).with("dmarc_result", message.dmarc().outcome().keyword());
        }
        return v;
    }

    private static ReplyValues spf(ReplyValues v, SpfAnswer spf, String identity) {
        return v.with("spf_result", spf.result().keyword()).with("spf_explanation", spf.explanation()).with("spf_identity", identity);
    }

    /**
     * What the conditions of one connect, HELO or MAIL evaluation answered, for RCPT to decide that
     * stage's rules again with the same answers where the data has not changed. A failure is not
     * kept: it is asked again. Thread-safe.
     */
    static final class Memo {
        private final Map<Condition, CompletableFuture<KnownMatch>> answers = new IdentityHashMap<>();

        CompletionStage<Condition.Match> answer(Condition key, StageContext ev, Supplier<CompletionStage<Condition.Match>> test) {
            CompletableFuture<KnownMatch> known;
            boolean ask;
            synchronized (this) {
                known = answers.get(key);
                ask = known == null;
                if (ask) {
                    known = new CompletableFuture<>();
                    answers.put(key, known);
                }
            }
            if (ask) {
                CompletableFuture<KnownMatch> slot = known;
                long before = ev.retryAfterSeconds;
                CompletionStage<Condition.Match> asked;
                try {
                    asked = test.get();
                } catch (RuntimeException e) {
                    asked = CompletableFuture.failedFuture(e);
                }
                asked.whenComplete((m, e) -> {
                    if (e != null) {
                        synchronized (this) {
                            answers.remove(key);
                        }
                        slot.completeExceptionally(e);
                    } else {
                        slot.complete(new KnownMatch(m, ev.retryAfterSeconds != before ? ev.retryAfterSeconds : -1));
                    }
                });
            }
            return known.thenApply(a -> {
                if (a.retryAfterSeconds >= 0) {
                    ev.retryAfterSeconds = a.retryAfterSeconds;
                }
                return a.match;
            });
        }

        /** A match, with the {@code ${retry_after}} a rate condition set when it matched (-1: none). */
        private static final class KnownMatch {
            final Condition.Match match;
            final long retryAfterSeconds;

            KnownMatch(Condition.Match match, long retryAfterSeconds) {
                this.match = match;
                this.retryAfterSeconds = retryAfterSeconds;
            }
        }
    }
}
