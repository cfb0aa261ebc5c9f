package dev.gatekeeper.policy;

import java.util.Set;

/**
 * {@code <authorized-destination/>} (Postfix's {@code permit_auth_destination}: a plain address in
 * one of our local or relay domains) and {@code <local-destination/>} (in a local domain).
 */
final class DestinationCondition {

    static final Condition AUTHORIZED = destination("authorized-destination", kind -> kind != null);
    static final Condition LOCAL = destination("local-destination", "local"::equals);

    static final ConditionType AUTHORIZED_TYPE = ConditionType.of("authorized-destination", Set.of(), c -> AUTHORIZED);
    static final ConditionType LOCAL_TYPE = ConditionType.of("local-destination", Set.of(), c -> LOCAL);

    private DestinationCondition() {
    }

    private static Condition destination(String name, java.util.function.Predicate<String> wanted) {
        return Condition.sync(name, Datum.RECIPIENT, ev -> ev.recipient().map(r -> {
            String kind = ev.config().destination(r);
            return Condition.Match.of(wanted.test(kind), () -> "recipient " + r + (kind != null ? " is " + kind : " is not ours"));
        }).orElse(Condition.Match.NO));
    }
}
