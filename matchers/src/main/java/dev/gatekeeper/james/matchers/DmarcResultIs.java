package dev.gatekeeper.james.matchers;

import dev.gatekeeper.dmarc.DmarcOutcome;
import dev.gatekeeper.dmarc.Policy;
import dev.gatekeeper.dns.Setting;
import dev.gatekeeper.james.common.GatekeeperAttributes;
import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.apache.james.core.MailAddress;
import org.apache.mailet.Mail;

/**
 * Matches every recipient when the DMARC result the SMTP handler recorded
 * ({@code dev.gatekeeper.dmarc.result}) is one of those listed, and, with the {@code policy}
 * option, what the From domain asks done with the message ({@code dev.gatekeeper.dmarc.policy},
 * after {@code pct} sampling) is one of those: {@code DmarcResultIs=fail policy=quarantine}
 * routes what the domain owner wants quarantined. No result recorded, no match.
 */
public class DmarcResultIs extends GatekeeperMatcher {

    /** The dispositions that match, comma-separated; absent: any. */
    static final Setting<String> POLICY = Setting.text("policy", null).absentMeans("any");

    private Set<DmarcOutcome> results;
    private Set<Policy> policies;

    @Override
    void configure(MatcherCondition condition) {
        condition.engineSettings(getMatcherName(), List.of(POLICY.name()));
        results = EnumSet.noneOf(DmarcOutcome.class);
        for (String w : condition.list()) {
            results.add(keyword(DmarcOutcome.class, w, "DMARC result", "none, pass, fail, temperror, permerror"));
        }
        if (results.isEmpty()) {
            throw new IllegalArgumentException(getMatcherName() + ": no DMARC result listed in '" + condition.first + "'");
        }
        policies = EnumSet.allOf(Policy.class);
        String listed = condition.option(POLICY);
        if (listed != null) {
            policies = EnumSet.noneOf(Policy.class);
            for (String w : listed.split(",")) {
                policies.add(keyword(Policy.class, w.strip(), "DMARC policy", "none, quarantine, reject"));
            }
        }
    }

    private <E extends Enum<E>> E keyword(Class<E> type, String word, String what, String known) {
        try {
            return Enum.valueOf(type, word.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(getMatcherName() + ": unknown " + what + " '" + word + "' (" + known + ")");
        }
    }

    @Override
    public Collection<MailAddress> match(Mail mail) {
        Optional<String> result = GatekeeperAttributes.string(mail, GatekeeperAttributes.DMARC_RESULT);
        if (result.isEmpty()) {
            return all(mail, false, "no dmarc result recorded");
        }
        String policy = GatekeeperAttributes.string(mail, GatekeeperAttributes.DMARC_POLICY).orElse("none");
        boolean matches = results.stream().anyMatch(r -> r.keyword().equals(result.get()))
                && policies.stream().anyMatch(p -> p.keyword().equals(policy));
        return all(mail, matches, "recorded dmarc " + result.get() + " policy " + policy);
    }

    @Override
    public String getMatcherInfo() {
        return "Gatekeeper: the DMARC result (and the domain's policy) is one of those listed";
    }
}
