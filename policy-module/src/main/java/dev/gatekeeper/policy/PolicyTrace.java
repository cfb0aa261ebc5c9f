package dev.gatekeeper.policy;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * What one stage call of a {@link PolicySession} says of itself: each rule tried, the condition
 * that matched and what it saw, the reply; and the warnings of {@code warn} rules and warn-only.
 * Confined to that call's evaluation, whose steps run one after another (each after the stage it
 * waited for completed), so it needs no lock; it is copied into the {@link Verdict}.
 *
 * <p>A line is kept as a {@code Supplier} and put into words only when {@link Verdict#trace()} is
 * read (the debug log, the command line's check): formatting each rule's line on every stage of
 * every connection cost more than the rules themselves. A supplier captures only immutable values
 * (the rule, the condition's {@link Condition.Match}, replies, names), never the session, so the
 * text read later is the text of the moment it was added. Warnings stay words at once: they are
 * logged whenever there are any. A session opened untraced keeps no lines at all.
 */
final class PolicyTrace {

    /** The stage of the call (RCPT when RCPT decides an earlier stage's rules again). */
    final Stage stage;
    /**
     * Whether lines are kept; when not, {@link #add} drops them and the hot paths do not make
     * them ({@code if (trace.keepsLines)}). Warnings are kept either way.
     */
    final boolean keepsLines;
    final List<Supplier<String>> lines;
    final List<String> warnings = new ArrayList<>();

    PolicyTrace(Stage stage, boolean keepsLines) {
        this.stage = stage;
        this.keepsLines = keepsLines;
        this.lines = keepsLines ? new ArrayList<>() : List.of();
    }

    void add(String line) {
        if (keepsLines) {
            lines.add(() -> line);
        }
    }

    /** A line put into words when the trace is read. */
    void add(Supplier<String> line) {
        if (keepsLines) {
            lines.add(line);
        }
    }

    void warn(String warning) {
        warnings.add(warning);
    }

    /** The lines in words, for the log. */
    static List<String> text(List<Supplier<String>> lines) {
        List<String> text = new ArrayList<>(lines.size());
        for (Supplier<String> line : lines) {
            text.add(line.get());
        }
        return List.copyOf(text);
    }
}
