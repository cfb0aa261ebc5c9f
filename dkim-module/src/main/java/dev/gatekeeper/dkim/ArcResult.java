package dev.gatekeeper.dkim;

import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.stream.Collectors;

/**
 * The validation of a message's ARC chain (RFC 8617 §5.2): the status, why, the oldest-pass, and
 * the sets (hops) for a local policy to judge the sealers. Immutable.
 *
 * <p>{@link #resinfo(String)} renders it for Authentication-Results:
 * {@code arc=pass ("2 sets, sealed by b.example a.example") header.oldest-pass=0 smtp.remote-ip=127.0.0.1}.
 */
public final class ArcResult {

    private static final ArcResult NONE = new ArcResult(ArcStatus.NONE, "", 0, -1, List.of());

    private final ArcStatus status;
    private final String reason;
    private final int sets;
    private final int oldestPass;
    private final List<ArcHop> hops;

    private ArcResult(ArcStatus status, String reason, int sets, int oldestPass, List<ArcHop> hops) {
        this.status = status;
        this.reason = Objects.requireNonNull(reason);
        this.sets = sets;
        this.oldestPass = oldestPass;
        this.hops = List.copyOf(hops);
    }

    /** No ARC header fields (or no chain looked at). */
    public static ArcResult none() {
        return NONE;
    }

    static ArcResult pass(int sets, int oldestPass, List<ArcHop> hops) {
        return new ArcResult(ArcStatus.PASS, "", sets, oldestPass, hops);
    }

    static ArcResult fail(String reason, int sets, List<ArcHop> hops) {
        return new ArcResult(ArcStatus.FAIL, reason, sets, -1, hops);
    }

    static ArcResult temperror(String reason, int sets, List<ArcHop> hops) {
        return new ArcResult(ArcStatus.TEMPERROR, reason, sets, -1, hops);
    }

    public ArcStatus status() {
        return status;
    }

    /**
     * Why the chain did not pass ("ARC-Seal i=2: signature mismatch", "i=3 has no
     * ARC-Message-Signature", ...); empty for a pass or none.
     */
    public String reason() {
        return reason;
    }

    /** The number of ARC sets (the highest instance), 0 for none. */
    public int sets() {
        return sets;
    }

    /**
     * For a pass: the instance of the oldest ARC-Message-Signature that still verifies, all later
     * ones verifying too, or 0 when they all do (RFC 8617 §5.2, the {@code header.oldest-pass} of
     * §6). Empty unless the status is {@link ArcStatus#PASS}.
     */
    public OptionalInt oldestPass() {
        return oldestPass < 0 ? OptionalInt.empty() : OptionalInt.of(oldestPass);
    }

    /**
     * The sets, i=1 first, when the chain's structure was valid (also for a fail or temperror
     * found by a signature check); empty for none and for a malformed chain.
     */
    public List<ArcHop> hops() {
        return hops;
    }

    /** The sealers' domains (ARC-Seal d=), i=1 first; empty when {@link #hops()} is. */
    public List<String> sealerDomains() {
        return hops.stream().map(ArcHop::sealDomain).collect(Collectors.toUnmodifiableList());
    }

    /** {@link #resinfo(String)} without {@code smtp.remote-ip}. */
    public String resinfo() {
        return resinfo(null);
    }

    /**
     * The result as an RFC 8601 resinfo (without the leading "; "): {@code arc=} and the status, a
     * comment with the sealers or the reason, {@code header.oldest-pass} for a pass, and
     * {@code smtp.remote-ip} (RFC 8617 §6: the address this hop received the message from) when
     * given.
     *
     * @param remoteIp the SMTP client's address, or null
     */
    public String resinfo(String remoteIp) {
        StringBuilder sb = new StringBuilder("arc=").append(status.keyword());
        String comment = status == ArcStatus.PASS
                ? sets + (sets == 1 ? " set" : " sets") + ", sealed by " + String.join(" ", reversedSealers())
                : reason;
        if (!comment.isEmpty()) {
            sb.append(" (\"").append(commentText(comment)).append("\")");
        }
        if (status == ArcStatus.PASS) {
            sb.append(" header.oldest-pass=").append(oldestPass);
        }
        if (remoteIp != null && !remoteIp.isEmpty()) {
            sb.append(" smtp.remote-ip=").append(AuthResValue.of(remoteIp));
        }
        return sb.toString();
    }

    private List<String> reversedSealers() {
        List<String> d = new java.util.ArrayList<>(sealerDomains());
        java.util.Collections.reverse(d);
        return d;
    }

    /**
     * Text safe inside a quoted string inside a comment: RFC 5322 reads "(" and ")" in a comment as
     * nesting even between quotes, so they, quotes, backslashes and non-ASCII are replaced.
     */
    private static String commentText(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '(' || c == '[') {
                sb.append('[');
            } else if (c == ')' || c == ']') {
                sb.append(']');
            } else if (c == '"' || c == '\\') {
                sb.append('\'');
            } else if (c < 0x20 || c > 0x7e) {
                sb.append(' ');
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return resinfo();
    }
}
