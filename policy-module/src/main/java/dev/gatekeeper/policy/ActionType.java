package dev.gatekeeper.policy;

import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * One action of the vocabulary ({@code reject}, {@code tag}, ...): a {@link PolicyActionFactory}
 * like an extension's, named after its {@code action="..."} word, whose {@link ExtensionConfig}
 * holds the rule's attributes. It declares the rule attributes it takes, and, for the actions a
 * table entry may give, its access(5) words ({@code OK}, {@code REJECT}, ...) and how it reads
 * the entry. {@link Vocabulary} lists them all. Immutable.
 */
final class ActionType implements PolicyActionFactory {

    /** Reads a table entry's action: its first word and the text after it (null when none). */
    interface TableReader {
        RuleAction read(String word, String rest, ReplyCatalog catalog);
    }

    /** The rule attributes that belong to actions; each action takes some of them. */
    static final List<String> RULE_ATTRIBUTES = List.of("reason", "code", "enhanced", "text", "description", "label", "class", "type");

    private final String name;
    private final Set<String> attributes;
    private final boolean parameters;
    private final Function<ExtensionConfig, RuleAction> reader;
    private final List<String> tableWords;
    private final TableReader tableReader;

    private ActionType(String name, Set<String> attributes, boolean parameters, Function<ExtensionConfig, RuleAction> reader,
            TableReader tableReader, List<String> tableWords) {
        this.name = name;
        this.attributes = Set.copyOf(attributes);
        this.parameters = parameters;
        this.reader = reader;
        this.tableReader = tableReader;
        this.tableWords = tableWords;
    }

    static ActionType of(String name, Set<String> attributes, Function<ExtensionConfig, RuleAction> reader, TableReader tableReader,
            String... tableWords) {
        return new ActionType(name, attributes, false, reader, tableReader, List.of(tableWords));
    }

    /** An action that takes nothing, in a rule or in a table entry. */
    static ActionType plain(RuleAction action, String... tableWords) {
        return new ActionType(action.describe(), Set.of(), false, c -> action, noText(action), List.of(tableWords));
    }

    /** An action only a table entry gives. */
    static ActionType tableOnly(RuleAction action, String word) {
        return new ActionType(action.describe(), Set.of(), false, null, noText(action), List.of(word));
    }

    /** An action with {@code <param>} children, not given by table entries. */
    static ActionType withParameters(String name, Set<String> attributes, Function<ExtensionConfig, RuleAction> reader) {
        return new ActionType(name, attributes, true, reader, null, List.of());
    }

    private static TableReader noText(RuleAction action) {
        return (word, rest, catalog) -> {
            if (rest != null) {
                throw new IllegalArgumentException(word + " takes no text");
            }
            return action;
        };
    }

    /** The word of {@code action="..."}. */
    @Override
    public String name() {
        return name;
    }

    /** Which of {@link #RULE_ATTRIBUTES} it takes. */
    Set<String> attributes() {
        return attributes;
    }

    /** Whether the rule may hold {@code <param>}s for it. */
    boolean takesParameters() {
        return parameters;
    }

    /** Whether a rule may name it (a table's DUNNO is for tables only). */
    boolean inRules() {
        return reader != null;
    }

    /** The access(5) words a table entry gives it by, upper case; none when only a rule does. */
    List<String> tableWords() {
        return tableWords;
    }

    /**
     * Reads the rule's attributes.
     *
     * @throws IllegalArgumentException naming what is wrong (the reader adds the place and the rule)
     */
    @Override
    public RuleAction create(ExtensionConfig config) {
        return reader.apply(config);
    }

    RuleAction fromTable(String word, String rest, ReplyCatalog catalog) {
        return tableReader.read(word, rest, catalog);
    }

    @Override
    public String toString() {
        return name;
    }
}
