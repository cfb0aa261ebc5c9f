package dev.gatekeeper.policy;

import java.util.Set;

/**
 * {@code <condition class="com.example.DnsblConditionFactory"><param name="zone" value="zen.example"/></condition>}
 * (or {@code type="dnsbl"}): a condition from outside Gatekeeper, made by its
 * {@link PolicyConditionFactory} from the {@code <param>}s, as the built-in types make theirs from
 * their attributes.
 */
final class ExtensionCondition {

    static final ConditionType TYPE = ConditionType.holding(ConditionType.Content.PARAMETERS, "condition", Set.of("class", "type"),
            ExtensionCondition::read);

    private ExtensionCondition() {
    }

    private static Condition read(ExtensionConfig config) {
        ExtensionConfig own = config.extensionConfig();
        PolicyConditionFactory f = config.factory(PolicyConditionFactory.class, PolicyConditionFactory::name);
        PolicyCondition c = f.create(own);
        if (c == null) {
            throw config.problem(f.getClass().getName() + " made no condition");
        }
        if (c.knownFrom() == null) {
            throw config.problem(f.getClass().getName() + " made a condition whose knownFrom() is null");
        }
        return Condition.of(c);
    }
}
