package dev.gatekeeper.spf;

/** Text helpers shared by the header renderers: nothing they emit contains CR, LF or other controls. */
final class HeaderText {

    /** Longest value copied into a header; a problem text or an address longer than this is cut. */
    static final int MAX_VALUE = 256;

    private HeaderText() {
    }

    /** Drops C0 and C1 controls and DEL, and cuts at {@link #MAX_VALUE}. */
    static String clean(String s) {
        if (s == null) {
            return "";
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

    /** RFC 5322 atext. */
    static boolean isAtext(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || "!#$%&'*+-/=?^_`{|}~".indexOf(c) >= 0;
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
        StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                sb.append('\\');
            }
            sb.append(c);
        }
        return sb.append('"').toString();
    }

    /** A dot-atom as is, anything else quoted. */
    static String dotAtomOrQuoted(String raw) {
        String s = clean(raw);
        return isDotAtom(s) ? s : quoted(s);
    }

    /** A comment's text: parentheses and backslashes escaped as quoted-pairs. */
    static String commentText(String raw) {
        String s = clean(raw);
        StringBuilder sb = new StringBuilder(s.length() + 8);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '(' || c == ')' || c == '\\') {
                sb.append('\\');
            }
            sb.append(c);
        }
        return sb.toString();
    }
}
