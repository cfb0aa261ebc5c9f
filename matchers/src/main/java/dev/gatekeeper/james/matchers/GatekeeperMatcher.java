package dev.gatekeeper.james.matchers;

import dev.gatekeeper.james.common.JamesGeneration;
import java.util.Collection;
import java.util.List;
import org.apache.james.core.MailAddress;
import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMatcher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What Gatekeeper's matchers share: the condition is parsed once in {@link #init()}, and a bad one
 * stops James at start-up with an {@link IllegalArgumentException} naming the value; each decision
 * is logged at debug level with the mail's name. Matchers name no mail API type (javax or jakarta
 * mail), so that a jar in the wrong James stops it with {@link JamesGeneration}'s message.
 */
abstract class GatekeeperMatcher extends GenericMatcher {

    final Logger log = LoggerFactory.getLogger(getClass());

    @Override
    public final void init() {
        JamesGeneration.require(getMatcherName());
        configure(MatcherCondition.parse(getMatcherName(), getCondition()));
    }

    /** Reads the condition; throws IllegalArgumentException with a message naming the bad value. */
    abstract void configure(MatcherCondition condition);

    /** All recipients when {@code matched}, none (null, as James expects) otherwise; logged. */
    Collection<MailAddress> all(Mail mail, boolean matched, String why) {
        if (log.isDebugEnabled()) {
            log.debug("{} {}: {} ({})", getMatcherName(), mail.getName(), matched ? "match" : "no match", why);
        }
        return matched ? List.copyOf(mail.getRecipients()) : null;
    }
}
