package dev.gatekeeper.james.smtp;

import dev.gatekeeper.policy.SmtpReply;
import dev.gatekeeper.policy.Stage;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One {@code <rewrite>} rule: which refusals it matches (stage, reply code, enhanced code, a text
 * pattern; all given ones must hold) and what it puts in their place (code, enhanced code, text;
 * what is not given is kept). Immutable; the replacement goes through {@link SmtpReply}'s builder,
 * so a rule that would produce a reply of the wrong class is refused when James starts.
 */
final class ReplyRewrite {

    private final Set<Stage> stages;
    private final Integer code;
    private final String enhanced;
    private final Pattern text;
    private final Integer newCode;
    private final String newEnhanced;
    private final String newText;

    ReplyRewrite(Set<Stage> stages, Integer code, String enhanced, Pattern text,
            Integer newCode, String newEnhanced, String newText) {
        this.stages = Set.copyOf(stages);
        this.code = code;
        this.enhanced = enhanced;
        this.text = text;
        this.newCode = newCode;
        this.newEnhanced = newEnhanced;
        this.newText = newText;
        if (newCode == null && newEnhanced == null && newText == null) {
            throw new IllegalArgumentException("a rewrite needs at least one of code, enhanced, text to replace");
        }
        if (newCode != null && newEnhanced == null && code == null && enhanced == null) {
            // The class of the replaced code is known only from the match: check it then.
            return;
        }
        if (newCode != null && newEnhanced != null) {
            SmtpReply.builder(newCode).enhanced(newEnhanced).build();
        } else if (newCode != null) {
            SmtpReply.builder(newCode).build();
        } else if (newEnhanced != null && code != null) {
            SmtpReply.builder(code).enhanced(newEnhanced).build();
        }
    }

    /** The rewritten reply, or empty when the rule does not match. */
    Optional<SmtpReply> apply(Stage stage, SmtpReply reply) {
        if (!stages.isEmpty() && (stage == null || !stages.contains(stage))) {
            return Optional.empty();
        }
        if (code != null && code != reply.code()) {
            return Optional.empty();
        }
        if (enhanced != null && !enhanced.equals(reply.enhancedCode())) {
            return Optional.empty();
        }
        if (text != null && !text.matcher(reply.text()).find()) {
            return Optional.empty();
        }
        int c = newCode != null ? newCode : reply.code();
        SmtpReply.Builder b = SmtpReply.builder(c);
        String e = newEnhanced != null ? newEnhanced : reply.enhancedCode();
        if (!e.isEmpty()) {
            // A new code of another class carries the old enhanced code into its class (550 5.7.1 -> 450 4.7.1).
            b.enhanced(newEnhanced == null ? (c / 100) + e.substring(1) : e);
        }
        if (newText != null) {
            b.text(newText);
        } else {
            reply.lines().forEach(b::line);
        }
        return Optional.of(b.build());
    }

    @Override
    public String toString() {
        return "rewrite{stages=" + stages + ", code=" + code + ", enhanced=" + enhanced + ", text=" + text
                + " -> code=" + newCode + ", enhanced=" + newEnhanced + ", text=" + newText + "}";
    }
}
