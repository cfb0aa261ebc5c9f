package dev.gatekeeper.callout;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** One SMTP reply (RFC 5321 §4.2), possibly multi-line, as read from a peer. */
final class PeerReply {

    /** RFC 3463 §2: class.subject.detail, the class matching the reply's first digit. */
    private static final Pattern ENHANCED = Pattern.compile("^([245])\\.(\\d{1,3})\\.(\\d{1,3})(?:\\s+|$)");

    private final int code;
    private final String enhancedCode;
    private final String text;
    private final List<String> lines;

    PeerReply(int code, List<String> lines) {
        this.code = code;
        this.lines = List.copyOf(lines);
        String enhanced = "";
        StringBuilder text = new StringBuilder();
        for (String line : lines) {
            String t = line.length() > 4 ? line.substring(4) : "";
            Matcher m = ENHANCED.matcher(t);
            if (m.find() && m.group(1).charAt(0) == (char) ('0' + code / 100)) {
                if (enhanced.isEmpty()) {
                    enhanced = m.group(1) + "." + m.group(2) + "." + m.group(3);
                }
                t = t.substring(m.end());
            }
            if (text.length() > 0 && !t.isEmpty()) {
                text.append(' ');
            }
            text.append(t.trim());
        }
        this.enhancedCode = enhanced;
        this.text = text.toString();
    }

    int code() {
        return code;
    }

    boolean isPositive() {
        return code >= 200 && code < 400;
    }

    boolean isTransient() {
        return code >= 400 && code < 500;
    }

    boolean isPermanent() {
        return code >= 500 && code < 600;
    }

    String enhancedCode() {
        return enhancedCode;
    }

    /** The text of every line without code and enhanced code, joined by single spaces. */
    String text() {
        return text;
    }

    /** The raw lines, control characters already removed. */
    List<String> lines() {
        return lines;
    }

    /** True when an EHLO reply advertises the keyword (first word of a line after the first). */
    boolean advertises(String keyword) {
        for (int i = 1; i < lines.size(); i++) {
            String l = lines.get(i);
            if (l.length() > 4) {
                String word = l.substring(4).trim().split("\\s+", 2)[0];
                if (word.equalsIgnoreCase(keyword)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** {@code 550 5.1.1 no such user}. */
    String summary() {
        return code + (enhancedCode.isEmpty() ? "" : " " + enhancedCode) + (text.isEmpty() ? "" : " " + text);
    }

    @Override
    public String toString() {
        return summary();
    }
}
