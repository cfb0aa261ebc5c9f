package dev.gatekeeper.policy;

/**
 * Makes a {@link PolicyAction} from its configuration. Found by class name
 * ({@code <rule action="custom" class="com.example.MyActionFactory">}) or, by {@link #name()},
 * through {@link java.util.ServiceLoader} ({@code <rule action="custom" type="my-action">}).
 * Needs a public no-argument constructor.
 */
public interface PolicyActionFactory {

    /** The name used in {@code type="..."}. */
    String name();

    /** Makes the action; called once, when the configuration is read. */
    PolicyAction create(ExtensionConfig config);
}
