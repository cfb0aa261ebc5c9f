package dev.gatekeeper.james.matchers;

import dev.gatekeeper.james.common.MailSpf;
import dev.gatekeeper.policy.TableFile;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.apache.james.core.MailAddress;
import org.apache.mailet.Mail;

/**
 * Matches every recipient when the client's address is in a {@code cidr} table file of the policy
 * engine's format ({@code 192.0.2.0/24}, {@code 2001:db8::/32}, one address per line, first match
 * wins, an entry with action {@code DUNNO} counts as absent):
 * {@code RemoteAddrInTable=file://conf/tables/clients.cidr}. The file is reloaded when it changes,
 * checked at most every {@code check} (default 5s). James's {@code RemoteAddrInNetwork} takes its
 * networks inline and never re-reads them.
 */
public class RemoteAddrInTable extends TableMatcher {

    public RemoteAddrInTable() {
        super(List.of(TableFile.Type.CIDR));
    }

    @Override
    public Collection<MailAddress> match(Mail mail) {
        Optional<String> hit = MailSpf.client(mail).flatMap(table::find);
        return all(mail, hit.isPresent(), "client " + mail.getRemoteAddr() + hit.map(h -> " at " + h).orElse(" not in " + table));
    }

    @Override
    public String getMatcherInfo() {
        return "Gatekeeper: the client address is in a cidr table file";
    }
}
