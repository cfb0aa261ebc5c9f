package dev.gatekeeper.james.matchers;

import dev.gatekeeper.mail.Mailbox;
import java.util.Collection;
import java.util.Optional;
import org.apache.james.core.MailAddress;
import org.apache.mailet.Mail;

/**
 * Matches every recipient when the sender is in a table file of the policy engine's format:
 * {@code SenderInTable=file://conf/tables/senders.access} ({@code address} table: the address,
 * then its domain forms, then {@code user@}; {@code <>} is the null sender), or with
 * {@code type=domain} or {@code type=regexp}. Reloaded when the file changes.
 */
public class SenderInTable extends TableMatcher {

    public SenderInTable() {
        super(ADDRESS_TYPES);
    }

    @Override
    public Collection<MailAddress> match(Mail mail) {
        Optional<Mailbox> sender = mail.getMaybeSender().asOptional().isEmpty()
                ? Optional.of(Mailbox.nullPath()) : parse(mail.getMaybeSender().get());
        Optional<String> hit = sender.flatMap(table::find);
        return all(mail, hit.isPresent(), "sender " + mail.getMaybeSender().asString() + hit.map(h -> " at " + h).orElse(" not in " + table));
    }

    @Override
    public String getMatcherInfo() {
        return "Gatekeeper: the sender is in a table file";
    }
}
