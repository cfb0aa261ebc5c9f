package dev.gatekeeper.spf;

import java.util.Objects;
import java.util.Optional;

/**
 * Reads whose {@code Authentication-Results} field a header field is (RFC 8601 §2.2), so that a
 * border MTA can find the fields that claim its own authserv-id and that it therefore did not
 * write itself (RFC 8601 §5: such a field MUST be removed, or renamed so it is no longer
 * recognised, before the MTA adds its own).
 *
 * <pre>
 * authres-header = "Authentication-Results:" [CFWS] authserv-id
 *                  [ CFWS authres-version ] ( no-result / 1*resinfo ) [CFWS] CRLF
 * authserv-id    = value                  ; RFC 2045: token / quoted-string
 * authres-version = 1*DIGIT [CFWS]
 * no-result / resinfo start with [CFWS] ";"
 * </pre>
 *
 * <p>The field body may be folded (its line breaks are read as folding white space) and hold
 * comments, nested ones included, anywhere CFWS is allowed. The authserv-id parses when it is a
 * token or a quoted-string followed by nothing, by {@code ;}, or by a version and then
 * {@code ;}; a body that does not begin so (an unbalanced comment or quote, a character that
 * cannot end a token, an empty body) has no authserv-id, and its field is nobody's. Two liberties
 * beyond the grammar, both of which can only make more fields count as a claim: a version right
 * after a closing quote ({@code "mx.example.org"1;}) and a body that ends after the authserv-id
 * (no {@code ;} at all). Octets above US-ASCII are taken as token characters (RFC 6532). Nothing
 * here knows James.
 */
public final class AuthenticationResultsField {

    private AuthenticationResultsField() {
    }

    /**
     * Whether a field name is {@code Authentication-Results}, in any case. White space between the
     * name and the colon (RFC 5322 §4.5.8's obsolete syntax, which readers accept and javax.mail
     * strips) is allowed; any other name, {@code X-Authentication-Results} or
     * {@code Authentication-Results-Original}, is not this field.
     *
     * @param name the octets before the colon, as characters
     */
    public static boolean isAuthenticationResults(CharSequence name) {
        Objects.requireNonNull(name, "name");
        int end = name.length();
        while (end > 0 && isWsp(name.charAt(end - 1))) {
            end--;
        }
        return asciiEqualsIgnoreCase(name, 0, end, AuthenticationResultsSpf.HEADER_NAME);
    }

    /**
     * The authserv-id of a field body (what follows the colon, folded or not), unquoted: a
     * quoted-string's quotes and quoted-pairs are undone, its folding line breaks removed. Empty
     * when the body does not parse.
     */
    public static Optional<String> authservId(CharSequence body) {
        Objects.requireNonNull(body, "body");
        int len = body.length();
        int i = skipCfws(body, 0);
        if (i < 0 || i >= len) {
            return Optional.empty();
        }
        String id;
        if (body.charAt(i) == '"') {
            StringBuilder sb = new StringBuilder();
            i++;
            boolean closed = false;
            while (i < len && !closed) {
                char c = body.charAt(i);
                if (c == '\\') {
                    if (i + 1 >= len) {
                        return Optional.empty();
                    }
                    sb.append(body.charAt(i + 1));
                    i += 2;
                } else if (c == '"') {
                    closed = true;
                    i++;
                } else {
                    // Unfolding (RFC 5322 §2.2.3) removes the line break, not the white space after it.
                    if (c != '\r' && c != '\n') {
                        sb.append(c);
                    }
                    i++;
                }
            }
            if (!closed) {
                return Optional.empty();
            }
            id = sb.toString();
        } else {
            int start = i;
            while (i < len && isTokenChar(body.charAt(i))) {
                i++;
            }
            if (i == start) {
                return Optional.empty();
            }
            id = body.subSequence(start, i).toString();
        }
        i = skipCfws(body, i);
        if (i < 0) {
            return Optional.empty();
        }
        // A token's own digits are part of it, so digits here follow CFWS or a closing quote.
        if (i < len && isDigit(body.charAt(i))) {
            while (i < len && isDigit(body.charAt(i))) {
                i++;
            }
            i = skipCfws(body, i);
            if (i < 0) {
                return Optional.empty();
            }
        }
        if (i < len && body.charAt(i) != ';') {
            return Optional.empty();
        }
        return Optional.of(id);
    }

    /**
     * Whether the body's authserv-id is {@code authservId}, compared case-insensitively in
     * US-ASCII (a look-alike such as {@code mx.example.org.evil} or {@code evil.mx.example.org} is
     * another id). A body without an authserv-id claims nothing.
     */
    public static boolean claims(CharSequence body, String authservId) {
        Objects.requireNonNull(authservId, "authservId");
        return authservId(body).map(id -> asciiEqualsIgnoreCase(id, 0, id.length(), authservId)).orElse(false);
    }

    /** Past folding white space and comments (nested, with quoted-pairs) from {@code i}; -1 for an unclosed comment. */
    private static int skipCfws(CharSequence s, int i) {
        int len = s.length();
        while (i < len) {
            char c = s.charAt(i);
            if (isWsp(c) || c == '\r' || c == '\n') {
                i++;
            } else if (c == '(') {
                int depth = 0;
                do {
                    char d = s.charAt(i);
                    if (d == '\\') {
                        i++;
                    } else if (d == '(') {
                        depth++;
                    } else if (d == ')') {
                        depth--;
                    }
                    i++;
                } while (depth > 0 && i < len);
                if (depth > 0) {
                    return -1;
                }
            } else {
                break;
            }
        }
        return i;
    }

    /** RFC 2045 token: any character but space, controls and tspecials; above US-ASCII allowed (RFC 6532). */
    private static boolean isTokenChar(char c) {
        return c > 0x20 && c != 0x7f && "()<>@,;:\\\"/[]?=".indexOf(c) < 0;
    }

    private static boolean isWsp(char c) {
        return c == ' ' || c == '\t';
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    /**
     * Case folding of A-Z only: {@link String#equalsIgnoreCase} would also take the Kelvin sign
     * (U+212A) for {@code k}, which no reader of the field does.
     */
    private static boolean asciiEqualsIgnoreCase(CharSequence s, int from, int to, String other) {
        if (to - from != other.length()) {
            return false;
        }
        for (int i = 0; i < other.length(); i++) {
            if (lower(s.charAt(from + i)) != lower(other.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    private static char lower(char c) {
        return c >= 'A' && c <= 'Z' ? (char) (c + 32) : c;
    }
}
