package dev.gatekeeper.policy;

import dev.gatekeeper.callout.CalloutResult;
import dev.gatekeeper.mail.Mailbox;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.stream.Collectors;

/**
 * {@code <callout address="sender" outcome="rejected null-mx"/>}: the outcome of a callout to the
 * sender's (or the recipient's) mail host, asked of the {@link TransactionChecks} only when a rule
 * reaches this condition, and at most once per transaction and address.
 */
final class CalloutCondition extends Condition.Base {

    static final ConditionType TYPE = ConditionType.of("callout", Set.of("address", "outcome"), CalloutCondition::read);

    private final AddressCondition.Party party;
    private final Set<CalloutResult> outcomes;

    private CalloutCondition(AddressCondition.Party party, Set<CalloutResult> outcomes) {
        super("callout address=" + party.keyword() + " outcome="
                + outcomes.stream().map(CalloutResult::keyword).sorted().collect(Collectors.joining(",")), party.datum, false);
        this.party = party;
        this.outcomes = outcomes;
    }

    private static Condition read(ExtensionConfig config) {
        String who = config.parameter("address").map(String::strip).orElse("sender");
        if (!who.equals("sender") && !who.equals("recipient")) {
            throw new IllegalArgumentException("address is 'sender' or 'recipient', not '" + who + "'");
        }
        Set<CalloutResult> outcomes = EnumSet.noneOf(CalloutResult.class);
        for (String w : ExtensionConfig.wordsIn(config.required("outcome"))) {
            outcomes.add(CalloutResult.fromKeyword(w));
        }
        return new CalloutCondition(who.equals("sender") ? AddressCondition.Party.SENDER : AddressCondition.Party.RECIPIENT, outcomes);
    }

    @Override
    public CompletionStage<Match> match(StageContext ev) {
        Optional<Mailbox> a = party.of(ev);
        if (a.isEmpty() || a.get().isNullPath()) {
            return CompletableFuture.completedFuture(Match.NO);
        }
        Mailbox address = a.get();
        return ev.callout(address).thenApply(c -> Match.of(outcomes.contains(c.status()), () -> "callout " + address + " " + c));
    }
}
