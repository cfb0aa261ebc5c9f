package dev.gatekeeper.policy;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Every condition element and every action of the policy language, in one list each: the reader
 * knows no other, and README-policy.md's reference documents exactly these (ReadmeTest walks both).
 */
final class Vocabulary {

    /** In the order the reader names them when it meets an element it does not know. */
    static final List<ConditionType> CONDITIONS = List.of(
            ClientAddressCondition.TYPE,
            ClientNameCondition.TYPE,
            HeloCondition.TYPE,
            AddressCondition.SENDER,
            AddressCondition.RECIPIENT,
            AuthenticatedCondition.TYPE,
            TrustedClientCondition.RELAY_ALLOWED_TYPE,
            TrustedClientCondition.MY_NETWORKS_TYPE,
            DestinationCondition.AUTHORIZED_TYPE,
            DestinationCondition.LOCAL_TYPE,
            RecipientCountCondition.TYPE,
            SpfCondition.TYPE,
            CalloutCondition.TYPE,
            DkimCondition.TYPE,
            DmarcCondition.TYPE,
            ArcCondition.TYPE,
            RateCondition.TYPE,
            DnsblScoreCondition.TYPE,
            DnsblCondition.TYPE,
            GreylistCondition.TYPE,
            CombinedCondition.ALL_OF,
            CombinedCondition.ANY_OF,
            CombinedCondition.NOT,
            ExtensionCondition.TYPE);

    /**
     * The actions, rules' and table entries', in the order the reader names them (DUNNO is for
     * table entries only).
     */
    static final List<ActionType> ACTIONS = List.of(
            PlainAction.ACCEPT_TYPE,
            ReplyAction.REJECT_TYPE,
            ReplyAction.DEFER_TYPE,
            ReplyAction.DISCONNECT_TYPE,
            PlainAction.DUNNO_TYPE,
            PlainAction.CONTINUE_TYPE,
            WarnAction.TYPE,
            TagAction.TYPE,
            ExtensionAction.TYPE);

    private static final Pattern CODE = Pattern.compile("[45]\\d\\d");

    private Vocabulary() {
    }

    static Optional<ConditionType> condition(String element) {
        return CONDITIONS.stream().filter(t -> t.name().equals(element)).findFirst();
    }

    /** An action a rule names: {@code action="reject"}. */
    static Optional<ActionType> ruleAction(String name) {
        return ACTIONS.stream().filter(a -> a.inRules() && a.name().equals(name)).findFirst();
    }

    /** The actions a rule may name, in their order: {@code accept, reject, ...}. */
    static List<String> ruleActionNames() {
        return ACTIONS.stream().filter(ActionType::inRules).map(ActionType::name).collect(Collectors.toList());
    }

    /**
     * Reads the action part of an access(5)-style table entry: {@code OK}, {@code REJECT [text]},
     * {@code DEFER [text]}, {@code DISCONNECT [text]}, {@code DUNNO}, {@code WARN text},
     * {@code TAG label}, or {@code 4NN|5NN [x.y.z] text}. Null for an empty action. A text replaces
     * the catalog reply's text and may use the reply variables ({@code ${sender}}, ...).
     *
     * @throws IllegalArgumentException naming what is wrong
     */
    static RuleAction tableAction(String action, ReplyCatalog catalog) {
        String a = action.strip();
        if (a.isEmpty()) {
            return null;
        }
        String[] parts = a.split("[ \t]+", 2);
        String word = parts[0];
        String rest = parts.length > 1 ? parts[1].strip() : null;
        if (CODE.matcher(word).matches()) {
            return ReplyAction.coded(a);
        }
        for (ActionType t : ACTIONS) {
            if (t.tableWords().contains(word.toUpperCase(Locale.ROOT))) {
                return t.fromTable(word, rest, catalog);
            }
        }
        throw new IllegalArgumentException("unknown action '" + word + "' (" + ACTIONS.stream()
                .filter(t -> !t.tableWords().isEmpty()).map(t -> t.tableWords().get(0)).collect(Collectors.joining(", "))
                + " or a 4xx/5xx code)");
    }
}
