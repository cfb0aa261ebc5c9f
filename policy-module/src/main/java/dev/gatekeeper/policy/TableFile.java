package dev.gatekeeper.policy;

import dev.gatekeeper.mail.Mailbox;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * One of the policy's table files on its own, for adapters that test membership outside a policy
 * (the table matchers). Same formats, same lookups and same reloading as a {@code <table>} of the
 * policy XML (see {@code README-policy.md}): the file is looked at again when a lookup comes at
 * least {@code checkInterval} after the last look, a change is taken once it has stood still for
 * one interval, and a file that no longer reads leaves the last good version in force.
 *
 * <p>An entry matches unless its action is {@code DUNNO} ("as if not found", as in Postfix); the
 * action itself means nothing here. A lookup answers where the matching entry is
 * ({@code file:line: entry}) so that callers can log why. Thread safe.
 */
public final class TableFile {

    /** The four table types, by their keyword in configuration: {@code cidr domain address regexp}. */
    public enum Type {
        CIDR(AccessTable.Type.CIDR),
        DOMAIN(AccessTable.Type.DOMAIN),
        ADDRESS(AccessTable.Type.ADDRESS),
        REGEXP(AccessTable.Type.REGEXP);

        private final AccessTable.Type type;

        Type(AccessTable.Type type) {
            this.type = type;
        }

        public String keyword() {
            return type.keyword();
        }

        /** Parses a keyword, case-insensitively; the message of a refusal names the bad word. */
        public static Type of(String keyword) {
            for (Type t : values()) {
                if (t.keyword().equals(keyword.strip().toLowerCase(Locale.ROOT))) {
                    return t;
                }
            }
            throw new IllegalArgumentException("unknown table type '" + keyword + "' (cidr, domain, address, regexp)");
        }
    }

    private final AccessTable table;
    private final Type type;

    private TableFile(AccessTable table, Type type) {
        this.table = table;
        this.type = type;
    }

    /**
     * Reads the file once.
     *
     * @throws PolicyConfigException when the file cannot be read or a line is bad, naming file and line
     */
    public static TableFile open(Path file, Type type, Duration checkInterval) {
        return open(file, type, checkInterval, Clock.systemUTC());
    }

    static TableFile open(Path file, Type type, Duration checkInterval, Clock clock) {
        Objects.requireNonNull(file, "file");
        AccessTable t = new AccessTable(file.toString(), type.type, file, ReplyCatalog.defaults(), clock, checkInterval);
        return new TableFile(t, type);
    }

    public Type type() {
        return type;
    }

    /** The matching entry of a {@code cidr} table; empty for the other types. */
    public Optional<String> find(InetAddress address) {
        return matched(table.lookup(address));
    }

    /**
     * The matching entry for an address: {@code address} tables try the address, its domain forms,
     * then {@code user@}; {@code domain} tables the domain; {@code regexp} tables {@code local@domain}.
     */
    public Optional<String> find(Mailbox address) {
        return matched(table.lookup(address));
    }

    private static Optional<String> matched(Optional<TableHit> hit) {
        return hit.filter(TableHit::counts).map(TableHit::toString);
    }

    @Override
    public String toString() {
        return type.keyword() + ":" + table.name();
    }
}
