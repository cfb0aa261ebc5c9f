package dev.gatekeeper.callout;

import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * What one callout verification concluded: a {@link CalloutResult} and what backs it. Immutable.
 *
 * <ul>
 *   <li>{@code rejected}: the peer's {@linkplain #replyCode() code}, {@linkplain #enhancedCode() enhanced
 *       code} and {@linkplain #replyText() text}, and the {@linkplain #host() host} that answered;</li>
 *   <li>{@code accepted}, {@code catch-all}, {@code probe-refused}: the host, and the reply that decided;</li>
 *   <li>{@code tempfail}, {@code probe-refused}, {@code invalid}, {@code skipped}, {@code null-mx},
 *       {@code no-mail-host}: a {@linkplain #reason() reason} in words.</li>
 * </ul>
 *
 * Texts coming from peers have had control characters removed, so they are safe in a log line or
 * an SMTP reply.
 */
public final class CalloutVerdict {

    /** Runs of white space in a peer's reply, folded to one space. */
    private static final Pattern WHITESPACE = Pattern.compile("\\s+");

    private final CalloutResult status;
    private final int replyCode;
    private final String enhancedCode;
    private final String replyText;
    private final String host;
    private final String reason;
    private final List<String> transcript;
    private final boolean cached;
    /**
     * {@link #replyLine()}, made on its first call. Not volatile: two threads may both make it,
     * and get equal strings; the cache hands out one verdict object, so it is made once per
     * cached answer rather than on every transaction that reads it.
     */
    private String replyLine;

    private CalloutVerdict(CalloutResult status, int replyCode, String enhancedCode, String replyText, String host,
            String reason, List<String> transcript, boolean cached) {
        this.status = Objects.requireNonNull(status, "status");
        this.replyCode = replyCode;
        this.enhancedCode = Objects.requireNonNull(enhancedCode, "enhancedCode");
        this.replyText = Objects.requireNonNull(replyText, "replyText");
        this.host = Objects.requireNonNull(host, "host");
        this.reason = Objects.requireNonNull(reason, "reason");
        this.transcript = List.copyOf(transcript);
        this.cached = cached;
    }

    static CalloutVerdict of(CalloutResult status, String reason) {
        return new CalloutVerdict(status, 0, "", "", "", reason, List.of(), false);
    }

    /** An outcome decided by a peer's reply. */
    static CalloutVerdict fromReply(CalloutResult status, PeerReply reply, String host, String reason) {
        return new CalloutVerdict(status, reply.code(), reply.enhancedCode(), reply.text(), host, reason, List.of(),
                false);
    }

    /** An outcome read back from the shared store (without its transcript). */
    static CalloutVerdict restored(CalloutResult status, int replyCode, String enhancedCode, String replyText, String host,
            String reason) {
        return new CalloutVerdict(status, replyCode, enhancedCode, replyText, host, reason, List.of(), false);
    }

    /** A temporary failure: nothing definite learned. */
    public static CalloutVerdict tempfail(String reason) {
        return of(CalloutResult.TEMPFAIL, reason);
    }

    /** Not probed because a rule said so. */
    public static CalloutVerdict skipped(String reason) {
        return of(CalloutResult.SKIPPED, reason);
    }

    public CalloutResult status() {
        return status;
    }

    /** The peer's reply code that decided the outcome (e.g. 550); 0 when no reply decided it. */
    public int replyCode() {
        return replyCode;
    }

    /** The RFC 3463 enhanced status code of that reply ({@code 5.1.1}); empty when the peer gave none. */
    public String enhancedCode() {
        return enhancedCode;
    }

    /** The text of that reply without code and enhanced code, lines joined by a space; empty when none. */
    public String replyText() {
        return replyText;
    }

    /**
     * The deciding reply as one line, {@code 550 5.1.1 no such user}: code, enhanced code and
     * text, runs of white space folded to one space; empty when no reply decided.
     */
    public String replyLine() {
        String line = replyLine;
        if (line == null) {
            line = replyCode == 0 ? ""
                    : WHITESPACE.matcher(replyCode + " " + enhancedCode + " " + replyText).replaceAll(" ").trim();
            replyLine = line;
        }
        return line;
    }

    /** The host that answered, as {@code name [address]}; empty when no host answered. */
    public String host() {
        return host;
    }

    /** Why: the reason for tempfail, probe-refused, invalid, skipped, null-mx and no-mail-host; may be empty. */
    public String reason() {
        return reason;
    }

    /** The SMTP dialogue, {@code C: } and {@code S: } lines, when transcripts are enabled; else empty. */
    public List<String> transcript() {
        return transcript;
    }

    /** True when this outcome was answered from the cache rather than by a probe made for this request. */
    public boolean cached() {
        return cached;
    }

    CalloutVerdict withTranscript(List<String> lines) {
        return new CalloutVerdict(status, replyCode, enhancedCode, replyText, host, reason, lines, cached);
    }

    CalloutVerdict asCached() {
        if (cached) {
            return this;
        }
        CalloutVerdict c = new CalloutVerdict(status, replyCode, enhancedCode, replyText, host, reason, transcript, true);
        c.replyLine = replyLine;
        return c;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof CalloutVerdict)) {
            return false;
        }
        CalloutVerdict other = (CalloutVerdict) o;
        return status == other.status && replyCode == other.replyCode && enhancedCode.equals(other.enhancedCode)
                && replyText.equals(other.replyText) && host.equals(other.host) && reason.equals(other.reason)
                && transcript.equals(other.transcript) && cached == other.cached;
    }

    @Override
    public int hashCode() {
        return Objects.hash(status, replyCode, enhancedCode, replyText, host, reason, transcript, cached);
    }

    /** One line: {@code rejected 550 5.1.1 "no such user" from mx.example.com [192.0.2.1]}. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(status.keyword());
        if (replyCode != 0) {
            sb.append(' ').append(replyCode);
            if (!enhancedCode.isEmpty()) {
                sb.append(' ').append(enhancedCode);
            }
            sb.append(" \"").append(replyText).append('"');
        }
        if (!host.isEmpty()) {
            sb.append(" from ").append(host);
        }
        if (!reason.isEmpty()) {
            sb.append(" (").append(reason).append(')');
        }
        if (cached) {
            sb.append(" [cached]");
        }
        return sb.toString();
    }
}
