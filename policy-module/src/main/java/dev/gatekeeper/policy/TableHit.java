package dev.gatekeeper.policy;

/** A table entry that matched: where it is (file:line), the line itself, and its action (null when it has none). */
final class TableHit {

    final String location;
    final String entry;
    final RuleAction action;

    TableHit(String location, String entry, RuleAction action) {
        this.location = location;
        this.entry = entry;
        this.action = action;
    }

    /** An entry whose action is DUNNO counts as not found, as in Postfix. */
    boolean counts() {
        return action != PlainAction.DUNNO;
    }

    @Override
    public String toString() {
        return location + ": " + entry;
    }
}
