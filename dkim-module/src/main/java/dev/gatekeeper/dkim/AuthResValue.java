package dev.gatekeeper.dkim;

/**
 * A value of an Authentication-Results property: RFC 8601 §2.2 takes an RFC 2045 token or a
 * quoted-string. b= characters "/" and "=" are tspecials, so a header.b prefix may need quotes.
 */
final class AuthResValue {

    private static final String TSPECIALS = "()<>@,;:\\\"/[]?=";

    private AuthResValue() {
    }

    static String of(String value) {
        boolean token = !value.isEmpty();
        for (int i = 0; i < value.length() && token; i++) {
            char c = value.charAt(i);
            token = c > 0x20 && c < 0x7f && TSPECIALS.indexOf(c) < 0;
        }
        if (token) {
            return value;
        }
        StringBuilder sb = new StringBuilder("\"");
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '"' || c == '\\') {
                sb.append('\\');
            }
            if (c >= 0x20 && c < 0x7f) {
                sb.append(c);
            }
        }
        return sb.append('"').toString();
    }
}
