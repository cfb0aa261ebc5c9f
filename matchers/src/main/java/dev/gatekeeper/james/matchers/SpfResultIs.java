package dev.gatekeeper.james.matchers;

import dev.gatekeeper.dns.Setting;
import dev.gatekeeper.james.common.EngineSettings;
import dev.gatekeeper.james.common.MailSpf;
import dev.gatekeeper.james.common.SharedEngines;
import dev.gatekeeper.spf.SpfEvaluator;
import dev.gatekeeper.spf.SpfIdentity;
import dev.gatekeeper.spf.SpfResult;
import dev.gatekeeper.spf.SpfVerdict;
import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.james.core.MailAddress;
import org.apache.mailet.Mail;

/**
 * Matches every recipient when the SPF result of the MAIL FROM identity is one of those listed:
 * {@code SpfResultIs=fail,softfail}. Reads the result the SMTP hooks or {@code SpfCheck} recorded
 * ({@code dev.gatekeeper.spf.mailfrom}); a mail without one is evaluated here, from its remote
 * address, sender and HELO, and the result recorded for the matchers and mailets after this one.
 * Engine settings may follow: {@code SpfResultIs=fail dns.servers=192.0.2.53 spf.timeBudget=10s}.
 * Option {@code evaluate=false} only reads: a mail without a result does not match.
 */
public class SpfResultIs extends GatekeeperMatcher {

    /** Whether a mail without a recorded result is evaluated here (and the result recorded). */
    static final Setting<Boolean> EVALUATE = Setting.bool("evaluate", "true");

    private Set<SpfResult> results;
    private boolean evaluate;
    private EngineSettings engines;

    /** The identity this matcher checks. */
    SpfIdentity identity() {
        return SpfIdentity.MAILFROM;
    }

    @Override
    void configure(MatcherCondition condition) {
        Set<SpfResult> set = EnumSet.noneOf(SpfResult.class);
        for (String word : condition.list()) {
            set.add(result(word));
        }
        if (set.isEmpty()) {
            throw new IllegalArgumentException(getMatcherName() + ": no SPF result listed in '" + condition.first + "'");
        }
        results = set;
        engines = condition.engineSettings(getMatcherName(), List.of(EVALUATE.name()));
        evaluate = condition.option(EVALUATE);
        if (evaluate) {
            // Built now: a bad DNS server name stops James at start, not at the first mail.
            spf();
        }
    }

    /** A result keyword of the condition, naming a bad one. */
    private SpfResult result(String word) {
        try {
            return SpfResult.fromKeyword(word);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(getMatcherName() + ": unknown SPF result '" + word
                    + "' (none, neutral, pass, fail, softfail, temperror, permerror)");
        }
    }

    private SpfEvaluator spf() {
        return SharedEngines.spf(engines);
    }

    @Override
    public Collection<MailAddress> match(Mail mail) {
        SpfIdentity identity = identity();
        Optional<SpfResult> recorded = MailSpf.recorded(mail, identity);
        if (recorded.isPresent()) {
            return all(mail, results.contains(recorded.get()), "recorded spf " + recorded.get().keyword());
        }
        if (!evaluate) {
            return all(mail, false, "no spf result recorded");
        }
        Optional<SpfVerdict> verdict = MailSpf.evaluate(spf(), mail, identity);
        if (verdict.isEmpty()) {
            return all(mail, false, "no client address or HELO to evaluate");
        }
        MailSpf.record(mail, verdict.get());
        return all(mail, results.contains(verdict.get().result()), "evaluated " + verdict.get());
    }

    @Override
    public String getMatcherInfo() {
        return "Gatekeeper: SPF result of the MAIL FROM identity is one of those listed";
    }
}
