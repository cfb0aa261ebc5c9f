package dev.gatekeeper.dmarc;

import dev.gatekeeper.mail.DomainName;
import dev.gatekeeper.mail.MailSyntaxException;
import java.util.Optional;

/** The domain names DMARC meets (author domains, d= domains, SPF domains) in the form it compares. */
final class DomainNames {

    private DomainNames() {
    }

    /**
     * The name as DMARC compares and looks it up: A-labels (RFC 7489 §6.6.1 wants U-labels
     * converted), lower case, no trailing dot. Underscores are allowed, as in the RFC 8552 names
     * DKIM and DMARC themselves use. Empty when it is no domain name.
     */
    static Optional<String> normalize(String name) {
        try {
            return Optional.of(DomainName.parseOwnerName(name.trim()).ascii());
        } catch (MailSyntaxException e) {
            return Optional.empty();
        }
    }

    /** Whether the name, with a prefix such as {@code _dmarc.}, can still be queried (RFC 1035 §2.3.4). */
    static boolean fits(String prefix, String name) {
        return prefix.length() + name.length() <= DomainName.MAX_LENGTH;
    }
}
