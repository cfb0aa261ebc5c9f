package dev.gatekeeper.dmarc;

import java.util.Optional;

/**
 * Identifier alignment modes (RFC 7489 §3.1, tags {@code adkim} and {@code aspf}): strict wants
 * the authenticated domain to equal the author domain; relaxed is content with the same
 * Organizational Domain.
 */
public enum Alignment {
    RELAXED,
    STRICT;

    /** The tag value: {@code r} or {@code s}. */
    public String keyword() {
        return this == STRICT ? "s" : "r";
    }

    /** Parses {@code r} or {@code s}, case-insensitively; empty when invalid. */
    static Optional<Alignment> fromKeyword(String value) {
        if (value.equalsIgnoreCase("r")) {
            return Optional.of(RELAXED);
        }
        if (value.equalsIgnoreCase("s")) {
            return Optional.of(STRICT);
        }
        return Optional.empty();
    }
}
