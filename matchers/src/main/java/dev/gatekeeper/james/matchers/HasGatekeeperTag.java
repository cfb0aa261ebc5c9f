package dev.gatekeeper.james.matchers;

import dev.gatekeeper.james.common.GatekeeperAttributes;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import org.apache.james.core.MailAddress;
import org.apache.mailet.Mail;

/**
 * Matches every recipient when the policy's {@code tag} actions gave the mail any of the labels
 * listed: {@code HasGatekeeperTag=suspect,greylisted}. Reads {@code dev.gatekeeper.tags}; labels
 * compare exactly, as the policy writes them.
 */
public class HasGatekeeperTag extends GatekeeperMatcher {

    private Set<String> labels;

    @Override
    void configure(MatcherCondition condition) {
        condition.engineSettings(getMatcherName(), List.of());
        labels = Set.copyOf(condition.list());
        if (labels.isEmpty()) {
            throw new IllegalArgumentException(getMatcherName() + ": no label listed in '" + condition.first + "'");
        }
    }

    @Override
    public Collection<MailAddress> match(Mail mail) {
        List<String> tags = GatekeeperAttributes.strings(mail, GatekeeperAttributes.TAGS);
        return all(mail, tags.stream().anyMatch(labels::contains), "tags " + tags);
    }

    @Override
    public String getMatcherInfo() {
        return "Gatekeeper: the policy tagged the mail with one of the labels listed";
    }
}
