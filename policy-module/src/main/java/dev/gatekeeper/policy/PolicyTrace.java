package dev.gatekeeper.policy;

import java.util.ArrayList;
import java.util.List;

/**
 * What one stage call of a {@link PolicySession} says of itself: each rule tried, the condition
 * that matched and what it saw, the reply; and the warnings of {@code warn} rules and warn-only.
 * Confined to that call's evaluation, whose steps run one after another (each after the stage it
 * waited for completed), so it needs no lock; it is copied into the {@link Verdict}.
 */
final class PolicyTrace {

    /** The stage of the call (RCPT when RCPT decides an earlier stage's rules again). */
    final Stage stage;
    final List<String> lines = new ArrayList<>();
    final List<String> warnings = new ArrayList<>();

    PolicyTrace(Stage stage) {
        this.stage = stage;
    }

    void add(String line) {
        lines.add(line);
    }

    void warn(String warning) {
        warnings.add(warning);
    }
}
