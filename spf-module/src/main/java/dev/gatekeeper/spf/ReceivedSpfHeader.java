package dev.gatekeeper.spf;

import java.util.Objects;

/**
 * The {@code Received-SPF} trace header of RFC 7208 §9.1 for one verdict, e.g.
 * <pre>Received-SPF: pass (mx.example.org: domain of alice@example.com designates 192.0.2.1 as permitted sender) client-ip=192.0.2.1; envelope-from=alice@example.com; helo=mail.example.com; receiver=mx.example.org; identity=mailfrom; mechanism="ip4:192.0.2.0/24"</pre>
 * Values that are not dot-atoms are quoted; no CR, LF or other control character is ever emitted,
 * and the header is one unfolded line (the mail store folds it if it must).
 */
public final class ReceivedSpfHeader {

    public static final String NAME = "Received-SPF";

    private final String value;

    private ReceivedSpfHeader(String value) {
        this.value = value;
    }

    /** The header for a verdict, naming the receiving host (the evaluator's %{r}, usually the server's name). */
    public static ReceivedSpfHeader of(SpfVerdict verdict, String receiver) {
        return new ReceivedSpfHeader(appendValue(new StringBuilder(256), verdict, receiver).toString());
    }

    /**
     * The whole field, {@code Received-SPF: } and the value, in one string (for a header section
     * written out at once, without a copy of the value).
     */
    public static String field(SpfVerdict verdict, String receiver) {
        return appendValue(new StringBuilder(256).append(NAME).append(": "), verdict, receiver).toString();
    }

    private static StringBuilder appendValue(StringBuilder sb, SpfVerdict verdict, String receiver) {
        Objects.requireNonNull(verdict, "verdict");
        // A receiver name with nothing to clean (the server's name) is not copied; the client's
        // address is put into words once, for the comment and for client-ip.
        String recv = HeaderText.clean(receiver == null || receiver.isEmpty() ? "unknown" : receiver);
        String ip = verdict.clientIpText();
        sb.append(verdict.result().keyword()).append(" (");
        HeaderText.appendCommentText(sb, comment(verdict, recv, ip)).append(")");
        pair(sb, "client-ip", ip);
        if (verdict.identity() == SpfIdentity.MAILFROM && verdict.sender() != null) {
            pair(sb, "envelope-from", verdict.sender());
        }
        pair(sb, "helo", verdict.helo() == null ? "" : verdict.helo());
        pair(sb, "receiver", recv);
        pair(sb, "identity", verdict.identity().keyword());
        verdict.mechanism().ifPresent(m -> pair(sb, "mechanism", m));
        verdict.problem().ifPresent(p -> pair(sb, "problem", p));
        return sb;
    }

    private static void pair(StringBuilder sb, String key, String value) {
        if (sb.charAt(sb.length() - 1) == ')') {
            sb.append(' ');
        } else {
            sb.append("; ");
        }
        HeaderText.appendDotAtomOrQuoted(sb.append(key).append('='), value);
    }

    /** The comment wording of RFC 7208 §9.1's examples. */
    private static String comment(SpfVerdict v, String receiver, String ip) {
        String who = v.sender() == null ? "the sender" : v.sender();
        switch (v.result()) {
            case PASS:
                return receiver + ": domain of " + who + " designates " + ip + " as permitted sender";
            case FAIL:
                return receiver + ": domain of " + who + " does not designate " + ip + " as permitted sender";
            case SOFTFAIL:
                return receiver + ": transitioning domain of " + who + " does not designate " + ip + " as permitted sender";
            case NEUTRAL:
                return receiver + ": " + ip + " is neither permitted nor denied by domain of " + who;
            case NONE:
                return receiver + ": domain of " + who + " does not designate permitted sender hosts";
            case TEMPERROR:
                return receiver + ": temporary error in processing during lookup of " + who;
            case PERMERROR:
            default:
                return receiver + ": permanent error in processing domain of " + who;
        }
    }

    public String name() {
        return NAME;
    }

    /** The field body, without the name. */
    public String value() {
        return value;
    }

    /** The whole field, {@code Received-SPF: ...}, without CRLF. */
    @Override
    public String toString() {
        return NAME + ": " + value;
    }
}
