package dev.gatekeeper.policy;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The policy's answer at one stage: what the adapter answers now, what is held for the first RCPT,
 * the tags, the warnings to log and the trace of the rules that led here. Immutable.
 *
 * <p>Mapping to James: {@link Answer#DUNNO} is {@code HookResult.DECLINED} (James goes on with its
 * own checks); {@link Answer#PERMIT} is {@code OK}; {@code REJECT}, {@code DEFER} and
 * {@code DISCONNECT} give {@link #reply()}, the last closing the connection.
 */
public final class Verdict {

    /** What to answer now. */
    public enum Answer {
        /** No rule decided (or the decision is held): let the server answer as it would. */
        DUNNO,
        /** A rule accepted explicitly. */
        PERMIT,
        /** Refuse with the 5xx {@link #reply()}. */
        REJECT,
        /** Refuse for now with the 4xx {@link #reply()}. */
        DEFER,
        /** Answer {@link #reply()} and close the connection. */
        DISCONNECT
    }

    private final Stage stage;
    private final Answer answer;
    private final SmtpReply reply;
    private final SmtpReply held;
    private final boolean relayGranted;
    private final Set<String> tags;
    private final List<String> warnings;
    /** The trace lines, put into words on the first trace() call: most verdicts are never traced. */
    private final List<Supplier<String>> traceLines;
    private volatile List<String> trace;

    Verdict(Stage stage, Answer answer, SmtpReply reply, SmtpReply held, boolean relayGranted, Set<String> tags,
            List<String> warnings, List<Supplier<String>> trace) {
        this.stage = stage;
        this.answer = answer;
        this.reply = reply;
        this.held = held;
        this.relayGranted = relayGranted;
        this.tags = Set.copyOf(tags);
        this.warnings = List.copyOf(warnings);
        this.traceLines = List.copyOf(trace);
    }

    public Stage stage() {
        return stage;
    }

    public Answer answer() {
        return answer;
    }

    /** The reply for REJECT, DEFER and DISCONNECT; empty otherwise. */
    public Optional<SmtpReply> reply() {
        return Optional.ofNullable(reply);
    }

    /**
     * A decision taken at this stage (connect, HELO or MAIL) and held, because of delayed
     * rejection, until the first RCPT, where it will be the answer. The answer now is DUNNO.
     */
    public Optional<SmtpReply> held() {
        return Optional.ofNullable(held);
    }

    /**
     * At RCPT: the relay rules let this client relay to a recipient that is not in our local or
     * relay domains (trusted network, authenticated, ...). An adapter whose server would refuse
     * such relaying on its own answers OK rather than DECLINED when the answer is DUNNO.
     */
    public boolean relayGranted() {
        return relayGranted;
    }

    /** Labels recorded by {@code tag} actions in this session and transaction so far. */
    public Set<String> tags() {
        return tags;
    }

    /** What {@code warn} rules and warn-only mode have to say: for the log. */
    public List<String> warnings() {
        return warnings;
    }

    /** Rule by rule, what was tested and why the verdict is what it is. */
    public List<String> trace() {
        // Two threads reading at once both put the same lines into words; either list will do.
        List<String> text = trace;
        if (text == null) {
            text = PolicyTrace.text(traceLines);
            trace = text;
        }
        return text;
    }

    /** Whether the client is refused now (REJECT, DEFER or DISCONNECT). */
    public boolean refuses() {
        return answer == Answer.REJECT || answer == Answer.DEFER || answer == Answer.DISCONNECT;
    }

    @Override
    public String toString() {
        return stage.keyword() + " " + answer + (reply != null ? " " + reply : "") + (held != null ? " held " + held : "");
    }
}
