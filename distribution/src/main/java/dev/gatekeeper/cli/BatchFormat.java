package dev.gatekeeper.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * How {@code spf --batch} reads one input line into the client address, HELO name and sender.
 * {@link #SPACE} (the default) splits on white space, so no field can hold a space; {@link #TSV}
 * and {@link #JSON} carry a HELO name with spaces and a quoted local part such as
 * {@code "first last"@example.org}, JSON even tabs and control characters.
 */
enum BatchFormat {

    /** {@code IP HELO SENDER}, separated by spaces or tabs. */
    SPACE {
        @Override
        Query parse(String line) {
            String[] fields = line.trim().split("\\s+");
            if (fields.length != 3) {
                throw new IllegalArgumentException("expected IP HELO SENDER separated by white space, found "
                        + fields.length + (fields.length == 1 ? " field" : " fields")
                        + " (--batch-format tsv or json carry spaces inside a field)");
            }
            return new Query(fields[0], fields[1], fields[2]);
        }
    },

    /** {@code IP<TAB>HELO<TAB>SENDER}: exactly two tabs; spaces belong to the fields. */
    TSV {
        @Override
        Query parse(String line) {
            List<String> fields = new ArrayList<>(3);
            int start = 0;
            for (int tab = line.indexOf('\t'); tab >= 0; tab = line.indexOf('\t', start)) {
                fields.add(line.substring(start, tab));
                start = tab + 1;
            }
            fields.add(line.substring(start));
            if (fields.size() != 3) {
                throw new IllegalArgumentException("expected IP<TAB>HELO<TAB>SENDER, found " + fields.size()
                        + (fields.size() == 1 ? " field" : " fields"));
            }
            return new Query(fields.get(0), fields.get(1), fields.get(2));
        }
    },

    /** One JSON object a line with the string members {@code ip}, {@code helo} and {@code sender}. */
    JSON {
        private final Set<String> keys = Set.of("ip", "helo", "sender");

        @Override
        Query parse(String line) {
            Map<String, String> members = JsonLine.parseObject(line);
            for (String name : members.keySet()) {
                if (!keys.contains(name)) {
                    throw new IllegalArgumentException("unknown member \"" + name + "\" (known: ip, helo, sender)");
                }
            }
            for (String name : List.of("ip", "helo", "sender")) {
                if (!members.containsKey(name)) {
                    throw new IllegalArgumentException("missing member \"" + name + "\"");
                }
            }
            return new Query(members.get("ip"), members.get("helo"), members.get("sender"));
        }
    };

    /** The word that selects it on the command line. */
    String keyword() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * One non-blank input line.
     *
     * @throws IllegalArgumentException saying what is wrong with the line
     */
    abstract Query parse(String line);

    static BatchFormat of(String keyword) throws UsageException {
        for (BatchFormat f : values()) {
            if (f.keyword().equals(keyword)) {
                return f;
            }
        }
        throw new UsageException("--batch-format must be space, tsv or json, not '" + keyword + "'");
    }

    /** One line's question; the sender as given ({@code <>} or empty is the null sender). */
    static final class Query {
        final String ip;
        final String helo;
        final String sender;

        Query(String ip, String helo, String sender) {
            this.ip = ip;
            this.helo = helo;
            this.sender = sender;
        }
    }
}
