package dev.gatekeeper.policy;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One stage's rules (or the relay rules) tried in order for one evaluation, as Postfix tries a
 * restriction list: the first rule that decides wins; {@code continue}, {@code warn} and
 * {@code tag} do their work and let the next rule speak; a rule whose condition waits for later
 * data ends the list, to be decided at RCPT.
 */
final class RuleList {

    private static final Logger LOG = LoggerFactory.getLogger(RuleList.class);

    /** What a list decided. */
    static final class Result {
        static final Result NONE = new Result(Verdict.Answer.DUNNO, null);

        final Verdict.Answer answer;
        final SmtpReply reply;
        /** A malformed command is answered at once (RFC 5321 §4.2.2 501), never held. */
        final boolean syntaxError;
        /** The rule from which the stage is decided at RCPT (its condition waits for later data); -1 when decided. */
        final int pendingFrom;

        Result(Verdict.Answer answer, SmtpReply reply) {
            this(answer, reply, false, -1);
        }

        private Result(Verdict.Answer answer, SmtpReply reply, boolean syntaxError, int pendingFrom) {
            this.answer = answer;
            this.reply = reply;
            this.syntaxError = syntaxError;
            this.pendingFrom = pendingFrom;
        }

        static Result syntaxError(SmtpReply reply) {
            return new Result(Verdict.Answer.REJECT, reply, true, -1);
        }

        /** Nothing decided now: rule {@code from} and those after it wait for RCPT. */
        static Result pending(int from) {
            return new Result(Verdict.Answer.DUNNO, null, false, from);
        }

        boolean refuses() {
            return answer == Verdict.Answer.REJECT || answer == Verdict.Answer.DEFER || answer == Verdict.Answer.DISCONNECT;
        }
    }

    private RuleList() {
    }

    /**
     * Decides {@code rules} from rule {@code from} on. Our own failures are temporary: the client
     * retries and no mail is lost (451 4.3.0).
     *
     * @param label how the trace names the list: {@code rcpt}, {@code relay}, {@code connect at rcpt}
     */
    static CompletionStage<Result> decide(List<Rule> rules, int from, StageContext ev, PolicyTrace trace, String label) {
        CompletionStage<Result> stage;
        try {
            stage = run(rules, from, ev, trace, label, null);
        } catch (RuntimeException e) {
            stage = CompletableFuture.failedFuture(e);
        }
        return stage.handle((r, ex) -> {
            if (ex == null) {
                return r;
            }
            Throwable cause = ex instanceof CompletionException && ex.getCause() != null ? ex.getCause() : ex;
            String client = ev.clientAddress().getHostAddress();
            if (cause instanceof RateCondition.QuietFailure) {
                LOG.debug("policy evaluation failed at {} for {}: {}", trace.stage.keyword(), client, cause.getMessage());
            } else {
                LOG.warn("policy evaluation failed at {} for {}", trace.stage.keyword(), client, cause);
            }
            trace.add(trace.stage.keyword() + ": evaluation failed (" + cause + "): temporary failure");
            ReplyValues values = new StageContext(ev.session, ev.transaction, trace.stage, null).replyValues();
            return new Result(Verdict.Answer.DEFER, ev.config().catalog().temporaryFailure(values));
        });
    }

    /**
     * Tries the rules from {@code from} on, one after another on this thread while each
     * condition's and action's answer is already there (nearly always: cached DNS, counters, the
     * session's facts); only an answer still to come continues the list when it completes. A
     * future and a callback per rule cost more than most rules' own work.
     *
     * @param known the match of rule {@code from}, when the list resumes after waiting for it; else null
     */
    private static CompletionStage<Result> run(List<Rule> rules, int from, StageContext ev, PolicyTrace trace, String label,
            Condition.Match known) {
        Condition.Match m = known;
        for (int i = from; i < rules.size(); i++, m = null) {
            Rule rule = rules.get(i);
            if (m == null) {
                CompletableFuture<Condition.Match> match = rule.condition.match(ev).toCompletableFuture();
                if (!isReady(match)) {
                    int at = i;
                    // Never null here: null is "not asked yet", and asking again would never end.
                    return match.thenCompose(found -> run(rules, at, ev, trace, label,
                            Objects.requireNonNull(found, () -> "no match from " + rule)));
                }
                m = match.join();
            }
            Condition.Match seen = m;
            if (m.pending) {
                if (rule.action == PlainAction.CONTINUE) {
                    if (trace.keepsLines) {
                        trace.add(() -> label + " " + rule + ": " + seen.detail() + " -> continue");
                    }
                    continue;
                }
                if (trace.keepsLines) {
                    trace.add(() -> label + " " + rule + ": " + seen.detail() + " -> decided at RCPT");
                }
                return CompletableFuture.completedFuture(Result.pending(i));
            }
            if (!m.matched) {
                if (trace.keepsLines) {
                    trace.add(() -> label + " " + rule + ": no match" + (seen.tracedWhenNot ? " (" + seen.detail() + ")" : ""));
                }
                continue;
            }
            RuleAction action = rule.action != null ? rule.action : m.hit != null ? m.hit.action : null;
            if (action == null) {
                if (trace.keepsLines) {
                    trace.add(() -> label + " " + rule + ": " + seen.detail() + " -> entry has no action, continue");
                }
                continue;
            }
            CompletableFuture<PolicyDecision> decision = action.apply(ev).toCompletableFuture();
            if (!isReady(decision)) {
                int next = i + 1;
                return decision.thenCompose(d -> {
                    Result r = decided(action, rule, ev, trace, label, seen, d);
                    return r == null ? run(rules, next, ev, trace, label, null) : CompletableFuture.completedFuture(r);
                });
            }
            Result r = decided(action, rule, ev, trace, label, m, decision.join());
            if (r != null) {
                return CompletableFuture.completedFuture(r);
            }
        }
        if (!rules.isEmpty() && trace.keepsLines) {
            trace.add(() -> label + ": no rule decided");
        }
        return CompletableFuture.completedFuture(Result.NONE);
    }

    /** Done with a value; a failure takes the asynchronous way, which carries it to {@link #decide}'s handler. */
    private static boolean isReady(CompletableFuture<?> f) {
        return f.isDone() && !f.isCompletedExceptionally();
    }

    /** What the rule's action decided, as the list's result; null to go on with the next rule. */
    private static Result decided(RuleAction a, Rule rule, StageContext ev, PolicyTrace trace, String label, Condition.Match m,
            PolicyDecision d) {
        if (trace.keepsLines) {
            trace.add(() -> label + " " + rule + ": " + m.detail() + " -> " + a.traced(d));
        }
        switch (d.kind()) {
            case ACCEPT:
                return new Result(Verdict.Answer.PERMIT, null);
            case REJECT:
                return new Result(Verdict.Answer.REJECT, d.reply().orElseThrow());
            case DEFER:
                return new Result(Verdict.Answer.DEFER, d.reply().orElseThrow());
            case DISCONNECT:
                return new Result(Verdict.Answer.DISCONNECT, d.reply().orElseThrow());
            case WARN:
                trace.warn(rule + ": " + d.text());
                return null;
            case TAG:
                // At the stage of the call: a connect rule decided again at RCPT tags the transaction.
                ev.tag(trace.stage, d.text());
                return null;
            default:
                return null;
        }
    }
}
