package dev.gatekeeper.policy;

import java.util.Set;

/** {@code <authenticated users="alice bob"/>}: the client authenticated with SMTP AUTH, as any user or as one of these. */
final class AuthenticatedCondition {

    static final ConditionType TYPE = ConditionType.of("authenticated", Set.of("users"), c -> users(c.words("users")));

    private AuthenticatedCondition() {
    }

    /** @param users the users that match; empty: any user */
    static Condition users(Set<String> users) {
        return Condition.sync(users.isEmpty() ? "authenticated" : "authenticated users=" + String.join(",", users), Datum.AUTH,
                ev -> ev.authenticatedUser()
                        .map(u -> Condition.Match.of(users.isEmpty() || users.contains(u), () -> "authenticated as " + u))
                        .orElse(Condition.Match.NO));
    }
}
