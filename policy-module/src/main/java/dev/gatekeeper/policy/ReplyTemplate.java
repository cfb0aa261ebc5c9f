package dev.gatekeeper.policy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A reply with {@code ${variable}} placeholders in its text, checked when the configuration is
 * read: the code and enhanced code are validated by {@link SmtpReply.Builder} at once, and an
 * unknown variable is an error then, never at the first rejection.
 */
final class ReplyTemplate {

    /** The variables a reply text may use. */
    static final Set<String> VARIABLES = Set.of(
            "client_ip", "client_name", "helo", "sender", "recipient", "spf_result", "spf_explanation", "spf_identity",
            "dmarc_domain", "dmarc_result", "reason", "retry_after", "dnsbl_list", "dnsbl_score");

    private final int code;
    private final String enhanced;
    private final List<List<Object>> lines;
    private final String source;

    private ReplyTemplate(int code, String enhanced, List<List<Object>> lines, String source) {
        this.code = code;
        this.enhanced = enhanced;
        this.lines = lines;
        this.source = source;
    }

    /**
     * Checks and compiles a template.
     *
     * @param enhanced "" for none
     * @param lines the text lines, possibly with placeholders
     * @throws IllegalArgumentException naming the code, enhanced code or variable at fault
     */
    static ReplyTemplate of(int code, String enhanced, List<String> lines) {
        SmtpReply.Builder probe = SmtpReply.builder(code);
        if (!enhanced.isEmpty()) {
            probe.enhanced(enhanced);
        }
        List<List<Object>> compiled = new ArrayList<>();
        for (String line : lines) {
            compiled.add(compile(line));
        }
        return new ReplyTemplate(code, enhanced, List.copyOf(compiled), String.join("\n", lines));
    }

    /** Reads {@code "550 5.7.1 text ${sender}"}; newlines in the text separate lines. */
    static ReplyTemplate parse(String reply) {
        String trimmed = reply.strip();
        String[] parts = trimmed.split("[ \t]+", 3);
        // Exactly three digits: Integer.parseInt alone would take "+550" or "0550" for 550.
        if (!parts[0].matches("\\d{3}")) {
            throw new IllegalArgumentException("reply must start with a three-digit code: '" + reply + "'");
        }
        int code = Integer.parseInt(parts[0]);
        String enhanced = "";
        String text = "";
        if (parts.length > 1) {
            if (parts[1].matches("\\d\\.\\d{1,3}\\.\\d{1,3}")) {
                enhanced = parts[1];
                text = parts.length > 2 ? parts[2] : "";
            } else {
                text = trimmed.substring(3).strip();
            }
        }
        return of(code, enhanced, List.of(text.split("\r?\n", -1)));
    }

    private static List<Object> compile(String line) {
        List<Object> parts = new ArrayList<>();
        int i = 0;
        while (i < line.length()) {
            int start = line.indexOf("${", i);
            if (start < 0) {
                parts.add(line.substring(i));
                break;
            }
            if (start > i) {
                parts.add(line.substring(i, start));
            }
            int end = line.indexOf('}', start);
            if (end < 0) {
                throw new IllegalArgumentException("unclosed '${' in reply text '" + line + "'");
            }
            String name = line.substring(start + 2, end);
            if (!VARIABLES.contains(name)) {
                throw new IllegalArgumentException("unknown variable ${" + name + "} in reply text '" + line
                        + "' (known: " + String.join(", ", new java.util.TreeSet<>(VARIABLES)) + ")");
            }
            parts.add(new Variable(name));
            i = end + 1;
        }
        return parts;
    }

    int code() {
        return code;
    }

    String enhanced() {
        return enhanced;
    }

    /** Fills the placeholders (a missing value renders as "") and builds the reply. */
    SmtpReply render(Map<String, String> values) {
        SmtpReply.Builder b = SmtpReply.builder(code);
        if (!enhanced.isEmpty()) {
            b.enhanced(enhanced);
        }
        for (List<Object> line : lines) {
            StringBuilder sb = new StringBuilder();
            for (Object part : line) {
                if (part instanceof Variable) {
                    sb.append(values.getOrDefault(((Variable) part).name, ""));
                } else {
                    sb.append(part);
                }
            }
            b.line(sb.toString());
        }
        return b.build();
    }

    /** The same text with another code and enhanced code ("" keeps none). */
    ReplyTemplate withCodes(int newCode, String newEnhanced) {
        return of(newCode, newEnhanced, List.of(source.split("\n", -1)));
    }

    /** The same codes with another text. */
    ReplyTemplate withText(String text) {
        return of(code, enhanced, List.of(text.split("\r?\n", -1)));
    }

    @Override
    public String toString() {
        return code + (enhanced.isEmpty() ? "" : " " + enhanced) + " " + source;
    }

    private static final class Variable {
        final String name;

        Variable(String name) {
            this.name = Objects.requireNonNull(name);
        }
    }
}
