package dev.gatekeeper.spf;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A parsed macro-string (RFC 7208 §7.1): a domain-spec, an unknown modifier's value or an
 * explanation string. Parsed once, expanded per evaluation without regular expressions.
 */
final class MacroString {

    /** RFC 7208 §7.1 delimiters, in the order of their bits in {@link Macro#delimiters}. */
    private static final String DELIMITERS = ".-+,/_=";
    private static final int DOT_ONLY = 1;

    /**
     * An expansion longer than this is cut: a domain name never needs more than 253 octets and
     * an explanation no more than a reply line, so only a hostile input reaches it.
     */
    static final int MAX_EXPANSION = 4096;

    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private final String literal;
    private final Object[] parts;
    private final boolean usesP;
    private final boolean endsWithExpand;

    private MacroString(String literal, Object[] parts, boolean usesP, boolean endsWithExpand) {
        this.literal = literal;
        this.parts = parts;
        this.usesP = usesP;
        this.endsWithExpand = endsWithExpand;
    }

    /** One %{...} expansion. */
    static final class Macro {
        final char letter;
        final int digits;
        final boolean reverse;
        final int delimiters;
        final boolean escape;

        Macro(char letter, int digits, boolean reverse, int delimiters, boolean escape) {
            this.letter = letter;
            this.digits = digits;
            this.reverse = reverse;
            this.delimiters = delimiters;
            this.escape = escape;
        }
    }

    /** Parses a domain-spec (macro-string followed by domain-end, §12); letters c, r, t are not allowed. */
    static MacroString parseDomainSpec(String s, int from, int to) throws SpfSyntaxException {
        if (from >= to) {
            throw new SpfSyntaxException("empty domain-spec");
        }
        MacroString ms = parse(s, from, to, false);
        if (!ms.endsWithExpand && !hasTopLabel(s, from, to)) {
            throw new SpfSyntaxException("invalid domain-spec '" + s.substring(from, to) + "': no valid top label");
        }
        return ms;
    }

    /** Parses a plain macro-string (an unknown modifier's value); letters c, r, t are not allowed. */
    static MacroString parseMacroString(String s, int from, int to) throws SpfSyntaxException {
        return parse(s, from, to, false);
    }

    /** Parses an explanation string (§6.2): macro-strings and spaces, letters c, r, t allowed. */
    static MacroString parseExplanation(String s) throws SpfSyntaxException {
        return parse(s, 0, s.length(), true);
    }

    private static MacroString parse(String s, int from, int to, boolean explanation) throws SpfSyntaxException {
        List<Object> parts = null;
        StringBuilder lit = new StringBuilder(to - from);
        boolean usesP = false;
        boolean endsWithExpand = false;
        int i = from;
        while (i < to) {
            char c = s.charAt(i);
            endsWithExpand = false;
            if (c != '%') {
                if (c > 0x7e || c < 0x21 && !(explanation && c == ' ')) {
                    throw new SpfSyntaxException("invalid character 0x" + Integer.toHexString(c) + " in macro-string");
                }
                lit.append(c);
                i++;
                continue;
            }
            if (i + 1 >= to) {
                throw new SpfSyntaxException("'%' at the end of a macro-string");
            }
            char n = s.charAt(i + 1);
            endsWithExpand = true;
            if (n == '%') {
                lit.append('%');
                i += 2;
                continue;
            }
            if (n == '_') {
                lit.append(' ');
                i += 2;
                continue;
            }
            if (n == '-') {
                lit.append("%20");
                i += 2;
                continue;
            }
            if (n != '{') {
                throw new SpfSyntaxException("invalid macro '%" + n + "'");
            }
            int close = s.indexOf('}', i + 2);
            if (close < 0 || close >= to) {
                throw new SpfSyntaxException("unterminated macro");
            }
            Macro m = parseMacro(s, i + 2, close, explanation);
            usesP |= m.letter == 'p';
            if (parts == null) {
                parts = new ArrayList<>();
            }
            if (lit.length() > 0) {
                parts.add(lit.toString());
                lit.setLength(0);
            }
            parts.add(m);
            i = close + 1;
        }
        if (parts == null) {
            return new MacroString(lit.toString(), null, false, endsWithExpand);
        }
        if (lit.length() > 0) {
            parts.add(lit.toString());
        }
        return new MacroString(null, parts.toArray(), usesP, endsWithExpand);
    }

    private static Macro parseMacro(String s, int from, int to, boolean explanation) throws SpfSyntaxException {
        if (from >= to) {
            throw new SpfSyntaxException("empty macro");
        }
        char raw = s.charAt(from);
        char letter = Character.toLowerCase(raw);
        if (raw > 0x7f || "slodipvh".indexOf(letter) < 0 && !(explanation && "crt".indexOf(letter) >= 0)) {
            throw new SpfSyntaxException("invalid macro letter '" + raw + "'");
        }
        int i = from + 1;
        int digits = 0;
        int start = i;
        while (i < to && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
            digits = Math.min(digits * 10 + (s.charAt(i) - '0'), 1000);
            i++;
        }
        if (i > start && digits == 0) {
            throw new SpfSyntaxException("macro transformer digit must be nonzero");
        }
        boolean reverse = false;
        if (i < to && (s.charAt(i) == 'r' || s.charAt(i) == 'R')) {
            reverse = true;
            i++;
        }
        int delimiters = 0;
        while (i < to) {
            int d = DELIMITERS.indexOf(s.charAt(i));
            if (d < 0) {
                throw new SpfSyntaxException("invalid macro delimiter '" + s.charAt(i) + "'");
            }
            delimiters |= 1 << d;
            i++;
        }
        return new Macro(letter, digits, reverse, delimiters == 0 ? DOT_ONLY : delimiters, raw != letter);
    }

    /** domain-end = ( "." toplabel [ "." ] ): toplabel is alphanumeric with a letter, or has an inner dash. */
    private static boolean hasTopLabel(String s, int from, int to) {
        int end = to;
        if (s.charAt(end - 1) == '.') {
            end--;
        }
        int dot = s.lastIndexOf('.', end - 1);
        if (dot < from) {
            return false;
        }
        int start = dot + 1;
        if (start >= end) {
            return false;
        }
        boolean alpha = false;
        boolean dash = false;
        for (int i = start; i < end; i++) {
            char c = s.charAt(i);
            if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
                alpha = true;
            } else if (c == '-') {
                dash = true;
            } else if (c < '0' || c > '9') {
                return false;
            }
        }
        if (s.charAt(start) == '-' || s.charAt(end - 1) == '-') {
            return false;
        }
        return alpha || dash;
    }

    boolean isLiteral() {
        return literal != null;
    }

    /** The text of a macro-free string (escapes such as %% already applied). */
    String literal() {
        return literal;
    }

    boolean usesP() {
        return usesP;
    }

    /** Expands every macro with values from the source; the result never exceeds {@link #MAX_EXPANSION}. */
    String expand(MacroSource source, String domain) {
        if (literal != null) {
            return literal;
        }
        StringBuilder sb = new StringBuilder(64);
        for (Object part : parts) {
            if (part instanceof String) {
                sb.append((String) part);
            } else {
                Macro m = (Macro) part;
                String value = transform(m, source.macroValue(m.letter, domain));
                if (m.escape) {
                    urlEscape(value, sb);
                } else {
                    sb.append(value);
                }
            }
            if (sb.length() > MAX_EXPANSION) {
                sb.setLength(MAX_EXPANSION);
                break;
            }
        }
        return sb.toString();
    }

    /** RFC 7208 §7.3: split on the delimiters, optionally reverse, keep the rightmost N parts, join with dots. */
    static String transform(Macro m, String value) {
        if (m.digits == 0 && !m.reverse && m.delimiters == DOT_ONLY) {
            return value;
        }
        if (value.length() > MAX_EXPANSION) {
            value = value.substring(0, MAX_EXPANSION);
        }
        List<String> labels = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < value.length(); i++) {
            int d = DELIMITERS.indexOf(value.charAt(i));
            if (d >= 0 && (m.delimiters & (1 << d)) != 0) {
                labels.add(value.substring(start, i));
                start = i + 1;
            }
        }
        labels.add(value.substring(start));
        int n = labels.size();
        StringBuilder sb = new StringBuilder(value.length());
        int keep = m.digits == 0 ? n : Math.min(m.digits, n);
        if (m.reverse) {
            // reversed list is labels[n-1] ... labels[0]; its rightmost `keep` are labels[keep-1] ... labels[0]
            for (int i = keep - 1; i >= 0; i--) {
                if (i != keep - 1) {
                    sb.append('.');
                }
                sb.append(labels.get(i));
            }
        } else {
            for (int i = n - keep; i < n; i++) {
                if (i != n - keep) {
                    sb.append('.');
                }
                sb.append(labels.get(i));
            }
        }
        return sb.toString();
    }

    /** RFC 7208 §7.3: upper-case macro letters are URL-escaped (RFC 3986 unreserved characters kept). */
    static void urlEscape(String value, StringBuilder sb) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
                    || c == '-' || c == '.' || c == '_' || c == '~') {
                sb.append(c);
            } else if (c < 0x80) {
                sb.append('%').append(HEX[c >> 4]).append(HEX[c & 0xf]);
            } else {
                byte[] bytes = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                if (Character.isHighSurrogate(c) && i + 1 < value.length()) {
                    bytes = value.substring(i, i + 2).getBytes(StandardCharsets.UTF_8);
                    i++;
                }
                for (byte b : bytes) {
                    sb.append('%').append(HEX[(b >> 4) & 0xf]).append(HEX[b & 0xf]);
                }
            }
        }
    }
}
