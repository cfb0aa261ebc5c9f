package dev.gatekeeper.dmarc;

import java.util.Objects;

/**
 * One DKIM signature's verdict as DMARC needs it (RFC 7489 §3.1.1, §4.2): the signing domain
 * ({@code d=}) and whether the signature verified. A DKIM verifier's richer result maps onto
 * this: {@code pass} is passed, every other result (fail, neutral, policy, temperror, permerror)
 * is not, since DMARC only counts verified signatures.
 */
public final class DkimEvidence {

    private final String domain;
    private final boolean passed;

    private DkimEvidence(String domain, boolean passed) {
        this.domain = Objects.requireNonNull(domain, "domain");
        this.passed = passed;
    }

    /** A signature by {@code domain} (the {@code d=} tag) that verified ({@code passed}) or not. */
    public static DkimEvidence of(String domain, boolean passed) {
        return new DkimEvidence(domain, passed);
    }

    /** A signature by {@code domain} that verified. */
    public static DkimEvidence pass(String domain) {
        return new DkimEvidence(domain, true);
    }

    /** A signature by {@code domain} that did not verify. */
    public static DkimEvidence fail(String domain) {
        return new DkimEvidence(domain, false);
    }

    /** The {@code d=} domain as the signature gave it. */
    public String domain() {
        return domain;
    }

    public boolean passed() {
        return passed;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DkimEvidence && ((DkimEvidence) o).domain.equals(domain) && ((DkimEvidence) o).passed == passed;
    }

    @Override
    public int hashCode() {
        return Objects.hash(domain, passed);
    }

    @Override
    public String toString() {
        return "dkim=" + (passed ? "pass" : "fail") + " header.d=" + domain;
    }
}
