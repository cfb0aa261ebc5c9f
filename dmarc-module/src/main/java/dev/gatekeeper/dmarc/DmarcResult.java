package dev.gatekeeper.dmarc;

import java.util.Objects;
import java.util.Optional;

/**
 * The DMARC verdict on one message: the {@link DmarcOutcome outcome}, the author domain, the
 * record used and where it was found, the policy it asks for (RFC 7489 §6.3 {@code p}, {@code sp}
 * for a subdomain, RFC 9091 {@code np} for a non-existent one), and the disposition once
 * {@code pct} sampling has been applied (§6.6.4). {@link #authenticationResults()} renders the
 * resinfo of an RFC 8601 Authentication-Results field (§11.2 registers the method).
 *
 * <p>Immutable.
 */
public final class DmarcResult {

    private final DmarcOutcome outcome;
    private final String authorDomain;
    private final String policyDomain;
    private final DmarcRecord record;
    private final Policy policy;
    private final Policy disposition;
    private final boolean spfAligned;
    private final boolean dkimAligned;
    private final String reason;

    private DmarcResult(DmarcOutcome outcome, String authorDomain, String policyDomain, DmarcRecord record,
            Policy policy, Policy disposition, boolean spfAligned, boolean dkimAligned, String reason) {
        this.outcome = outcome;
        this.authorDomain = authorDomain;
        this.policyDomain = policyDomain;
        this.record = record;
        this.policy = policy;
        this.disposition = disposition;
        this.spfAligned = spfAligned;
        this.dkimAligned = dkimAligned;
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    /** No usable From field: nothing to evaluate. */
    static DmarcResult permerror(String reason) {
        return new DmarcResult(DmarcOutcome.PERMERROR, "", "", null, null, Policy.NONE, false, false, reason);
    }

    static DmarcResult temperror(String authorDomain, String reason) {
        return new DmarcResult(DmarcOutcome.TEMPERROR, authorDomain, "", null, null, Policy.NONE, false, false, reason);
    }

    static DmarcResult none(String authorDomain, String reason) {
        return new DmarcResult(DmarcOutcome.NONE, authorDomain, "", null, null, Policy.NONE, false, false, reason);
    }

    /** A record applied: pass when an identifier aligned, fail otherwise. */
    static DmarcResult evaluated(String authorDomain, String policyDomain, DmarcRecord record, Policy policy,
            Policy disposition, boolean spfAligned, boolean dkimAligned, String reason) {
        DmarcOutcome outcome = spfAligned || dkimAligned ? DmarcOutcome.PASS : DmarcOutcome.FAIL;
        return new DmarcResult(outcome, authorDomain, policyDomain, record, policy,
                outcome == DmarcOutcome.PASS ? Policy.NONE : disposition, spfAligned, dkimAligned, reason);
    }

    /** The same result with a reason that says more. */
    DmarcResult withReason(String value) {
        return new DmarcResult(outcome, authorDomain, policyDomain, record, policy, disposition, spfAligned, dkimAligned, value);
    }

    public DmarcOutcome outcome() {
        return outcome;
    }

    /** The author domain evaluated (A-labels, lower case); empty for a permerror. */
    public String authorDomain() {
        return authorDomain;
    }

    /**
     * Where the record was found: the author domain or its Organizational Domain (RFC 7489
     * §6.6.3 step 3); empty when no record was applied.
     */
    public String policyDomain() {
        return policyDomain;
    }

    /** The record applied; empty for none, temperror and permerror. */
    public Optional<DmarcRecord> record() {
        return Optional.ofNullable(record);
    }

    /** The policy the record asks for this author domain ({@code p}, {@code sp} or {@code np}); empty when no record was applied. */
    public Optional<Policy> policy() {
        return Optional.ofNullable(policy);
    }

    /**
     * What a receiver following the record does: for a fail, the policy, or the next milder one
     * when {@code pct} sampling left the message out (RFC 7489 §6.6.4); {@link Policy#NONE} for
     * every other outcome. A temperror's handling (defer or accept) is the receiver's choice, §6.6.3.
     */
    public Policy disposition() {
        return disposition;
    }

    /** Whether SPF passed for a domain aligned with the author domain (RFC 7489 §3.1.2). */
    public boolean spfAligned() {
        return spfAligned;
    }

    /** Whether a verified DKIM signature's d= is aligned with the author domain (RFC 7489 §3.1.1). */
    public boolean dkimAligned() {
        return dkimAligned;
    }

    /** Why this outcome, for logs and the Authentication-Results comment. */
    public String reason() {
        return reason;
    }

    /**
     * The Authentication-Results resinfo (RFC 8601 §2.2, the method and property of RFC 7489
     * §11.2), e.g. {@code dmarc=fail (p=reject dis=reject) header.from=example.com}. The comment
     * gives the policy and the disposition when a record was applied, the reason otherwise.
     */
    public String authenticationResults() {
        StringBuilder out = new StringBuilder("dmarc=").append(outcome.keyword());
        if (policy != null) {
            out.append(" (p=").append(policy.keyword()).append(" dis=").append(disposition.keyword()).append(')');
        } else if (!reason.isEmpty()) {
            out.append(" (").append(commentText(reason)).append(')');
        }
        if (!authorDomain.isEmpty()) {
            out.append(" header.from=").append(authorDomain);
        }
        return out.toString();
    }

    /** RFC 5322 §3.2.2 ctext: no parentheses, backslashes or control characters in a comment. */
    private static String commentText(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length() && out.length() < 200; i++) {
            char c = text.charAt(i);
            if (c == '(' || c == '[') {
                out.append('[');
            } else if (c == ')' || c == ']') {
                out.append(']');
            } else if (c == '\\' || c < 0x20 || c == 0x7f) {
                out.append('?');
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    @Override
    public String toString() {
        return authenticationResults() + " [" + reason + "]";
    }
}
