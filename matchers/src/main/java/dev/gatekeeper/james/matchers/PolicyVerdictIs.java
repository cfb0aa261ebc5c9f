package dev.gatekeeper.james.matchers;

import dev.gatekeeper.james.common.GatekeeperAttributes;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.apache.james.core.MailAddress;
import org.apache.mailet.Mail;

/**
 * Matches every recipient when the policy recorded any of the {@code stage:outcome} verdicts
 * listed: {@code PolicyVerdictIs=rcpt:permit,data:warn}. Reads {@code dev.gatekeeper.policy.verdicts}.
 * Stages: {@code connect helo mail rcpt data}; outcomes: {@code permit dunno warn} (a mail in the
 * pipeline was accepted, so no stage refused it). {@code *} stands for any stage: {@code *:warn}.
 */
public class PolicyVerdictIs extends GatekeeperMatcher {

    static final List<String> STAGES = List.of("connect", "helo", "mail", "rcpt", "data");
    static final List<String> OUTCOMES = List.of("permit", "dunno", "warn");

    private Set<String> wanted;
    private Set<String> anyStage;

    @Override
    void configure(MatcherCondition condition) {
        condition.engineSettings(getMatcherName(), List.of());
        Set<String> exact = new java.util.HashSet<>();
        Set<String> any = new java.util.HashSet<>();
        for (String word : condition.list()) {
            String w = word.toLowerCase(Locale.ROOT);
            int colon = w.indexOf(':');
            String stage = colon < 0 ? "" : w.substring(0, colon);
            String outcome = colon < 0 ? "" : w.substring(colon + 1);
            if (!stage.equals("*") && !STAGES.contains(stage) || !OUTCOMES.contains(outcome)) {
                throw new IllegalArgumentException(getMatcherName() + ": '" + word
                        + "' is not stage:outcome (stages connect, helo, mail, rcpt, data or *; outcomes permit, dunno, warn)");
            }
            if (stage.equals("*")) {
                any.add(outcome);
            } else {
                exact.add(w);
            }
        }
        wanted = Set.copyOf(exact);
        anyStage = Set.copyOf(any);
    }

    @Override
    public Collection<MailAddress> match(Mail mail) {
        List<String> verdicts = GatekeeperAttributes.strings(mail, GatekeeperAttributes.POLICY_VERDICTS);
        boolean hit = verdicts.stream().map(v -> v.toLowerCase(Locale.ROOT)).anyMatch(v ->
                wanted.contains(v) || anyStage.contains(v.substring(v.indexOf(':') + 1)));
        return all(mail, hit, "verdicts " + verdicts);
    }

    @Override
    public String getMatcherInfo() {
        return "Gatekeeper: the policy recorded one of the stage:outcome verdicts listed";
    }
}
