package dev.gatekeeper.policy;

/** A table entry that matched: where it is (file:line), the line itself, and its action (null when it has none). */
final class TableHit {

    final String location;
    final String entry;
    final ActionSpec action;

    TableHit(String location, String entry, ActionSpec action) {
        this.location = location;
        this.entry = entry;
        this.action = action;
    }

    @Override
    public String toString() {
        return location + ": " + entry;
    }
}
