package dev.gatekeeper.dkim;

import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * One DKIM-Signature's result: a status, the reason when it is not a pass, and what the
 * signature claimed (d=, s=, i=, a=, b=) as far as it could be read. Immutable.
 *
 * <p>{@link #resinfo()} renders it for an Authentication-Results field (RFC 8601):
 * {@code dkim=pass header.d=example.org header.s=sel header.b=abcdefgh}.
 */
public final class DkimResult {

    /**
     * RFC 6008 §4: header.b carries enough of b= to tell a message's signatures apart; at least
     * 8 characters is its recommendation.
     */
    public static final int HEADER_B_LENGTH = 8;

    private final DkimStatus status;
    private final DkimReason reason;
    private final String detail;
    private final String domain;
    private final String selector;
    private final String identity;
    private final String algorithm;
    private final String signatureData;
    private final boolean testing;
    private final long bodyLengthLimit;
    private final long uncoveredBodyOctets;

    private DkimResult(DkimStatus status, DkimReason reason, String detail, Claims claims, boolean testing,
            long uncoveredBodyOctets) {
        this.status = status;
        this.reason = reason;
        this.detail = detail;
        this.domain = claims.domain;
        this.selector = claims.selector;
        this.identity = claims.identity;
        this.algorithm = claims.algorithm;
        this.signatureData = claims.signatureData;
        this.testing = testing;
        this.bodyLengthLimit = claims.bodyLength;
        this.uncoveredBodyOctets = uncoveredBodyOctets;
    }

    static DkimResult pass(Claims claims, boolean testing, long uncoveredBodyOctets) {
        return new DkimResult(DkimStatus.PASS, null, "", claims, testing, uncoveredBodyOctets);
    }

    static DkimResult of(DkimReason reason, String detail, Claims claims, boolean testing) {
        return new DkimResult(reason.status(), reason, Objects.requireNonNull(detail), claims, testing, 0);
    }

    public DkimStatus status() {
        return status;
    }

    /** Why the signature did not pass; empty for a pass. */
    public Optional<DkimReason> reason() {
        return Optional.ofNullable(reason);
    }

    /** More about the reason, for logs ("h= does not include From", "timed out ..."); may be empty. */
    public String detail() {
        return detail;
    }

    /** d=, or empty when the signature could not be read that far. */
    public String domain() {
        return domain;
    }

    /** s=, or empty. */
    public String selector() {
        return selector;
    }

    /** i= (or its default, "@" + d=), or empty. */
    public String identity() {
        return identity;
    }

    /** a= as written, or empty. */
    public String algorithm() {
        return algorithm;
    }

    /** b= without whitespace, or empty. */
    public String signatureData() {
        return signatureData;
    }

    /** The key record said t=y: RFC 6376 §3.6.1 asks that such mail be treated as unsigned. */
    public boolean testing() {
        return testing;
    }

    /** l= when the signature had one. */
    public OptionalLong bodyLengthLimit() {
        return bodyLengthLimit < 0 ? OptionalLong.empty() : OptionalLong.of(bodyLengthLimit);
    }

    /**
     * Canonical body octets after l= that the signature does not cover (RFC 6376 §8.2: content
     * appended after signing passes unnoticed); 0 when the whole body is covered.
     */
    public long uncoveredBodyOctets() {
        return uncoveredBodyOctets;
    }

    /**
     * The result as an RFC 8601 resinfo (without the leading "; "): the method and result, a
     * reason when there is one, and header.d, header.s and header.b (RFC 6008) when known.
     */
    public String resinfo() {
        StringBuilder sb = new StringBuilder("dkim=").append(status.keyword());
        String why = reasonText();
        if (!why.isEmpty()) {
            sb.append(" reason=").append(AuthResValue.of(why));
        }
        if (!domain.isEmpty()) {
            sb.append(" header.d=").append(AuthResValue.of(domain));
        }
        if (!selector.isEmpty()) {
            sb.append(" header.s=").append(AuthResValue.of(selector));
        }
        if (!signatureData.isEmpty()) {
            sb.append(" header.b=").append(AuthResValue.of(
                    signatureData.substring(0, Math.min(HEADER_B_LENGTH, signatureData.length()))));
        }
        return sb.toString();
    }

    private String reasonText() {
        if (reason != null) {
            return reason.text();
        }
        if (uncoveredBodyOctets > 0) {
            return uncoveredBodyOctets + " body octets after l=" + bodyLengthLimit + " not signed";
        }
        return "";
    }

    @Override
    public String toString() {
        return resinfo() + (detail.isEmpty() ? "" : " (" + detail + ")") + (testing ? " [testing]" : "");
    }

    /** What a signature field claims, read as far as it goes; empty strings for what is unknown. */
    static final class Claims {
        static final Claims NONE = new Claims("", "", "", "", "", -1);

        final String domain;
        final String selector;
        final String identity;
        final String algorithm;
        final String signatureData;
        final long bodyLength;

        Claims(String domain, String selector, String identity, String algorithm, String signatureData, long bodyLength) {
            this.domain = domain;
            this.selector = selector;
            this.identity = identity;
            this.algorithm = algorithm;
            this.signatureData = signatureData;
            this.bodyLength = bodyLength;
        }

        static Claims of(DkimSignature s) {
            return new Claims(s.domain, s.selector, s.identity, s.algorithmText, s.signatureBase64, s.bodyLength);
        }

        /** Best effort for a field that is not a valid signature: whatever its tags say. */
        static Claims guess(String fieldValue) {
            try {
                TagList t = TagList.parse(fieldValue);
                return new Claims(printable(t.get("d")), printable(t.get("s")), printable(t.get("i")),
                        printable(t.get("a")), printable(t.get("b") == null ? null : TagList.withoutFws(t.get("b"))), -1);
            } catch (DkimSyntaxException e) {
                return NONE;
            }
        }

        /** Only what can go into a header unquoted or quoted safely. */
        private static String printable(String v) {
            if (v == null) {
                return "";
            }
            String s = TagList.withoutFws(v);
            for (int i = 0; i < s.length(); i++) {
                if (s.charAt(i) < 0x21 || s.charAt(i) > 0x7e) {
                    return "";
                }
            }
            return s;
        }
    }
}
