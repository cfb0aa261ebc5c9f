package dev.gatekeeper.james.matchers;

import dev.gatekeeper.callout.CalloutResult;
import dev.gatekeeper.james.common.GatekeeperAttributes;
import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.james.core.MailAddress;
import org.apache.mailet.Mail;

/**
 * Matches every recipient when the callout outcome of the sender is one of those listed:
 * {@code CalloutOutcomeIs=rejected,null-mx}. Reads {@code dev.gatekeeper.callout.sender}, which
 * the SMTP hooks or the {@code CalloutVerify} mailet record; a mail without it does not match.
 * Outcomes: {@code accepted rejected catch-all tempfail null-mx no-mail-host probe-refused invalid
 * skipped}.
 */
public class CalloutOutcomeIs extends GatekeeperMatcher {

    private Set<CalloutResult> outcomes;

    @Override
    void configure(MatcherCondition condition) {
        condition.engineSettings(getMatcherName(), List.of());
        Set<CalloutResult> set = EnumSet.noneOf(CalloutResult.class);
        for (String word : condition.list()) {
            try {
                set.add(CalloutResult.fromKeyword(word));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(getMatcherName() + ": unknown callout outcome '" + word
                        + "' (accepted, rejected, catch-all, tempfail, null-mx, no-mail-host, probe-refused, invalid, skipped)");
            }
        }
        outcomes = set;
    }

    @Override
    public Collection<MailAddress> match(Mail mail) {
        Optional<String> recorded = GatekeeperAttributes.string(mail, GatekeeperAttributes.CALLOUT_SENDER);
        if (recorded.isEmpty()) {
            return all(mail, false, "no callout outcome recorded");
        }
        boolean hit;
        try {
            hit = outcomes.contains(CalloutResult.fromKeyword(recorded.get()));
        } catch (IllegalArgumentException e) {
            hit = false;
        }
        return all(mail, hit, "sender callout " + recorded.get());
    }

    @Override
    public String getMatcherInfo() {
        return "Gatekeeper: callout outcome of the sender is one of those listed";
    }
}
