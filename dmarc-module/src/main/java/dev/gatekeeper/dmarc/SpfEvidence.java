package dev.gatekeeper.dmarc;

import java.util.Locale;
import java.util.Objects;

/**
 * The SPF check DMARC builds on (RFC 7489 §3.1.2, §4.2): the domain SPF checked, which is the
 * RFC5321.MailFrom domain (for the null reverse-path, the HELO domain that RFC 7208 §2.4 checks
 * in its place), and whether the result was {@code pass}. Any other SPF result counts for
 * nothing in DMARC, so this value keeps the result only as a flag; it takes the SPF result
 * keyword so that the SPF module's result maps onto it without this module depending on it.
 */
public final class SpfEvidence {

    private static final SpfEvidence NONE = new SpfEvidence("", false);

    private final String domain;
    private final boolean passed;

    private SpfEvidence(String domain, boolean passed) {
        this.domain = domain;
        this.passed = passed;
    }

    /**
     * The SPF result ({@code pass}, {@code fail}, ..., as RFC 7208 §2.6 names them,
     * case-insensitively) for the domain SPF checked.
     */
    public static SpfEvidence of(String domain, String result) {
        Objects.requireNonNull(domain, "domain");
        return new SpfEvidence(domain, result.trim().toLowerCase(Locale.ROOT).equals("pass"));
    }

    /** An SPF pass for {@code domain}. */
    public static SpfEvidence pass(String domain) {
        return new SpfEvidence(Objects.requireNonNull(domain, "domain"), true);
    }

    /** No SPF check was made (or its result is unknown). */
    public static SpfEvidence none() {
        return NONE;
    }

    /** The domain SPF checked; empty for {@link #none()}. */
    public String domain() {
        return domain;
    }

    public boolean passed() {
        return passed;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SpfEvidence && ((SpfEvidence) o).domain.equals(domain) && ((SpfEvidence) o).passed == passed;
    }

    @Override
    public int hashCode() {
        return Objects.hash(domain, passed);
    }

    @Override
    public String toString() {
        return "spf=" + (passed ? "pass" : "not-pass") + " smtp.mailfrom=" + domain;
    }
}
