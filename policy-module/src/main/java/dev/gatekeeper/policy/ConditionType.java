package dev.gatekeeper.policy;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * One element of the condition vocabulary ({@code <sender>}, {@code <spf>}, ...): a
 * {@link PolicyConditionFactory} like an extension's, named after its element, whose
 * {@link ExtensionConfig} holds the element's attributes. It declares the attributes it takes
 * (README-policy.md's reference lists the same) and what the element holds. {@link Vocabulary}
 * lists them all. Immutable.
 */
final class ConditionType implements PolicyConditionFactory {

    /** What the element holds besides its attributes. */
    enum Content {
        NOTHING,
        /** Conditions, each placed at the stage by itself ({@code <all-of>}, {@code <any-of>}, {@code <not>}). */
        CONDITIONS,
        /** {@code <param>}s, for an extension ({@code <condition>}). */
        PARAMETERS
    }

    private final String name;
    private final Set<String> attributes;
    private final Content content;
    private final Function<ExtensionConfig, Condition> reader;

    private ConditionType(String name, Set<String> attributes, Content content, Function<ExtensionConfig, Condition> reader) {
        this.name = name;
        this.attributes = Set.copyOf(attributes);
        this.content = content;
        this.reader = reader;
    }

    /** An element with attributes only. */
    static ConditionType of(String name, Set<String> attributes, Function<ExtensionConfig, Condition> reader) {
        return new ConditionType(name, attributes, Content.NOTHING, reader);
    }

    static ConditionType holding(Content content, String name, Set<String> attributes, Function<ExtensionConfig, Condition> reader) {
        return new ConditionType(name, attributes, content, reader);
    }

    /** The element's name. */
    @Override
    public String name() {
        return name;
    }

    Set<String> attributes() {
        return attributes;
    }

    Content content() {
        return content;
    }

    /**
     * Reads the element.
     *
     * @throws IllegalArgumentException naming what is wrong (the reader adds the place and the element)
     * @throws PolicyConfigException already naming the place
     */
    @Override
    public Condition create(ExtensionConfig config) {
        return reader.apply(config);
    }

    /** All of what the element's attributes ask; refused when it asks nothing. */
    Condition allOf(List<Condition> parts) {
        if (parts.isEmpty()) {
            throw new IllegalArgumentException("says nothing to match (give one of its attributes: "
                    + String.join(", ", new TreeSet<>(attributes)) + ")");
        }
        return CombinedCondition.allOf(parts);
    }

    @Override
    public String toString() {
        return "<" + name + ">";
    }
}
