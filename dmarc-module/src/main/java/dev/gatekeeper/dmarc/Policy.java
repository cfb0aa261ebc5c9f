package dev.gatekeeper.dmarc;

import java.util.Locale;
import java.util.Optional;

/**
 * What a Domain Owner asks receivers to do with mail that fails DMARC (RFC 7489 §6.3, tags
 * {@code p}, {@code sp} and RFC 9091's {@code np}), and also what a receiver ends up doing once
 * {@code pct} sampling is applied (RFC 7489 §6.6.4), the "disposition". Ordered from the mildest
 * to the strictest, which {@link #stricterThan} relies on.
 */
public enum Policy {
    NONE,
    QUARANTINE,
    REJECT;

    /** The keyword as a DMARC record and an Authentication-Results field write it. */
    public String keyword() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** True when this policy asks for more than {@code other}. */
    public boolean stricterThan(Policy other) {
        return compareTo(other) > 0;
    }

    /**
     * The policy one step milder: RFC 7489 §6.6.4 says mail not selected by {@code pct} is
     * treated as if the next milder policy applied (reject becomes quarantine, quarantine none).
     */
    Policy milder() {
        return this == NONE ? NONE : values()[ordinal() - 1];
    }

    /** Parses a tag value as RFC 7489 §6.3 spells it, case-insensitively; empty when invalid. */
    static Optional<Policy> fromKeyword(String value) {
        switch (value.toLowerCase(Locale.ROOT)) {
            case "none":
                return Optional.of(NONE);
            case "quarantine":
                return Optional.of(QUARANTINE);
            case "reject":
                return Optional.of(REJECT);
            default:
                return Optional.empty();
        }
    }
}
