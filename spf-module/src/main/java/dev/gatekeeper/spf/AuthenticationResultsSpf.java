package dev.gatekeeper.spf;

import java.util.Objects;

/**
 * The {@code spf} method of an {@code Authentication-Results} header (RFC 8601 §2.7.2), e.g.
 * {@code spf=pass smtp.mailfrom=alice@example.com} or {@code spf=none smtp.helo=mail.example.com}.
 * Errors carry their problem as {@code reason}. No CR, LF or control character is emitted.
 */
public final class AuthenticationResultsSpf {

    public static final String HEADER_NAME = "Authentication-Results";

    private AuthenticationResultsSpf() {
    }

    /** The resinfo for a verdict; permerror and temperror carry their problem as reason. */
    public static String resinfo(SpfVerdict verdict) {
        return resinfo(verdict, verdict.problem().orElse(null));
    }

    /** The resinfo with an explicit reason (null or empty for none). */
    public static String resinfo(SpfVerdict verdict, String reason) {
        Objects.requireNonNull(verdict, "verdict");
        StringBuilder sb = new StringBuilder(96).append("spf=").append(verdict.result().keyword());
        String why = HeaderText.clean(reason);
        if (!why.isEmpty()) {
            HeaderText.appendQuoted(sb.append(" reason="), why);
        }
        if (verdict.identity() == SpfIdentity.MAILFROM) {
            sb.append(" smtp.mailfrom=").append(mailbox(verdict.sender(), verdict.domain()));
        } else {
            sb.append(" smtp.helo=").append(value(verdict.helo()));
        }
        return sb.toString();
    }

    /** The field body: {@code authserv-id; spf=...}. */
    public static String headerValue(String authservId, SpfVerdict verdict) {
        return value(authservId) + "; " + resinfo(verdict);
    }

    /** The whole field: {@code Authentication-Results: authserv-id; spf=...}, without CRLF. */
    public static String header(String authservId, SpfVerdict verdict) {
        return HEADER_NAME + ": " + headerValue(authservId, verdict);
    }

    /** A token as is, anything else as a quoted-string (RFC 8601 value). */
    private static String value(String raw) {
        String s = HeaderText.clean(raw);
        return HeaderText.isToken(s) ? s : HeaderText.quoted(s);
    }

    /** pvalue = [ local-part "@" ] domain-name; a local part that is no dot-atom is quoted. */
    private static String mailbox(String sender, String domain) {
        String s = HeaderText.clean(sender);
        int at = s.lastIndexOf('@');
        if (at <= 0) {
            return value(domain);
        }
        String local = s.substring(0, at);
        String dom = s.substring(at + 1);
        if (!HeaderText.isDotAtom(dom)) {
            return value(s);
        }
        return (HeaderText.isDotAtom(local) ? local : HeaderText.quoted(local)) + "@" + dom;
    }
}
