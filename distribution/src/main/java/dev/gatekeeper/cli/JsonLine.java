package dev.gatekeeper.cli;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One JSON object of string members on one line (RFC 8259), read strictly: any other value type,
 * a repeated name, an unescaped control character, an unpaired surrogate or anything after the
 * closing brace is refused. Small on purpose: the batch input needs nothing more, and the drop-in
 * jar carries no JSON library.
 */
final class JsonLine {

    private final String text;
    private int pos;

    private JsonLine(String text) {
        this.text = text;
    }

    /**
     * The members of the object, in their order.
     *
     * @throws IllegalArgumentException naming the column (1-based) and what was expected there
     */
    static Map<String, String> parseObject(String line) {
        JsonLine p = new JsonLine(line);
        Map<String, String> members = new LinkedHashMap<>();
        p.skipWhitespace();
        p.expect('{');
        p.skipWhitespace();
        if (p.peek() == '}') {
            p.pos++;
        } else {
            while (true) {
                p.skipWhitespace();
                int at = p.pos;
                String name = p.string("a member name in double quotes");
                p.skipWhitespace();
                p.expect(':');
                p.skipWhitespace();
                String value = p.string("a string value for \"" + name + "\"");
                if (members.putIfAbsent(name, value) != null) {
                    throw p.error(at, "\"" + name + "\" given twice");
                }
                p.skipWhitespace();
                char c = p.peek();
                if (c == ',') {
                    p.pos++;
                } else if (c == '}') {
                    p.pos++;
                    break;
                } else {
                    throw p.error(p.pos, "expected ',' or '}'");
                }
            }
        }
        p.skipWhitespace();
        if (p.pos < line.length()) {
            throw p.error(p.pos, "unexpected text after the object");
        }
        return members;
    }

    private char peek() {
        return pos < text.length() ? text.charAt(pos) : '\0';
    }

    private void expect(char c) {
        if (pos >= text.length() || text.charAt(pos) != c) {
            throw error(pos, "expected '" + c + "'");
        }
        pos++;
    }

    // RFC 8259 §2: insignificant white space is space, tab, LF and CR only.
    private void skipWhitespace() {
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                return;
            }
            pos++;
        }
    }

    /** RFC 8259 §7. */
    private String string(String what) {
        if (peek() != '"') {
            throw error(pos, "expected " + what);
        }
        int start = pos++;
        StringBuilder sb = new StringBuilder();
        while (true) {
            if (pos >= text.length()) {
                throw error(start, "string not closed");
            }
            char c = text.charAt(pos++);
            if (c == '"') {
                break;
            }
            if (c < 0x20) {
                throw error(pos - 1, "control character U+" + hex4(c) + " must be escaped");
            }
            if (c != '\\') {
                sb.append(c);
                continue;
            }
            if (pos >= text.length()) {
                throw error(start, "string not closed");
            }
            char e = text.charAt(pos++);
            switch (e) {
                case '"': sb.append('"'); break;
                case '\\': sb.append('\\'); break;
                case '/': sb.append('/'); break;
                case 'b': sb.append('\b'); break;
                case 'f': sb.append('\f'); break;
                case 'n': sb.append('\n'); break;
                case 'r': sb.append('\r'); break;
                case 't': sb.append('\t'); break;
                case 'u': sb.append(unicodeEscape()); break;
                default:
                    throw error(pos - 2, "unknown escape \\" + e);
            }
        }
        String s = sb.toString();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw error(start, "unpaired surrogate U+" + hex4(c) + " in a string");
            }
        }
        return s;
    }

    private char unicodeEscape() {
        if (pos + 4 > text.length()) {
            throw error(pos - 2, "\\u needs four hex digits");
        }
        int v = 0;
        for (int i = 0; i < 4; i++) {
            int d = Character.digit(text.charAt(pos + i), 16);
            if (d < 0) {
                throw error(pos - 2, "\\u needs four hex digits");
            }
            v = v * 16 + d;
        }
        pos += 4;
        return (char) v;
    }

    private static String hex4(char c) {
        return String.format("%04X", (int) c);
    }

    private IllegalArgumentException error(int at, String message) {
        return new IllegalArgumentException("JSON column " + (at + 1) + ": " + message);
    }
}
