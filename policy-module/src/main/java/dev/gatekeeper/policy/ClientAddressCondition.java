package dev.gatekeeper.policy;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/** {@code <client-address cidr="192.0.2.0/24 !192.0.2.9" table="clients"/>}: the client's IP address. */
final class ClientAddressCondition {

    static final ConditionType TYPE = ConditionType.of("client-address", Set.of("cidr", "table"), ClientAddressCondition::read);

    private ClientAddressCondition() {
    }

    private static Condition read(ExtensionConfig config) {
        List<Condition> parts = new ArrayList<>();
        if (config.has("cidr")) {
            List<Entry> entries = new ArrayList<>();
            for (String w : config.words("cidr")) {
                boolean negated = w.startsWith("!");
                entries.add(new Entry(negated, CidrBlock.parse(negated ? w.substring(1) : w)));
            }
            parts.add(listed(entries));
        }
        if (config.has("table")) {
            AccessTable table = config.table(AccessTable.Type.CIDR);
            parts.add(Condition.tableLookup("client-address table=" + table.name(), Datum.CLIENT, ev -> {
                InetAddress client = ev.clientAddress();
                return Condition.Match.inTable(() -> "client " + client.getHostAddress(), table, table.lookup(client));
            }));
        }
        return TYPE.allOf(parts);
    }

    /** First matching entry decides, as in Exim's host lists and Postfix's cidr tables. */
    private static Condition listed(List<Entry> entries) {
        String d = "client-address " + entries.stream().map(Object::toString).collect(Collectors.joining(" "));
        return Condition.sync(d, Datum.CLIENT, ev -> {
            InetAddress a = ev.clientAddress();
            for (Entry e : entries) {
                if (e.block.contains(a)) {
                    return Condition.Match.of(!e.negated, () -> "client " + a.getHostAddress() + " in " + e);
                }
            }
            return Condition.Match.NO;
        });
    }

    /** One entry of the list; a negated entry that matches ends the list with "no". */
    private static final class Entry {
        final boolean negated;
        final CidrBlock block;

        Entry(boolean negated, CidrBlock block) {
            this.negated = negated;
            this.block = block;
        }

        @Override
        public String toString() {
            return (negated ? "!" : "") + block;
        }
    }
}
