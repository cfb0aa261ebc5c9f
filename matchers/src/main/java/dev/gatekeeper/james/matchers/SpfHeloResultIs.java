package dev.gatekeeper.james.matchers;

import dev.gatekeeper.spf.SpfIdentity;

/**
 * {@link SpfResultIs} for the HELO identity (RFC 7208 §2.3): {@code SpfHeloResultIs=fail}. Reads
 * {@code dev.gatekeeper.spf.helo}, or evaluates the HELO name James recorded
 * ({@code org.apache.james.HELO}); a mail without one does not match.
 */
public class SpfHeloResultIs extends SpfResultIs {

    @Override
    SpfIdentity identity() {
        return SpfIdentity.HELO;
    }

    @Override
    public String getMatcherInfo() {
        return "Gatekeeper: SPF result of the HELO identity is one of those listed";
    }
}
