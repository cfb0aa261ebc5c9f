package dev.gatekeeper.policy;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A negative SMTP reply: a 4xx or 5xx code, an optional RFC 3463 enhanced status code of the same
 * class, and one or more lines of text. Every reply the policy gives is built here, so every reply
 * obeys the same rules: the code is 4xx or 5xx, the enhanced code's class digit equals the reply's
 * first digit, control characters are gone, and no line exceeds the 512 octets of RFC 5321
 * §4.5.3.1.5 (code, separator, enhanced code, text and CRLF included). Longer text is folded into
 * continuation lines.
 */
public final class SmtpReply {

    /** RFC 5321 §4.5.3.1.5: a reply line, including the code and CRLF. */
    public static final int MAX_LINE_OCTETS = 512;

    private static final Pattern ENHANCED = Pattern.compile("([245])\\.(\\d{1,3})\\.(\\d{1,3})");
    private static final Pattern LEADING = Pattern.compile("^(\\d{3})(?:[ -]+(\\d\\.\\d{1,3}\\.\\d{1,3}))?(?:[ ]+(.*))?$", Pattern.DOTALL);

    private final int code;
    private final String enhancedCode;
    private final List<String> lines;

    private SmtpReply(int code, String enhancedCode, List<String> lines) {
        this.code = code;
        this.enhancedCode = enhancedCode;
        this.lines = List.copyOf(lines);
    }

    /** Starts a reply with a code, which must be 4xx or 5xx. */
    public static Builder builder(int code) {
        return new Builder(code);
    }

    /**
     * Reads {@code "550 5.7.1 text"}, {@code "550 text"} or {@code "550"}; the text may hold
     * newlines, which separate lines.
     *
     * @throws IllegalArgumentException naming what is wrong
     */
    public static SmtpReply parse(String reply) {
        Matcher m = LEADING.matcher(reply.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("reply must start with a three-digit code: '" + reply + "'");
        }
        Builder b = builder(Integer.parseInt(m.group(1)));
        if (m.group(2) != null) {
            b.enhanced(m.group(2));
        }
        if (m.group(3) != null) {
            b.text(m.group(3));
        }
        return b.build();
    }

    public int code() {
        return code;
    }

    /** The enhanced status code ({@code 5.7.1}), or "" when the reply has none. */
    public String enhancedCode() {
        return enhancedCode;
    }

    /** The text of each line, without code or enhanced code. */
    public List<String> lines() {
        return lines;
    }

    /** The text lines joined by a space: what a one-line log or James's description needs. */
    public String text() {
        return String.join(" ", lines);
    }

    public boolean isPermanent() {
        return code >= 500;
    }

    public boolean isTemporary() {
        return code < 500;
    }

    /**
     * What James's {@code HookResult} wants as its description: the enhanced code as first word,
     * then the text.
     */
    public String description() {
        return enhancedCode.isEmpty() ? text() : enhancedCode + " " + text();
    }

    /**
     * The same reply made temporary, as Postfix's {@code soft_bounce} does: 5xx becomes 4xx and the
     * enhanced class 5 becomes 4. 550, 551 and 552 keep their last digits and 521 (RFC 7504)
     * becomes 421; any other code becomes 450, since 454 is RFC 3207's "TLS not available" and 400-404
     * mean nothing. A temporary reply is returned as it is.
     */
    public SmtpReply softBounced() {
        if (isTemporary()) {
            return this;
        }
        int soft = code == 550 || code == 551 || code == 552 || code == 521 ? code - 100 : 450;
        String enh = enhancedCode.isEmpty() ? "" : "4" + enhancedCode.substring(1);
        return new SmtpReply(soft, enh, lines);
    }

    /** The same reply with another code (and the enhanced class following it). */
    SmtpReply withCode(int newCode) {
        Builder b = builder(newCode);
        if (!enhancedCode.isEmpty()) {
            b.enhanced((newCode / 100) + enhancedCode.substring(1));
        }
        lines.forEach(b::line);
        return b.build();
    }

    /** The reply as sent: {@code 550-5.7.1 first}, ..., {@code 550 5.7.1 last}, without CRLF. */
    public List<String> toSmtpLines() {
        List<String> out = new ArrayList<>(lines.size());
        for (int i = 0; i < lines.size(); i++) {
            StringBuilder sb = new StringBuilder().append(code).append(i == lines.size() - 1 ? ' ' : '-');
            if (!enhancedCode.isEmpty()) {
                sb.append(enhancedCode).append(' ');
            }
            out.add(sb.append(lines.get(i)).toString().stripTrailing());
        }
        return out;
    }

    /** One line: {@code 550 5.7.1 text of every line}. */
    @Override
    public String toString() {
        return (code + " " + description()).stripTrailing();
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof SmtpReply)) {
            return false;
        }
        SmtpReply r = (SmtpReply) o;
        return code == r.code && enhancedCode.equals(r.enhancedCode) && lines.equals(r.lines);
    }

    @Override
    public int hashCode() {
        return Objects.hash(code, enhancedCode, lines);
    }

    /** Removes control characters and replaces non-ASCII by '?', so that a character is an octet. */
    static String sanitize(String text) {
        StringBuilder sb = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\t') {
                sb.append(' ');
            } else if (c < 0x20 || c == 0x7f) {
                continue;
            } else if (c > 0x7e) {
                if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                    i++;
                }
                sb.append('?');
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    /** Collects and checks the parts of a reply. */
    public static final class Builder {
        private final int code;
        private String enhanced = "";
        private final List<String> raw = new ArrayList<>();

        private Builder(int code) {
            if (code < 400 || code > 599) {
                throw new IllegalArgumentException("reply code " + code + " is not a 4xx or 5xx code");
            }
            this.code = code;
        }

        /** Sets the RFC 3463 enhanced code; its class digit must equal the reply code's first digit. */
        public Builder enhanced(String enhancedCode) {
            Matcher m = ENHANCED.matcher(enhancedCode);
            if (!m.matches()) {
                throw new IllegalArgumentException("'" + enhancedCode + "' is not an enhanced status code (class.subject.detail, RFC 3463)");
            }
            if (Integer.parseInt(m.group(1)) != code / 100) {
                throw new IllegalArgumentException("enhanced code " + enhancedCode + " does not match reply code " + code
                        + ": the class must be " + code / 100);
            }
            this.enhanced = enhancedCode;
            return this;
        }

        /** Adds one line of text; it is cleaned and, when too long, folded at spaces. */
        public Builder line(String text) {
            raw.add(Objects.requireNonNull(text, "text"));
            return this;
        }

        /** Adds text whose newlines separate lines. */
        public Builder text(String text) {
            for (String l : text.split("\r\n|\r|\n", -1)) {
                line(l);
            }
            return this;
        }

        public SmtpReply build() {
            int room = MAX_LINE_OCTETS - 4 - 2 - (enhanced.isEmpty() ? 0 : enhanced.length() + 1);
            List<String> lines = new ArrayList<>();
            for (String r : raw) {
                String clean = sanitize(r).strip();
                while (clean.length() > room) {
                    int cut = clean.lastIndexOf(' ', room);
                    if (cut <= 0) {
                        cut = room;
                    }
                    lines.add(clean.substring(0, cut).stripTrailing());
                    clean = clean.substring(cut).strip();
                }
                if (!clean.isEmpty() || raw.size() == 1) {
                    lines.add(clean);
                }
            }
            if (lines.isEmpty()) {
                lines.add("");
            }
            return new SmtpReply(code, enhanced, lines);
        }
    }
}
