package dev.gatekeeper.policy;

/** One rule: a name, where it was written, its condition (all of its children) and its action (null: the table entry's). */
final class Rule {

    final String name;
    final String location;
    final Condition condition;
    final RuleAction action;

    Rule(String name, String location, Condition condition, RuleAction action) {
        this.name = name;
        this.location = location;
        this.condition = condition;
        this.action = action;
    }

    @Override
    public String toString() {
        return "rule '" + name + "' (" + location + ")";
    }
}
