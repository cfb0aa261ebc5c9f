package dev.gatekeeper.policy;

/**
 * Makes a {@link PolicyCondition} from its configuration. Found either by class name
 * ({@code <condition class="com.example.DnsblConditionFactory">}) or, by {@link #name()}, through
 * {@link java.util.ServiceLoader} ({@code <condition type="dnsbl">}, listed in
 * {@code META-INF/services/dev.gatekeeper.policy.PolicyConditionFactory}). Needs a public no-argument constructor.
 */
public interface PolicyConditionFactory {

    /** The name used in {@code type="..."}. */
    String name();

    /**
     * Makes the condition; called once, when the configuration is read.
     *
     * @throws PolicyConfigException for a missing or bad parameter (use {@link ExtensionConfig#problem})
     */
    PolicyCondition create(ExtensionConfig config);
}
