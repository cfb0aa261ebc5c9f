package dev.gatekeeper.spf;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The header text helpers write into the header being rendered and do not copy a value with
 * nothing to clean; what they write must be what the string-returning versions they replace gave,
 * kept below as {@link Reference}, on odd values: controls, quotes, parentheses, backslashes,
 * non-ASCII, and values at, over and far over {@link HeaderText#MAX_VALUE}.
 */
class HeaderTextTest {

    private static List<String> oddValues() {
        List<String> values = new ArrayList<>(List.of("", "mx.example.net", "a", ".", "a..b", "a.b.", "alice@example.com",
                "\"a (b)\\\r\n\tX-Evil: 1\"@example.com", "evil\r\nX-Injected: yes", "2001:db8::1", "caf\u00e9\u0085\u00a0x",
                "\u007f\u0000(\\)", "x".repeat(256), "x".repeat(257), "(".repeat(300), "\r".repeat(10) + "y".repeat(256)));
        Random random = new Random(19);
        String alphabet = "ab.@ \"\\()\r\n\t\u007f\u0085\u00e9;=";
        for (int n = 0; n < 2000; n++) {
            StringBuilder sb = new StringBuilder();
            int length = random.nextInt(n % 10 == 0 ? 400 : 20);
            for (int i = 0; i < length; i++) {
                sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            values.add(sb.toString());
        }
        return values;
    }

    @Test
    void writesWhatTheCopyingVersionsGave() {
        for (String v : oddValues()) {
            assertThat(HeaderText.clean(v)).as(v).isEqualTo(Reference.clean(v));
            assertThat(HeaderText.appendCommentText(new StringBuilder("x"), v).toString()).as(v)
                    .isEqualTo("x" + Reference.commentText(v));
            assertThat(HeaderText.appendDotAtomOrQuoted(new StringBuilder("x"), v).toString()).as(v)
                    .isEqualTo("x" + Reference.dotAtomOrQuoted(v));
            String cleaned = Reference.clean(v);
            assertThat(HeaderText.appendQuoted(new StringBuilder("x"), cleaned).toString()).as(v)
                    .isEqualTo("x" + Reference.quoted(cleaned));
            assertThat(HeaderText.commentText(v)).isEqualTo(Reference.commentText(v));
            assertThat(HeaderText.dotAtomOrQuoted(v)).isEqualTo(Reference.dotAtomOrQuoted(v));
        }
    }

    @Test
    void atextIsTheTableOfRfc5322ForEveryCharacter() {
        for (char c = 0; c < 0x3000; c++) {
            assertThat(HeaderText.isAtext(c)).as("U+%04X", (int) c).isEqualTo(Reference.isAtext(c));
        }
    }

    @Test
    void cleanValueIsNotCopied() {
        String name = "mx.example.net";
        assertThat(HeaderText.clean(name)).isSameAs(name);
        assertThat(HeaderText.clean("x".repeat(257))).hasSize(HeaderText.MAX_VALUE);
    }

    /** The helpers as they were before they wrote into the header: each returned a new string. */
    private static final class Reference {
        /** Drops C0 and C1 controls and DEL, and cuts at {@link HeaderText#MAX_VALUE}. */
        static String clean(String s) {
            if (s == null) {
                return "";
            }
            StringBuilder sb = new StringBuilder(Math.min(s.length(), HeaderText.MAX_VALUE));
            for (int i = 0; i < s.length() && sb.length() < HeaderText.MAX_VALUE; i++) {
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
}
