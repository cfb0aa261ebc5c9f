package dev.gatekeeper.policy;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The policy's view of one SMTP connection. Call the stage methods in protocol order, each after
 * the previous stage's verdict completed (as an SMTP server does); not for concurrent use.
 *
 * <p>With delayed rejection (the default), a REJECT or DEFER decided at connect, HELO or MAIL is
 * held: the verdict then says DUNNO with {@link Verdict#held()}, later stages before RCPT are not
 * evaluated, and every RCPT of the transaction gets the held reply. A decision held at connect or
 * HELO lasts for the connection; one held at MAIL for the transaction.
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

    final PolicyEngine engine;
    final ClientFacts client;

    String helo;
    String authUser;
    private final Set<String> sessionTags = new LinkedHashSet<>();
    private Held sessionHeld;
    /** Connect, HELO and MAIL stages with rules left for RCPT to decide (MAIL's for its transaction). */
    private final Map<Stage, Pending> pending = new EnumMap<>(Stage.class);
    private CompletableFuture<SpfCheck> heloSpf;
    private String heloSpfFor;
    private volatile SpfCheck knownHeloSpf;

    SmtpAddress sender;
    int recipientCount;
    /** SIZE= from MAIL (RFC 1870), then the received size at the end of DATA; -1 when not known. */
    long messageSize = -1;
    private final Set<String> transactionTags = new LinkedHashSet<>();
    private Held transactionHeld;
    private CompletableFuture<SpfCheck> mailSpf;
    private volatile SpfCheck knownMailSpf;
    private final Map<String, CompletableFuture<CalloutCheck>> callouts = new HashMap<>();

    PolicySession(PolicyEngine engine, ClientFacts client) {
        this.engine = engine;
        this.client = client;
    }

    /** The connection is open. */
    public CompletionStage<Verdict> connect() {
        return evaluate(Stage.CONNECT, null);
    }

    /** HELO or EHLO; it also ends any transaction (RFC 5321 §4.1.4). */
    public CompletionStage<Verdict> helo(String name) {
        synchronized (this) {
            this.helo = name.strip();
        }
        reset();
        return evaluate(Stage.HELO, null);
    }

    /**
     * SMTP AUTH succeeded. Tell it before the next MAIL (AUTH comes after EHLO and outside a
     * transaction, RFC 4954 §4): the policy knows the user from the MAIL stage on, and RCPT decides
     * connect and HELO rules that wait for it.
     */
    public synchronized void authenticated(String user) {
        this.authUser = user;
    }

    /**
     * Whether the client is inside the administrative domain as this policy knows it: its address
     * is in the relay {@code <my-networks>}, or it authenticated with SMTP AUTH
     * ({@link #authenticated(String)}). James's {@code authorizedAddresses} alone does not count.
     * The adapters ask it before trusting header fields the client wrote in our name (RFC 8601 §5).
     */
    public synchronized boolean fromInside() {
        if (authUser != null) {
            return true;
        }
        for (CidrBlock b : engine.config().myNetworks()) {
            if (b.contains(client.address())) {
                return true;
            }
        }
        return false;
    }

    /** MAIL FROM: starts a transaction. A sender that is not an RFC 5321 path is refused with 501 at once. */
    public CompletionStage<Verdict> mail(String reversePath) {
        reset();
        return mailParsed(reversePath);
    }

    private CompletionStage<Verdict> mailParsed(String reversePath) {
        SmtpAddress parsed;
        try {
            parsed = SmtpAddress.parse(reversePath);
        } catch (IllegalArgumentException e) {
            Evaluation ev = new Evaluation(this, Stage.MAIL, null);
            SmtpReply reply = engine.config().catalog().senderSyntax(
                    ev.replyValues().with("sender", reversePath.replaceAll("^<|>$", "")));
            Collector c = new Collector(Stage.MAIL);
            c.trace("mail: sender " + reversePath + " is not an RFC 5321 path: " + e.getMessage());
            return CompletableFuture.completedFuture(finish(c, Result.syntaxError(reply), false, false));
        }
        synchronized (this) {
            sender = parsed;
        }
        return evaluate(Stage.MAIL, null);
    }

    /**
     * MAIL FROM with the size the client declared ({@code SIZE=}, RFC 1870 §6), which a rate
     * condition on bytes counts at the MAIL stage as an early estimate.
     *
     * @param declaredSize the SIZE parameter, or -1 when the client gave none
     */
    public CompletionStage<Verdict> mail(String reversePath, long declaredSize) {
        reset();
        synchronized (this) {
            messageSize = declaredSize;
        }
        return mailParsed(reversePath);
    }

    /** RCPT TO. */
    public CompletionStage<Verdict> rcpt(String forwardPath) {
        SmtpAddress parsed;
        try {
            parsed = SmtpAddress.parse(forwardPath);
            if (parsed.isNullSender()) {
                throw new IllegalArgumentException("the null path is not a recipient");
            }
        } catch (IllegalArgumentException e) {
            Evaluation ev = new Evaluation(this, Stage.RCPT, null);
            SmtpReply reply = engine.config().catalog().recipientSyntax(
                    ev.replyValues().with("recipient", forwardPath.replaceAll("^<|>$", "")));
            Collector c = new Collector(Stage.RCPT);
            c.trace("rcpt: recipient " + forwardPath + " is not an RFC 5321 path: " + e.getMessage());
            return CompletableFuture.completedFuture(finish(c, Result.syntaxError(reply), false, false));
        }
        return evaluate(Stage.RCPT, parsed);
    }

    /** The end of DATA. */
    public CompletionStage<Verdict> data() {
        return evaluate(Stage.DATA, null);
    }

    /** The end of DATA, with the size of the message received, in octets (for rate conditions on bytes). */
    public CompletionStage<Verdict> data(long messageSize) {
        synchronized (this) {
            this.messageSize = messageSize;
        }
        return evaluate(Stage.DATA, null);
    }

    /** RSET (or a new HELO, or MAIL): forgets the transaction. */
    public synchronized void reset() {
        sender = null;
        recipientCount = 0;
        messageSize = -1;
        transactionTags.clear();
        transactionHeld = null;
        pending.remove(Stage.MAIL);
        mailSpf = null;
        knownMailSpf = null;
        callouts.clear();
    }

    /** Tags of the session and the transaction so far. */
    public synchronized Set<String> tags() {
        Set<String> all = new LinkedHashSet<>(sessionTags);
        all.addAll(transactionTags);
        return Set.copyOf(all);
    }

    synchronized CompletionStage<SpfCheck> mailFromSpf() {
        if (mailSpf == null) {
            // Recorded before any rule sees the answer, so that the reply shows ${spf_explanation}.
            mailSpf = engine.checks().mailFromSpf(client.address(), helo == null ? "" : helo, sender).toCompletableFuture()
                    .thenApply(s -> {
                        knownMailSpf = s;
                        return s;
                    });
        }
        return mailSpf;
    }

    synchronized CompletionStage<SpfCheck> heloSpf() {
        if (heloSpf == null || !helo.equals(heloSpfFor)) {
            heloSpfFor = helo;
            heloSpf = engine.checks().heloSpf(client.address(), helo).toCompletableFuture()
                    .thenApply(s -> {
                        knownHeloSpf = s;
                        return s;
                    });
        }
        return heloSpf;
    }

    synchronized CompletionStage<CalloutCheck> callout(SmtpAddress address) {
        return callouts.computeIfAbsent(address.key(), k -> engine.checks().callout(client.address(), address).toCompletableFuture());
    }

    /** The SPF answer the replies show: MAIL FROM's when known, else HELO's, else null. */
    SpfCheck knownSpf() {
        SpfCheck m = knownMailSpf;
        return m != null ? m : knownHeloSpf;
    }

    /**
     * The identity {@link #knownSpf()} checked (RFC 7208 §2.4): the sender, {@code postmaster@HELO}
     * for the null sender, or the HELO name for a HELO check; empty when no SPF is known.
     */
    String knownSpfIdentity() {
        if (knownMailSpf != null) {
            SmtpAddress s = sender;
            if (s != null && !s.isNullSender()) {
                return s.original();
            }
            return helo == null ? "" : "postmaster@" + helo;
        }
        return knownHeloSpf != null && helo != null ? helo : "";
    }

    private static final Stage[] EARLY = {Stage.CONNECT, Stage.HELO, Stage.MAIL};

    private CompletionStage<Verdict> evaluate(Stage stage, SmtpAddress recipient) {
        if (stage == Stage.RCPT) {
            return rcpt(recipient);
        }
        PolicyConfig config = engine.config();
        Collector c = new Collector(stage);
        Held held;
        synchronized (this) {
            held = sessionHeld != null ? sessionHeld : transactionHeld;
        }
        if (held != null && stage != Stage.DATA) {
            c.trace(stage.keyword() + ": " + held.reply + " decided at " + held.origin.keyword() + ", held until the first RCPT");
            return CompletableFuture.completedFuture(
                    new Verdict(stage, Verdict.Outcome.DUNNO, null, held.reply, false, tags(), c.warnings, c.trace));
        }
        // Under delayed rejection a stage with rules that wait for later data keeps its conditions'
        // answers, for RCPT to decide the rest of its rules again.
        Evaluation.Memo memo = stage != Stage.DATA && config.delayReject() && config.waitsForLaterData(stage)
                ? new Evaluation.Memo() : null;
        if (memo != null) {
            synchronized (this) {
                pending.remove(stage);
            }
        }
        Evaluation ev = new Evaluation(this, stage, null, stage, memo);
        return safely(c, () -> run(config.rules(stage), 0, ev, c, stage.keyword())).thenApply(r -> {
            if (r.pendingFrom >= 0) {
                synchronized (this) {
                    pending.put(stage, new Pending(r.pendingFrom, memo));
                }
                c.trace(stage.keyword() + ": " + config.rules(stage).get(r.pendingFrom)
                        + " and the rules after it are decided at each RCPT, with what is known then (delay-reject)");
            }
            return finish(c, r, false, false);
        });
    }

    /** RCPT: the earlier stages' held or pending decisions, then the relay rules, then the RCPT rules. */
    private CompletionStage<Verdict> rcpt(SmtpAddress recipient) {
        PolicyConfig config = engine.config();
        Collector c = new Collector(Stage.RCPT);
        Evaluation ev = new Evaluation(this, Stage.RCPT, recipient);
        return earlier(0, recipient, c).thenCompose(early -> {
            if (early != null) {
                return CompletableFuture.completedFuture(early);
            }
            CompletionStage<Result> relay = config.relayEnabled()
                    ? safely(c, () -> run(config.relayRules(), 0, ev, c, "relay"))
                    : CompletableFuture.completedFuture(Result.NONE);
            return relay.thenCompose(rr -> {
                if (rr.refuses()) {
                    return CompletableFuture.completedFuture(finish(c, rr, false, false));
                }
                boolean granted = config.relayEnabled() && config.destination(recipient) == null;
                if (granted) {
                    c.trace("relay: relaying to " + recipient + " granted");
                }
                return safely(c, () -> run(config.rules(Stage.RCPT), 0, ev, c, "rcpt")).thenApply(r -> {
                    Verdict v = finish(c, r, granted, false);
                    if (!v.refuses()) {
                        synchronized (this) {
                            recipientCount++;
                        }
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
    private CompletionStage<Verdict> earlier(int i, SmtpAddress recipient, Collector c) {
        if (i == EARLY.length) {
            return CompletableFuture.completedFuture(null);
        }
        Stage stage = EARLY[i];
        Held held;
        Pending p;
        synchronized (this) {
            held = sessionHeld != null && sessionHeld.origin == stage ? sessionHeld
                    : transactionHeld != null && transactionHeld.origin == stage ? transactionHeld : null;
            p = pending.get(stage);
        }
        if (held != null) {
            c.trace("rcpt: " + held.reply + " decided at " + held.origin.keyword() + ", given now");
            Verdict.Outcome o = held.reply.isPermanent() ? Verdict.Outcome.REJECT : Verdict.Outcome.DEFER;
            return CompletableFuture.completedFuture(finish(c, new Result(o, held.reply), false, true));
        }
        if (p == null) {
            return earlier(i + 1, recipient, c);
        }
        PolicyConfig config = engine.config();
        Evaluation ev = new Evaluation(this, stage, recipient, Stage.RCPT, p.memo);
        String label = stage.keyword() + " at rcpt";
        return safely(c, () -> run(config.rules(stage), p.from, ev, c, label)).thenCompose(r -> {
            if (!r.refuses()) {
                return earlier(i + 1, recipient, c);
            }
            if (config.warnOnly()) {
                // Nothing is refused: the warning is noted and the relay and RCPT rules still speak.
                warnOnly(c, softBounced(c, r, false));
                return earlier(i + 1, recipient, c);
            }
            return CompletableFuture.completedFuture(finish(c, r, false, false));
        });
    }

    /** The relay rules alone for one recipient: true only when one of them accepts. */
    CompletionStage<Boolean> relayRulesPermit(String forwardPath) {
        SmtpAddress recipient;
        try {
            recipient = SmtpAddress.parse(forwardPath);
        } catch (IllegalArgumentException e) {
            return CompletableFuture.completedFuture(false);
        }
        if (recipient.isNullSender()) {
            return CompletableFuture.completedFuture(false);
        }
        Evaluation ev = new Evaluation(this, Stage.RCPT, recipient);
        Collector c = new Collector(Stage.RCPT);
        return safely(c, () -> run(engine.config().relayRules(), 0, ev, c, "relay")).thenApply(r -> {
            boolean permitted = r.outcome == Verdict.Outcome.PERMIT;
            if (LOG.isDebugEnabled()) {
                LOG.debug("relay to {} {}: {}", recipient, permitted ? "permitted" : "not permitted", c.trace);
            }
            return permitted;
        });
    }

    /** Our own failures are temporary: the client retries and no mail is lost (451 4.3.0). */
    private CompletionStage<Result> safely(Collector c, Supplier<CompletionStage<Result>> body) {
        CompletionStage<Result> stage;
        try {
            stage = body.get();
        } catch (RuntimeException e) {
            stage = CompletableFuture.failedFuture(e);
        }
        return stage.handle((r, ex) -> {
            if (ex == null) {
                return r;
            }
            Throwable cause = ex instanceof CompletionException && ex.getCause() != null ? ex.getCause() : ex;
            if (cause instanceof RateCondition.QuietFailure) {
                LOG.debug("policy evaluation failed at {} for {}: {}", c.stage.keyword(), client.address().getHostAddress(), cause.getMessage());
            } else {
                LOG.warn("policy evaluation failed at {} for {}", c.stage.keyword(), client.address().getHostAddress(), cause);
            }
            c.trace(c.stage.keyword() + ": evaluation failed (" + cause + "): temporary failure");
            Evaluation ev = new Evaluation(this, c.stage, null);
            return new Result(Verdict.Outcome.DEFER, engine.config().catalog().temporaryFailure(ev.replyValues()));
        });
    }

    private CompletionStage<Result> run(List<Rule> rules, int i, Evaluation ev, Collector c, String label) {
        if (i == rules.size()) {
            if (!rules.isEmpty()) {
                c.trace(label + ": no rule decided");
            }
            return CompletableFuture.completedFuture(Result.NONE);
        }
        Rule rule = rules.get(i);
        return rule.condition.match(ev).thenCompose(m -> {
            if (m.pending) {
                if (rule.action == PlainAction.CONTINUE) {
                    c.trace(label + " " + rule + ": " + m.detail + " -> continue");
                    return run(rules, i + 1, ev, c, label);
                }
                c.trace(label + " " + rule + ": " + m.detail + " -> decided at RCPT");
                return done(Result.pending(i));
            }
            if (!m.matched) {
                c.trace(label + " " + rule + ": no match");
                return run(rules, i + 1, ev, c, label);
            }
            RuleAction action = rule.action != null ? rule.action : m.hit != null ? m.hit.action : null;
            if (action == null) {
                c.trace(label + " " + rule + ": " + m.detail + " -> entry has no action, continue");
                return run(rules, i + 1, ev, c, label);
            }
            return apply(action, rule, ev, c, label, m.detail).thenCompose(r -> r == null
                    ? run(rules, i + 1, ev, c, label)
                    : CompletableFuture.completedFuture(r));
        });
    }

    /** The action's result, or null to go on with the next rule. */
    private CompletionStage<Result> apply(RuleAction a, Rule rule, Evaluation ev, Collector c, String label, String detail) {
        return a.apply(ev).thenApply(d -> {
            c.trace(label + " " + rule + ": " + detail + " -> " + a.traced(d));
            switch (d.kind()) {
                case ACCEPT:
                    return new Result(Verdict.Outcome.PERMIT, null);
                case REJECT:
                    return new Result(Verdict.Outcome.REJECT, d.reply().orElseThrow());
                case DEFER:
                    return new Result(Verdict.Outcome.DEFER, d.reply().orElseThrow());
                case DISCONNECT:
                    return new Result(Verdict.Outcome.DISCONNECT, d.reply().orElseThrow());
                case WARN:
                    c.warnings.add(rule + ": " + d.text());
                    return null;
                case TAG:
                    addTag(c.stage, d.text());
                    return null;
                default:
                    return null;
            }
        });
    }

    private synchronized void addTag(Stage stage, String tag) {
        if (stage == Stage.CONNECT || stage == Stage.HELO) {
            sessionTags.add(tag);
        } else {
            transactionTags.add(tag);
        }
    }

    /**
     * The one place where soft-bounce, warn-only, delayed rejection and the greeting's codes apply.
     *
     * @param fromHold the reply was held: soft-bounce was applied when it was taken
     */
    private Verdict finish(Collector c, Result r, boolean relayGranted, boolean fromHold) {
        PolicyConfig config = engine.config();
        Stage stage = c.stage;
        Result shaped = softBounced(c, r, fromHold);
        Verdict.Outcome o = shaped.outcome;
        SmtpReply reply = shaped.reply;
        SmtpReply held = null;
        if (reply != null && config.warnOnly() && !r.syntaxError) {
            warnOnly(c, shaped);
            o = Verdict.Outcome.DUNNO;
            reply = null;
        } else if ((o == Verdict.Outcome.REJECT || o == Verdict.Outcome.DEFER) && config.delayReject() && !r.syntaxError
                && (stage == Stage.CONNECT || stage == Stage.HELO || stage == Stage.MAIL)) {
            Held h = new Held(reply, stage);
            synchronized (this) {
                if (stage == Stage.MAIL) {
                    transactionHeld = h;
                } else {
                    sessionHeld = h;
                }
            }
            c.trace(stage.keyword() + ": " + reply + " held until the first RCPT (delay-reject)");
            held = reply;
            o = Verdict.Outcome.DUNNO;
            reply = null;
        } else if (stage == Stage.CONNECT && reply != null) {
            // RFC 5321 §4.3.2: the greeting is 220 or 554; a temporary refusal can only be 421 and close.
            if (reply.isPermanent() && reply.code() != 554) {
                reply = reply.withCode(554);
            } else if (reply.isTemporary() && reply.code() != 421) {
                reply = reply.withCode(421);
                o = Verdict.Outcome.DISCONNECT;
            }
        }
        return new Verdict(stage, o, reply, held, relayGranted && o != Verdict.Outcome.REJECT && o != Verdict.Outcome.DEFER,
                tags(), c.warnings, c.trace);
    }

    /** Soft-bounce: a 5xx becomes the matching 4xx, a reject a defer (not for a held reply, already done, nor a 501). */
    private Result softBounced(Collector c, Result r, boolean fromHold) {
        SmtpReply reply = r.reply;
        if (reply == null || !engine.config().softBounce() || fromHold || r.syntaxError || !reply.isPermanent()) {
            return r;
        }
        SmtpReply soft = reply.softBounced();
        c.trace("soft-bounce: " + reply.code() + " becomes " + soft.code());
        return new Result(r.outcome == Verdict.Outcome.REJECT ? Verdict.Outcome.DEFER : r.outcome, soft);
    }

    /** Warn-only: the refusal is noted, not given. */
    private static void warnOnly(Collector c, Result r) {
        c.warnings.add("warn-only: would answer " + r.reply + " at " + c.stage.keyword());
        c.trace("warn-only: " + r.reply + " not given");
    }

    private static <T> CompletionStage<T> done(T value) {
        return CompletableFuture.completedFuture(value);
    }

    private static final class Held {
        final SmtpReply reply;
        final Stage origin;

        Held(SmtpReply reply, Stage origin) {
            this.reply = reply;
            this.origin = origin;
        }
    }

    /**
     * A connect, HELO or MAIL stage whose rule {@code from} waited for data known later: RCPT decides
     * the stage's rules from there, with the answers {@code memo} kept of the stage's own data.
     */
    private static final class Pending {
        final int from;
        final Evaluation.Memo memo;

        Pending(int from, Evaluation.Memo memo) {
            this.from = from;
            this.memo = memo;
        }
    }

    private static final class Result {
        static final Result NONE = new Result(Verdict.Outcome.DUNNO, null);

        final Verdict.Outcome outcome;
        final SmtpReply reply;
        /** A malformed command is answered at once (RFC 5321 §4.2.2 501), never held. */
        final boolean syntaxError;
        /** The rule from which the stage is decided at RCPT (its condition waits for later data); -1 when decided. */
        final int pendingFrom;

        Result(Verdict.Outcome outcome, SmtpReply reply) {
            this(outcome, reply, false, -1);
        }

        private Result(Verdict.Outcome outcome, SmtpReply reply, boolean syntaxError, int pendingFrom) {
            this.outcome = outcome;
            this.reply = reply;
            this.syntaxError = syntaxError;
            this.pendingFrom = pendingFrom;
        }

        static Result syntaxError(SmtpReply reply) {
            return new Result(Verdict.Outcome.REJECT, reply, true, -1);
        }

        /** Nothing decided now: rule {@code from} and those after it wait for RCPT. */
        static Result pending(int from) {
            return new Result(Verdict.Outcome.DUNNO, null, false, from);
        }

        boolean refuses() {
            return outcome == Verdict.Outcome.REJECT || outcome == Verdict.Outcome.DEFER || outcome == Verdict.Outcome.DISCONNECT;
        }
    }

    private static final class Collector {
        final Stage stage;
        final List<String> trace = new ArrayList<>();
        final List<String> warnings = new ArrayList<>();

        Collector(Stage stage) {
            this.stage = stage;
        }

        synchronized void trace(String line) {
            trace.add(line);
        }
    }
}
