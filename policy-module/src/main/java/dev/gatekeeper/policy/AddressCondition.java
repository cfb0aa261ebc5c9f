package dev.gatekeeper.policy;

import dev.gatekeeper.mail.Mailbox;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** {@code <sender domain="example.com"/>}, {@code <recipient local-part="postmaster"/>}: an envelope address. */
final class AddressCondition {

    /** Whose address a condition looks at. */
    enum Party {
        SENDER(Datum.SENDER),
        RECIPIENT(Datum.RECIPIENT);

        /** What a condition on this party's address reads. */
        final Datum datum;

        Party(Datum datum) {
            this.datum = datum;
        }

        String keyword() {
            return name().toLowerCase(Locale.ROOT);
        }

        Optional<Mailbox> of(StageContext ev) {
            return this == SENDER ? ev.sender() : ev.recipient();
        }
    }

    static final ConditionType SENDER = ConditionType.of("sender",
            Set.of("address", "domain", "domain-tree", "local-part", "regex", "null", "routing", "table"), c -> read(c, Party.SENDER));
    static final ConditionType RECIPIENT = ConditionType.of("recipient",
            Set.of("address", "domain", "domain-tree", "local-part", "regex", "routing", "table"), c -> read(c, Party.RECIPIENT));

    private AddressCondition() {
    }

    private static Condition read(ExtensionConfig config, Party party) {
        String who = party.keyword();
        List<Condition> parts = new ArrayList<>();
        if (config.has("address")) {
            Set<String> keys = config.words("address").stream().map(a -> Mailbox.parse(a).key())
                    .collect(Collectors.toUnmodifiableSet());
            parts.add(Condition.sync(who + " address=" + String.join(",", keys), party.datum, ev -> party.of(ev)
                    .map(a -> Condition.Match.of(!a.isNullPath() && keys.contains(a.key()), () -> who + " " + a))
                    .orElse(Condition.Match.NO)));
        }
        if (config.has("domain") || config.has("domain-tree")) {
            NamePattern names = new NamePattern(ClientNameCondition.domains(config, "domain"),
                    ClientNameCondition.domains(config, "domain-tree"), List.of());
            parts.add(Condition.sync(who + " domain", party.datum, ev -> party.of(ev).map(a -> {
                String m = a.isNullPath() || a.domain().isEmpty() ? null : names.match(a.domain());
                return Condition.Match.of(m != null, () -> who + " " + a + " domain matches " + m);
            }).orElse(Condition.Match.NO)));
        }
        if (config.has("local-part")) {
            Set<String> lower = config.words("local-part").stream().map(l -> l.toLowerCase(Locale.ROOT))
                    .collect(Collectors.toUnmodifiableSet());
            parts.add(Condition.sync(who + " local-part=" + String.join(",", lower), party.datum, ev -> party.of(ev)
                    .map(a -> Condition.Match.of(!a.isNullPath() && lower.contains(a.localPart().toLowerCase(Locale.ROOT)),
                            () -> who + " " + a))
                    .orElse(Condition.Match.NO)));
        }
        if (config.has("regex")) {
            Pattern p = ClientNameCondition.regex(config);
            parts.add(Condition.sync(who + " regex", party.datum, ev -> party.of(ev)
                    .map(a -> p.matcher(a.key()).find() ? Condition.Match.yes(() -> who + " " + a + " matches /" + p.pattern() + "/")
                            : Condition.Match.NO)
                    .orElse(Condition.Match.NO)));
        }
        if (config.has("null")) {
            boolean wanted = config.flag("null", true);
            parts.add(Condition.sync("sender null=" + wanted, Datum.SENDER, ev -> ev.sender()
                    .map(s -> Condition.Match.of(s.isNullPath() == wanted, () -> "sender " + s))
                    .orElse(Condition.Match.NO)));
        }
        if (config.has("routing")) {
            // An address that may route somewhere else than its domain says (percent hack, bang path, ...).
            boolean wanted = config.flag("routing", true);
            parts.add(Condition.sync(who + " routing=" + wanted, party.datum, ev -> party.of(ev)
                    .map(a -> Condition.Match.of(!a.isPlain() == wanted, () -> who + " " + a + " routing " + a.routing()))
                    .orElse(Condition.Match.NO)));
        }
        if (config.has("table")) {
            AccessTable table = config.table(AccessTable.Type.ADDRESS, AccessTable.Type.DOMAIN, AccessTable.Type.REGEXP);
            parts.add(Condition.tableLookup(who + " table=" + table.name(), party.datum, ev -> party.of(ev)
                    .map(a -> Condition.Match.inTable(() -> who + " " + a, table, table.lookup(a)))
                    .orElse(Condition.Match.NO)));
        }
        return (party == Party.SENDER ? SENDER : RECIPIENT).allOf(parts);
    }
}
