package dev.gatekeeper.policy;

import java.util.Set;

/**
 * {@code action="custom" class="com.example.MyActionFactory"} (or {@code type="my-action"}), with
 * {@code <param>} children: an action from outside Gatekeeper, made by its
 * {@link PolicyActionFactory} from the {@code <param>}s, as the built-in types make theirs from the
 * rule's attributes.
 */
final class ExtensionAction {

    static final ActionType TYPE = ActionType.withParameters("custom", Set.of("class", "type"), ExtensionAction::read);

    private ExtensionAction() {
    }

    private static RuleAction read(ExtensionConfig config) {
        ExtensionConfig own = config.extensionConfig();
        PolicyActionFactory f = config.factory(PolicyActionFactory.class, PolicyActionFactory::name);
        PolicyAction a = f.create(own);
        if (a == null) {
            throw config.problem(f.getClass().getName() + " made no action");
        }
        return RuleAction.of(a);
    }
}
