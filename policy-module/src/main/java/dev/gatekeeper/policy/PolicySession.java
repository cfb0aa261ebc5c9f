package dev.gatekeeper.policy;

import dev.gatekeeper.mail.Mailbox;
import dev.gatekeeper.reputation.DnsList;
import dev.gatekeeper.reputation.ReputationQuery;
import dev.gatekeeper.reputation.ReputationScore;
import java.net.InetAddress;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The policy's view of one SMTP connection. Call the stage methods in protocol order, each after
 * the previous stage's verdict completed (as an SMTP server does).
 *
 * <p>Thread-safe: the adapter calls it from one thread at a time, but an evaluation goes on in the
 * threads that complete SPF, callout, rate-counter and extension stages, possibly after the
 * adapter stopped waiting, so all its state is in thread-safe objects and an evaluation writes only
 * into the {@link TransactionState} it began in.
 *
 * <p>With delayed rejection (the default), a REJECT or DEFER decided at connect, HELO or MAIL is
 * held: the verdict then says DUNNO with {@link Verdict#held()}, later stages before RCPT are not
 * evaluated, and every RCPT of the transaction gets the held reply. A decision held at connect or
 * HELO lasts for the connection; one held at MAIL for the transaction ({@link HeldDecisions}).
 *
 * <p>A rule of connect, HELO or MAIL that depends on data known only later (the SMTP AUTH user at
 * connect, the sender at HELO, a recipient) is not decided at its stage: from that rule on, the
 * stage's rules are decided at each RCPT with what is known then, every earlier stage before the
 * relay and RCPT rules, in protocol order. Their conditions on data the stage knew keep the answer
 * they gave there. Nothing is held for such a stage, so each transaction, and each recipient, gets
 * a fresh decision (after AUTH, after RSET).
 */
public final class PolicySession {

    private static final Logger LOG = LoggerFactory.getLogger(PolicySession.class);

    private static final Stage[] EARLY = {Stage.CONNECT, Stage.HELO, Stage.MAIL};

    final PolicyEngine engine;
    final ClientFacts client;
    /** Whether the verdicts keep the lines of their trace ({@link PolicyEngine#openSession(ClientFacts, boolean)}). */
    private final boolean traced;

    /** Connect's and HELO's held refusal and rules left for RCPT: the connection's. */
    private final HeldDecisions connection = new HeldDecisions();
    /** Tags of connect and HELO rules: the connection's. */
    private final Set<String> connectionTags = ConcurrentHashMap.newKeySet();
    /** The last HELO or EHLO; null before. */
    private volatile HeloIdentity helo;
    private volatile String authUser;
    /** Replaced, never cleared, by MAIL, HELO and RSET. */
    private volatile TransactionState transaction = new TransactionState();
    /** The DNS lists' answers: the connection's, each question asked once. */
    private final DnsListAnswers dnsLists = new DnsListAnswers();

    /** The first {@code <my-networks>} block the client's address is in, or null: fixed for the connection. */
    private final CidrBlock myNetwork;

    PolicySession(PolicyEngine engine, ClientFacts client, boolean traced) {
        this.engine = engine;
        this.client = client;
        this.traced = traced;
        this.myNetwork = myNetwork(engine.config().myNetworks(), client.address());
    }

    private static CidrBlock myNetwork(List<CidrBlock> blocks, InetAddress address) {
        for (CidrBlock b : blocks) {
            if (b.contains(address)) {
                return b;
            }
        }
        return null;
    }

    /**
     * The {@code <my-networks>} block the client is in, or null: looked up once, not at each of
     * the rules that ask.
     */
    CidrBlock myNetwork() {
        return myNetwork;
    }

    /** The connection is open. */
    public CompletionStage<Verdict> connect() {
        askDnsLists(transaction);
        return evaluate(Stage.CONNECT);
    }

    /** HELO or EHLO; it also ends any transaction (RFC 5321 §4.1.4). */
    public CompletionStage<Verdict> helo(String name) {
        String n = name.strip();
        HeloIdentity last = helo;
        if (last == null || !last.name.equals(n)) {
            helo = new HeloIdentity(n);
        }
        reset();
        askDnsLists(transaction);
        return evaluate(Stage.HELO);
    }

    /**
     * SMTP AUTH succeeded. Tell it before the next MAIL (AUTH comes after EHLO and outside a
     * transaction, RFC 4954 §4): the policy knows the user from the MAIL stage on, and RCPT decides
     * connect and HELO rules that wait for it.
     */
    public void authenticated(String user) {
        this.authUser = user;
    }

    /**
     * Whether the client is inside the administrative domain as this policy knows it: its address
     * is in the relay {@code <my-networks>}, or it authenticated with SMTP AUTH
     * ({@link #authenticated(String)}). James's {@code authorizedAddresses} alone does not count.
     * The adapters ask it before trusting header fields the client wrote in our name (RFC 8601 §5).
     */
    public boolean fromInside() {
        return authUser != null || myNetwork != null;
    }

    /** MAIL FROM: starts a transaction. A sender that is not an RFC 5321 path is refused with 501 at once. */
    public CompletionStage<Verdict> mail(String reversePath) {
        return mail(reversePath, -1);
    }

    /**
     * MAIL FROM with the size the client declared ({@code SIZE=}, RFC 1870 §6), which a rate
     * condition on bytes counts at the MAIL stage as an early estimate.
     *
     * @param declaredSize the SIZE parameter, or -1 when the client gave none
     */
    public CompletionStage<Verdict> mail(String reversePath, long declaredSize) {
        Mailbox parsed;
        try {
            parsed = Mailbox.parse(reversePath);
        } catch (IllegalArgumentException e) {
            TransactionState tx = new TransactionState(null, declaredSize);
            transaction = tx;
            ReplyValues values = new StageContext(this, tx, Stage.MAIL, null).replyValues()
                    .with("sender", reversePath.replaceAll("^<|>$", ""));
            return syntaxError(Stage.MAIL, "mail: sender " + reversePath + " is not an RFC 5321 path: " + e.getMessage(),
                    engine.config().catalog().senderSyntax(values), tx);
        }
        TransactionState tx = new TransactionState(parsed, declaredSize);
        transaction = tx;
        askDnsLists(tx);
        return evaluate(Stage.MAIL);
    }

    /** RCPT TO. */
    public CompletionStage<Verdict> rcpt(String forwardPath) {
        TransactionState tx = transaction;
        Mailbox parsed;
        try {
            parsed = Mailbox.parse(forwardPath);
            if (parsed.isNullPath()) {
                throw new IllegalArgumentException("the null path is not a recipient");
            }
        } catch (IllegalArgumentException e) {
            ReplyValues values = new StageContext(this, tx, Stage.RCPT, null).replyValues()
                    .with("recipient", forwardPath.replaceAll("^<|>$", ""));
            return syntaxError(Stage.RCPT, "rcpt: recipient " + forwardPath + " is not an RFC 5321 path: " + e.getMessage(),
                    engine.config().catalog().recipientSyntax(values), tx);
        }
        return rcpt(parsed, tx);
    }

    /** The end of DATA. */
    public CompletionStage<Verdict> data() {
        return evaluate(Stage.DATA);
    }

    /** The end of DATA, with the size of the message received, in octets (for rate conditions on bytes). */
    public CompletionStage<Verdict> data(long messageSize) {
        transaction.received(messageSize);
        return evaluate(Stage.DATA);
    }

    /** RSET (or a new HELO, or MAIL): forgets the transaction. */
    public void reset() {
        transaction = new TransactionState();
    }

    /**
     * What the DNS lists said about this connection, for the question asked last that has an
     * answer (by MAIL, the client's address, HELO name and sender domain as the lists ask about
     * them); empty when the policy declares no list or no answer has come yet. For the adapter's
     * mail attributes and headers.
     */
    public Optional<ReputationScore> knownDnsListScore() {
        return dnsLists.latest();
    }

    /**
     * Starts the DNS lists' lookups for what is known now, so that a rule that reads them later
     * waits little or not at all. Nothing is waited for here; a failure shows where a rule reads it.
     */
    private void askDnsLists(TransactionState tx) {
        if (!engine.config().dnsLists().isEmpty()) {
            dnsLists(tx);
        }
    }

    /** The DNS lists' answer about what is known in {@code tx}, asked once per distinct question. */
    CompletionStage<ReputationScore> dnsLists(TransactionState tx) {
        List<DnsList> lists = engine.config().dnsLists();
        ReputationQuery query = DnsListAnswers.query(engine.config().dnsListSubjects(), client, helo, tx.sender);
        return dnsLists.score(query, () -> engine.checks().dnsLists(lists, query));
    }

    /**
     * How long this transaction's greylisted mail waited: the longest wait, in seconds, of a
     * recipient whose triplet passed greylisting on this retry; empty when none did. For the
     * adapter's attribute, as postgrey's {@code X-Greylist: delayed N seconds}.
     */
    public OptionalLong greylistWaitedSeconds() {
        long s = transaction.greylistWaitedSeconds();
        return s < 0 ? OptionalLong.empty() : OptionalLong.of(s);
    }

    /**
     * The transaction's reverse-path as MAIL parsed it, so that an adapter need not parse it again;
     * empty before MAIL, after RSET, and after a MAIL refused for its syntax.
     */
    public Optional<Mailbox> sender() {
        return Optional.ofNullable(transaction.sender);
    }

    /** Tags of the session and the transaction so far. */
    public Set<String> tags() {
        return tags(transaction);
    }

    Set<String> tags(TransactionState tx) {
        // Every verdict carries the tags; most connections have none, and Set.copyOf of an empty
        // set still copies through a new HashSet: no copies then.
        if (connectionTags.isEmpty()) {
            return tx.tags();
        }
        if (!tx.hasTags()) {
            return Set.copyOf(connectionTags);
        }
        Set<String> all = new HashSet<>(connectionTags);
        all.addAll(tx.tags());
        return Set.copyOf(all);
    }

    void tagConnection(String label) {
        connectionTags.add(label);
    }

    HeloIdentity heloIdentity() {
        return helo;
    }

    String authenticatedUser() {
        return authUser;
    }

    /** Connect's and HELO's decisions are the connection's; MAIL's, the transaction's. */
    private HeldDecisions decisions(Stage stage, TransactionState tx) {
        return stage == Stage.MAIL ? tx.decisions : connection;
    }

    private CompletionStage<Verdict> syntaxError(Stage stage, String why, SmtpReply reply, TransactionState tx) {
        PolicyTrace trace = new PolicyTrace(stage, traced);
        trace.add(why);
        return CompletableFuture.completedFuture(finish(trace, RuleList.Result.syntaxError(reply), tx, false, false));
    }

    /** Connect, HELO, MAIL, the end of DATA: the stage's rules, unless a refusal is held. */
    private CompletionStage<Verdict> evaluate(Stage stage) {
        PolicyConfig config = engine.config();
        TransactionState tx = transaction;
        PolicyTrace trace = new PolicyTrace(stage, traced);
        HeldDecisions.Held held = connection.held();
        held = held != null ? held : tx.decisions.held();
        if (held != null && stage != Stage.DATA) {
            HeldDecisions.Held h = held;
            trace.add(() -> stage.keyword() + ": " + h.reply + " decided at " + h.origin.keyword() + ", held until the first RCPT");
            return CompletableFuture.completedFuture(
                    new Verdict(stage, Verdict.Answer.DUNNO, null, held.reply, false, tags(tx), trace.warnings, trace.lines));
        }
        // Under delayed rejection a stage with rules that wait for later data keeps its conditions'
        // answers, for RCPT to decide the rest of its rules again.
        StageContext.Memo memo = stage != Stage.DATA && config.delayReject() && config.waitsForLaterData(stage)
                ? new StageContext.Memo() : null;
        if (memo != null) {
            decisions(stage, tx).forget(stage);
        }
        StageContext ev = new StageContext(this, tx, stage, null, stage, memo);
        return RuleList.decide(config.rules(stage), 0, ev, trace, stage.keyword()).thenApply(r -> {
            if (r.pendingFrom >= 0) {
                decisions(stage, tx).leave(stage, r.pendingFrom, memo);
                Rule from = config.rules(stage).get(r.pendingFrom);
                trace.add(() -> stage.keyword() + ": " + from
                        + " and the rules after it are decided at each RCPT, with what is known then (delay-reject)");
            }
            return finish(trace, r, tx, false, false);
        });
    }

    /** RCPT: the earlier stages' held or pending decisions, then the relay rules, then the RCPT rules. */
    private CompletionStage<Verdict> rcpt(Mailbox recipient, TransactionState tx) {
        PolicyConfig config = engine.config();
        PolicyTrace trace = new PolicyTrace(Stage.RCPT, traced);
        StageContext ev = new StageContext(this, tx, Stage.RCPT, recipient);
        return earlier(0, recipient, tx, trace).thenCompose(early -> {
            if (early != null) {
                return CompletableFuture.completedFuture(early);
            }
            CompletionStage<RuleList.Result> relay = config.relayEnabled()
                    ? RuleList.decide(config.relayRules(), 0, ev, trace, "relay")
                    : CompletableFuture.completedFuture(RuleList.Result.NONE);
            return relay.thenCompose(rr -> {
                if (rr.refuses()) {
                    return CompletableFuture.completedFuture(finish(trace, rr, tx, false, false));
                }
                boolean granted = config.relayEnabled() && config.destination(recipient) == null;
                if (granted) {
                    trace.add(() -> "relay: relaying to " + recipient + " granted");
                }
                return RuleList.decide(config.rules(Stage.RCPT), 0, ev, trace, "rcpt").thenApply(r -> {
                    Verdict v = finish(trace, r, tx, granted, false);
                    if (!v.refuses()) {
                        tx.recipientAccepted();
                    }
                    return v;
                });
            });
        });
    }

    /**
     * What connect, HELO and MAIL, from {@code EARLY[i]} on and in that order, answer this RCPT: the
     * refusal one of them held, or the one it gives when its pending rules are decided now; null
     * when none refuses. An accept among those rules ends its own stage's rules only: it never
     * accepts the RCPT (that is for the relay and RCPT rules).
     */
    private CompletionStage<Verdict> earlier(int i, Mailbox recipient, TransactionState tx, PolicyTrace trace) {
        if (i == EARLY.length) {
            return CompletableFuture.completedFuture(null);
        }
        Stage stage = EARLY[i];
        HeldDecisions d = decisions(stage, tx);
        HeldDecisions.Held held = d.heldFrom(stage);
        if (held != null) {
            trace.add(() -> "rcpt: " + held.reply + " decided at " + held.origin.keyword() + ", given now");
            Verdict.Answer o = held.reply.isPermanent() ? Verdict.Answer.REJECT : Verdict.Answer.DEFER;
            return CompletableFuture.completedFuture(finish(trace, new RuleList.Result(o, held.reply), tx, false, true));
        }
        HeldDecisions.Pending p = d.left(stage);
        if (p == null) {
            return earlier(i + 1, recipient, tx, trace);
        }
        PolicyConfig config = engine.config();
        StageContext ev = new StageContext(this, tx, stage, recipient, Stage.RCPT, p.memo);
        return RuleList.decide(config.rules(stage), p.from, ev, trace, stage.keyword() + " at rcpt").thenCompose(r -> {
            if (!r.refuses()) {
                return earlier(i + 1, recipient, tx, trace);
            }
            if (config.warnOnly()) {
                // Nothing is refused: the warning is noted and the relay and RCPT rules still speak.
                warnOnly(trace, softBounced(trace, r, false));
                return earlier(i + 1, recipient, tx, trace);
            }
            return CompletableFuture.completedFuture(finish(trace, r, tx, false, false));
        });
    }

    /** The relay rules alone for one recipient: true only when one of them accepts. */
    CompletionStage<Boolean> relayRulesPermit(String forwardPath) {
        Mailbox recipient;
        try {
            recipient = Mailbox.parse(forwardPath);
        } catch (IllegalArgumentException e) {
            return CompletableFuture.completedFuture(false);
        }
        if (recipient.isNullPath()) {
            return CompletableFuture.completedFuture(false);
        }
        PolicyTrace trace = new PolicyTrace(Stage.RCPT, traced);
        StageContext ev = new StageContext(this, transaction, Stage.RCPT, recipient);
        return RuleList.decide(engine.config().relayRules(), 0, ev, trace, "relay").thenApply(r -> {
            boolean permitted = r.answer == Verdict.Answer.PERMIT;
            if (LOG.isDebugEnabled()) {
                LOG.debug("relay to {} {}: {}", recipient, permitted ? "permitted" : "not permitted", PolicyTrace.text(trace.lines));
            }
            return permitted;
        });
    }

    /**
     * The one place where soft-bounce, warn-only, delayed rejection and the greeting's codes apply.
     *
     * @param fromHold the reply was held: soft-bounce was applied when it was taken
     */
    private Verdict finish(PolicyTrace trace, RuleList.Result r, TransactionState tx, boolean relayGranted, boolean fromHold) {
        PolicyConfig config = engine.config();
        Stage stage = trace.stage;
        RuleList.Result shaped = softBounced(trace, r, fromHold);
        Verdict.Answer o = shaped.answer;
        SmtpReply reply = shaped.reply;
        SmtpReply held = null;
        if (reply != null && config.warnOnly() && !r.syntaxError) {
            warnOnly(trace, shaped);
            o = Verdict.Answer.DUNNO;
            reply = null;
        } else if ((o == Verdict.Answer.REJECT || o == Verdict.Answer.DEFER) && config.delayReject() && !r.syntaxError
                && (stage == Stage.CONNECT || stage == Stage.HELO || stage == Stage.MAIL)) {
            decisions(stage, tx).hold(reply, stage);
            SmtpReply heldReply = reply;
            trace.add(() -> stage.keyword() + ": " + heldReply + " held until the first RCPT (delay-reject)");
            held = reply;
            o = Verdict.Answer.DUNNO;
            reply = null;
        } else if (stage == Stage.CONNECT && reply != null) {
            // RFC 5321 §4.3.2: the greeting is 220 or 554; a temporary refusal can only be 421 and close.
            if (reply.isPermanent() && reply.code() != 554) {
                reply = reply.withCode(554);
            } else if (reply.isTemporary() && reply.code() != 421) {
                reply = reply.withCode(421);
                o = Verdict.Answer.DISCONNECT;
            }
        }
        return new Verdict(stage, o, reply, held, relayGranted && o != Verdict.Answer.REJECT && o != Verdict.Answer.DEFER,
                tags(tx), trace.warnings, trace.lines);
    }

    /** Soft-bounce: a 5xx becomes the matching 4xx, a reject a defer (not for a held reply, already done, nor a 501). */
    private RuleList.Result softBounced(PolicyTrace trace, RuleList.Result r, boolean fromHold) {
        SmtpReply reply = r.reply;
        if (reply == null || !engine.config().softBounce() || fromHold || r.syntaxError || !reply.isPermanent()) {
            return r;
        }
        SmtpReply soft = reply.softBounced();
        trace.add(() -> "soft-bounce: " + reply.code() + " becomes " + soft.code());
        return new RuleList.Result(r.answer == Verdict.Answer.REJECT ? Verdict.Answer.DEFER : r.answer, soft);
    }

    /** Warn-only: the refusal is noted, not given. */
    private static void warnOnly(PolicyTrace trace, RuleList.Result r) {
        trace.warn("warn-only: would answer " + r.reply + " at " + trace.stage.keyword());
        trace.add(() -> "warn-only: " + r.reply + " not given");
    }
}
