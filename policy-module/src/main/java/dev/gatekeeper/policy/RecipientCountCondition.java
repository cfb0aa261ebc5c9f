package dev.gatekeeper.policy;

import java.util.Set;

/** {@code <recipient-count above="50"/>}: more recipients in the transaction, this one included. */
final class RecipientCountCondition {

    static final ConditionType TYPE = ConditionType.of("recipient-count", Set.of("above"), RecipientCountCondition::read);

    private RecipientCountCondition() {
    }

    private static Condition read(ExtensionConfig config) {
        int n = config.wholeNumber("above", -1, 0);
        if (!config.has("above")) {
            throw new IllegalArgumentException("needs above=\"N\"");
        }
        return Condition.sync("recipient-count above=" + n, Datum.RECIPIENT_COUNT, ev -> {
            int count = ev.recipientCount();
            return Condition.Match.of(count > n, () -> "recipient " + count + " of the transaction");
        });
    }
}
