package dev.gatekeeper.policy;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * {@code <client-name domain-tree="dyn.example" unknown="true" table="names"/>}: the client's
 * verified reverse name. Also reads the name patterns that {@code <helo>} and the address
 * conditions share.
 */
final class ClientNameCondition {

    static final ConditionType TYPE = ConditionType.of("client-name", Set.of("domain", "domain-tree", "regex", "unknown", "table"),
            ClientNameCondition::read);

    private ClientNameCondition() {
    }

    private static Condition read(ExtensionConfig config) {
        List<Condition> parts = new ArrayList<>();
        names(config).ifPresent(names -> parts.add(Condition.sync("client-name", Datum.CLIENT, ev -> {
            String m = ev.session.client.reverseName().map(names::match).orElse(null);
            String name = ev.clientName();
            return Condition.Match.of(m != null, () -> "client name " + name + " matches " + m);
        })));
        if (config.has("unknown")) {
            boolean unknown = config.flag("unknown", true);
            parts.add(Condition.sync("client-name unknown=" + unknown, Datum.CLIENT, ev -> {
                String name = ev.clientName();
                return Condition.Match.of(ev.session.client.reverseName().isEmpty() == unknown, () -> "client name " + name);
            }));
        }
        if (config.has("table")) {
            AccessTable table = config.table(AccessTable.Type.DOMAIN, AccessTable.Type.REGEXP);
            parts.add(Condition.tableLookup("client-name table=" + table.name(), Datum.CLIENT, ev -> ev.session.client.reverseName()
                    .map(n -> Condition.Match.inTable(() -> "client name " + n, table, table.lookupName(n)))
                    .orElse(Condition.Match.NO)));
        }
        return TYPE.allOf(parts);
    }

    /** The {@code domain}, {@code domain-tree} and {@code regex} attributes, when one is given. */
    static Optional<NamePattern> names(ExtensionConfig config) {
        if (!config.has("domain") && !config.has("domain-tree") && !config.has("regex")) {
            return Optional.empty();
        }
        List<Pattern> regexes = config.has("regex") ? List.of(regex(config)) : List.of();
        return Optional.of(new NamePattern(domains(config, "domain"), domains(config, "domain-tree"), regexes));
    }

    /** Domain names; {@code @example.com} is written as in an address. */
    static Set<String> domains(ExtensionConfig config, String attribute) {
        Set<String> out = new LinkedHashSet<>();
        for (String w : config.words(attribute)) {
            out.add(w.startsWith("@") ? w.substring(1) : w);
        }
        return out;
    }

    static Pattern regex(ExtensionConfig config) {
        String text = config.parameter("regex").orElseThrow();
        try {
            return Pattern.compile(text, Pattern.CASE_INSENSITIVE);
        } catch (PatternSyntaxException ex) {
            throw new IllegalArgumentException("bad regular expression '" + text + "': " + ex.getDescription());
        }
    }
}
