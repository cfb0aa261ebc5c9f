package dev.gatekeeper.dmarc;

import java.util.Locale;
import java.util.Objects;

/**
 * SPF's result as an aggregate report gives it, uninterpreted by DMARC (RFC 7489 Appendix C,
 * {@code SPFAuthResultType}): the domain checked, whether it was the MAIL FROM or the HELO
 * identity, and the RFC 7208 §2.6 result. Immutable.
 */
public final class SpfAuthResult {

    /** Which identity SPF checked (Appendix C {@code SPFDomainScope}). */
    public enum Scope {
        MFROM,
        HELO;

        public String keyword() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** RFC 7208 §2.6's results (Appendix C {@code SPFResultType}). */
    public enum Result {
        NONE,
        NEUTRAL,
        PASS,
        FAIL,
        SOFTFAIL,
        TEMPERROR,
        PERMERROR;

        public String keyword() {
            return name().toLowerCase(Locale.ROOT);
        }

        /**
         * The result of a keyword as RFC 7208 §2.6 (and the SPF module) spells it,
         * case-insensitively.
         *
         * @throws IllegalArgumentException for any other word
         */
        public static Result fromKeyword(String keyword) {
            for (Result r : values()) {
                if (r.keyword().equalsIgnoreCase(keyword.trim())) {
                    return r;
                }
            }
            throw new IllegalArgumentException("not an SPF result: " + keyword);
        }
    }

    private final String domain;
    private final Scope scope;
    private final Result result;

    private SpfAuthResult(String domain, Scope scope, Result result) {
        this.domain = Objects.requireNonNull(domain, "domain").toLowerCase(Locale.ROOT);
        this.scope = Objects.requireNonNull(scope, "scope");
        this.result = Objects.requireNonNull(result, "result");
    }

    public static SpfAuthResult of(String domain, Scope scope, Result result) {
        return new SpfAuthResult(domain, scope, result);
    }

    /** SPF of the MAIL FROM domain, the result given as its keyword ({@code pass}, {@code softfail}, ...). */
    public static SpfAuthResult mailFrom(String domain, String result) {
        return new SpfAuthResult(domain, Scope.MFROM, Result.fromKeyword(result));
    }

    /** SPF of the HELO name, checked in place of the null reverse-path (RFC 7208 §2.4). */
    public static SpfAuthResult helo(String domain, String result) {
        return new SpfAuthResult(domain, Scope.HELO, Result.fromKeyword(result));
    }

    public String domain() {
        return domain;
    }

    public Scope scope() {
        return scope;
    }

    public Result result() {
        return result;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof SpfAuthResult)) {
            return false;
        }
        SpfAuthResult other = (SpfAuthResult) o;
        return domain.equals(other.domain) && scope == other.scope && result == other.result;
    }

    @Override
    public int hashCode() {
        return Objects.hash(domain, scope, result);
    }

    @Override
    public String toString() {
        return "spf=" + result.keyword() + " " + scope.keyword() + "=" + domain;
    }
}
