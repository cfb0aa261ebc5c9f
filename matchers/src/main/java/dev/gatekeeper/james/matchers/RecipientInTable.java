package dev.gatekeeper.james.matchers;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.apache.james.core.MailAddress;
import org.apache.mailet.Mail;

/**
 * Matches the recipients that are in a table file of the policy engine's format, and only those
 * (James then splits the mail): {@code RecipientInTable=file://conf/tables/recipients.access},
 * {@code type=address} (default), {@code domain} or {@code regexp}. Reloaded when the file changes.
 */
public class RecipientInTable extends TableMatcher {

    public RecipientInTable() {
        super(ADDRESS_TYPES);
    }

    @Override
    public Collection<MailAddress> match(Mail mail) {
        List<MailAddress> matched = new ArrayList<>();
        for (MailAddress r : mail.getRecipients()) {
            parse(r).flatMap(table::find).ifPresent(hit -> {
                matched.add(r);
                log.debug("{} {}: recipient {} at {}", getMatcherName(), mail.getName(), r, hit);
            });
        }
        log.debug("{} {}: {} of {} recipients in {}", getMatcherName(), mail.getName(), matched.size(), mail.getRecipients().size(), table);
        return matched;
    }

    @Override
    public String getMatcherInfo() {
        return "Gatekeeper: the recipients that are in a table file";
    }
}
