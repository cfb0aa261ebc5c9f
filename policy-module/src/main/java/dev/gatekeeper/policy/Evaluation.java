package dev.gatekeeper.policy;

import dev.gatekeeper.dns.DnsResolver;
import java.net.InetAddress;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/** The view of one session at one stage that conditions and actions get. */
final class Evaluation implements PolicyContext {

    final PolicySession session;
    /** Whose rules are decided. */
    final Stage stage;
    /**
     * Where the SMTP dialogue is: {@link #stage}, or RCPT when RCPT decides an earlier stage's rules
     * again (delayed rejection). What a condition may know is what this stage knows.
     */
    final Stage now;
    final SmtpAddress recipient;
    /** The answers of an early stage's conditions, kept for RCPT; null when nothing is kept. */
    private final Memo memo;
    /** Set by a rate condition that matched: the seconds shown as {@code ${retry_after}}; -1 when none did. */
    volatile long retryAfterSeconds = -1;

    Evaluation(PolicySession session, Stage stage, SmtpAddress recipient) {
        this(session, stage, recipient, stage, null);
    }

    Evaluation(PolicySession session, Stage stage, SmtpAddress recipient, Stage now, Memo memo) {
        this.session = session;
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
        return Optional.ofNullable(session.helo);
    }

    @Override
    public Optional<String> authenticatedUser() {
        return Optional.ofNullable(session.authUser);
    }

    @Override
    public boolean relayAllowed() {
        return session.client.relayAllowed();
    }

    @Override
    public Optional<SmtpAddress> sender() {
        return Optional.ofNullable(session.sender);
    }

    @Override
    public Optional<SmtpAddress> recipient() {
        return Optional.ofNullable(recipient);
    }

    @Override
    public int recipientCount() {
        return session.recipientCount + (recipient == null ? 0 : 1);
    }

    @Override
    public Set<String> tags() {
        return session.tags();
    }

    @Override
    public DnsResolver resolver() {
        return session.engine.resolver();
    }

    @Override
    public CompletionStage<SpfCheck> mailFromSpf() {
        return session.mailFromSpf();
    }

    @Override
    public CompletionStage<SpfCheck> heloSpf() {
        return session.heloSpf();
    }

    @Override
    public CompletionStage<CalloutCheck> callout(SmtpAddress address) {
        return session.callout(address);
    }

    /** The values reply templates show, as far as they are known now. */
    ReplyValues replyValues() {
        ReplyValues v = ReplyValues.empty()
                .with("client_ip", clientAddress().getHostAddress())
                .with("client_name", clientName())
                .with("helo", session.helo == null ? "" : session.helo)
                .with("sender", session.sender == null ? "" : session.sender.original())
                .with("recipient", recipient == null ? "" : recipient.original());
        if (retryAfterSeconds >= 0) {
            v = v.with("retry_after", Long.toString(retryAfterSeconds));
        }
        SpfCheck spf = session.knownSpf();
        if (spf != null) {
            v = v.with("spf_result", spf.result().keyword()).with("spf_explanation", spf.explanation())
                    .with("spf_identity", session.knownSpfIdentity());
        }
        return v;
    }

    /**
     * What the conditions of one connect, HELO or MAIL evaluation answered, for RCPT to decide that
     * stage's rules again with the same answers where the data has not changed. A failure is not
     * kept: it is asked again. Thread-safe.
     */
    static final class Memo {
        private final Map<Condition, CompletableFuture<Answer>> answers = new IdentityHashMap<>();

        CompletionStage<Condition.Match> answer(Condition key, Evaluation ev, Supplier<CompletionStage<Condition.Match>> test) {
            CompletableFuture<Answer> known;
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
                CompletableFuture<Answer> slot = known;
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
                        slot.complete(new Answer(m, ev.retryAfterSeconds != before ? ev.retryAfterSeconds : -1));
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
        private static final class Answer {
            final Condition.Match match;
            final long retryAfterSeconds;

            Answer(Condition.Match match, long retryAfterSeconds) {
                this.match = match;
                this.retryAfterSeconds = retryAfterSeconds;
            }
        }
    }
}
