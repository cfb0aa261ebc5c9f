package dev.gatekeeper.spf;

/** Text helpers shared by the header renderers: nothing they emit contains CR, LF or other controls. */
final class HeaderText {

    /** Longest value copied into a header; a problem text or an address longer than this is cut. */
    static final int MAX_VALUE = 256;

    private HeaderText() {
    }

    /**
     * Drops C0 and C1 controls and DEL, and cuts at {@link #MAX_VALUE}. A value with nothing to
     * drop or cut is returned as it is: the usual case (a host name, an address), and no copy.
     */
    static String clean(String s) {
        if (s == null) {
            return "";
        }
        if (isClean(s)) {
            return s;
        }
        StringBuilder sb = new StringBuilder(Math.min(s.length(), MAX_VALUE));
        for (int i = 0; i < s.length() && sb.length() < MAX_VALUE; i++) {
            char c = s.charAt(i);
            if (c >= 0x20 && c != 0x7f && (c < 0x80 || c >= 0xa0)) {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    private static boolean isClean(String s) {
        if (s.length() > MAX_VALUE) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!(c >= 0x20 && c != 0x7f && (c < 0x80 || c >= 0xa0))) {
                return false;
            }
        }
        return true;
    }

    /** RFC 5322 atext, by US-ASCII code: every header rendered asks this of each character. */
    private static final boolean[] ATEXT = new boolean[128];

    static {
        for (char c = 'a'; c <= 'z'; c++) {
            ATEXT[c] = true;
            ATEXT[Character.toUpperCase(c)] = true;
        }
        for (char c = '0'; c <= '9'; c++) {
            ATEXT[c] = true;
        }
        for (char c : "!#$%&'*+-/=?^_`{|}~".toCharArray()) {
            ATEXT[c] = true;
        }
    }

    /** RFC 5322 atext. */
    static boolean isAtext(char c) {
        return c < 128 && ATEXT[c];
    }

    /** RFC 5322 dot-atom-text: atoms separated by single dots. */
    static boolean isDotAtom(String s) {
        if (s.isEmpty() || s.charAt(0) == '.' || s.charAt(s.length() - 1) == '.') {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '.') {
                if (s.charAt(i - 1) == '.') {
                    return false;
                }
            } else if (!isAtext(c)) {
                return false;
            }
        }
        return true;
    }

    /** RFC 2045 token: no space, control or tspecial. */
    static boolean isToken(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c <= 0x20 || c >= 0x7f || "()<>@,;:\\\"/[]?=".indexOf(c) >= 0) {
                return false;
            }
        }
        return true;
    }

    /** An RFC 5322 quoted-string of an already cleaned value. */
    static String quoted(String s) {
        return appendQuoted(new StringBuilder(s.length() + 2), s).toString();
    }

    /** {@link #quoted} written into {@code sb} (the header being rendered), without a string of its own. */
    static StringBuilder appendQuoted(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                sb.append('\\');
            }
            sb.append(c);
        }
        return sb.append('"');
    }

    /** A dot-atom as is, anything else quoted. */
    static String dotAtomOrQuoted(String raw) {
        return appendDotAtomOrQuoted(new StringBuilder(), raw).toString();
    }

    /** {@link #dotAtomOrQuoted} written into {@code sb}. */
    static StringBuilder appendDotAtomOrQuoted(StringBuilder sb, String raw) {
        String s = clean(raw);
        return isDotAtom(s) ? sb.append(s) : appendQuoted(sb, s);
    }

    /** A comment's text: parentheses and backslashes escaped as quoted-pairs. */
    static String commentText(String raw) {
        return appendCommentText(new StringBuilder(), raw).toString();
    }

    /** {@link #commentText} written into {@code sb}. */
    static StringBuilder appendCommentText(StringBuilder sb, String raw) {
        String s = clean(raw);
        if (noCommentSpecial(s)) {
            return sb.append(s);
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '(' || c == ')' || c == '\\') {
                sb.append('\\');
            }
            sb.append(c);
        }
        return sb;
    }

    private static boolean noCommentSpecial(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '(' || c == ')' || c == '\\') {
                return false;
            }
        }
        return true;
    }
}
