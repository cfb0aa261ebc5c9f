package dev.gatekeeper.policy;

import dev.gatekeeper.mail.DomainName;
import dev.gatekeeper.mail.MailSyntaxException;
import dev.gatekeeper.mail.Mailbox;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A table file in the manner of Postfix's access(5): one entry per line, {@code KEY [ACTION [TEXT]]},
 * blank lines and {@code #} comments ignored.
 *
 * <ul>
 *   <li>{@code cidr}: {@code 192.0.2.0/24}, {@code 2001:db8::/32} or one address; the first matching
 *       line wins, as in Postfix's cidr_table(5).</li>
 *   <li>{@code domain}: {@code example.com} matches that name only, {@code .example.com} its
 *       subdomains only; the exact name is tried first, then the parents from nearest.</li>
 *   <li>{@code address}: {@code user@example.com}, then the domain forms above ({@code @example.com}
 *       is the same as {@code example.com}), then {@code user@}; {@code <>} is the null sender.</li>
 *   <li>{@code regexp}: {@code /pattern/} or {@code /pattern/i}; the first line whose pattern is
 *       found in the key wins.</li>
 * </ul>
 *
 * <p>Keys compare case-insensitively. The file is looked at again when a lookup comes at least
 * {@code checkInterval} after the last look; if its modification time or size changed it is read
 * again and the new contents replace the old in one atomic step, so a lookup always sees one
 * whole version. A change is read only once two checks in a row (one interval apart) found the same
 * modification time and size, and is dropped if the file changes while it is read, so that a file
 * edited in place is not read half-written; replacing the file by a rename, as postmap does, is
 * better still. A file that no longer reads leaves the last good version in force and the error
 * is logged, naming file and line.
 */
final class AccessTable {

    private static final Logger LOG = LoggerFactory.getLogger(AccessTable.class);

    enum Type {
        CIDR,
        DOMAIN,
        ADDRESS,
        REGEXP;

        String keyword() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final String name;
    private final Type type;
    private final Path file;
    private final ReplyCatalog catalog;
    private final Clock clock;
    private final long checkMillis;
    private final AtomicReference<Contents> contents = new AtomicReference<>();
    private final AtomicLong lastCheck;
    private volatile Stamp rejected;
    private volatile Stamp pending;
    private volatile String lastError = "";

    /** Reads the file once; a bad file at start is a configuration error. */
    AccessTable(String name, Type type, Path file, ReplyCatalog catalog, Clock clock, Duration checkInterval) {
        this.name = name;
        this.type = type;
        this.file = file;
        this.catalog = catalog;
        this.clock = clock;
        this.checkMillis = checkInterval.toMillis();
        Stamp stamp = stamp().orElseThrow(() -> new PolicyConfigException(file + ": cannot read table file"));
        contents.set(read(stamp));
        lastCheck = new AtomicLong(clock.millis());
    }

    String name() {
        return name;
    }

    Type type() {
        return type;
    }

    /** The last reload error, "" when the file in force is the file on disk. */
    String lastError() {
        return lastError;
    }

    Optional<TableHit> lookup(InetAddress address) {
        Contents c = current();
        for (Entry e : c.list) {
            if (e.cidr != null && e.cidr.contains(address)) {
                return Optional.of(e.hit);
            }
        }
        return Optional.empty();
    }

    Optional<TableHit> lookupName(String name) {
        Contents c = current();
        String n = name.toLowerCase(Locale.ROOT);
        if (type == Type.REGEXP) {
            return regexp(c, n);
        }
        return domain(c, n);
    }

    Optional<TableHit> lookup(Mailbox address) {
        Contents c = current();
        if (type == Type.REGEXP) {
            return regexp(c, address.key());
        }
        if (type == Type.DOMAIN) {
            return address.isNullPath() ? Optional.empty() : domain(c, address.domain());
        }
        if (address.isNullPath()) {
            return Optional.ofNullable(c.exact.get("<>")).map(e -> e.hit);
        }
        Entry e = c.exact.get(address.key());
        if (e != null) {
            return Optional.of(e.hit);
        }
        Optional<TableHit> d = address.domain().isEmpty() ? Optional.empty() : domain(c, address.domain());
        if (d.isPresent()) {
            return d;
        }
        return Optional.ofNullable(c.exact.get(address.localPart().toLowerCase(Locale.ROOT) + "@")).map(x -> x.hit);
    }

    private static Optional<TableHit> regexp(Contents c, String key) {
        for (Entry e : c.list) {
            if (e.regex.matcher(key).find()) {
                return Optional.of(e.hit);
            }
        }
        return Optional.empty();
    }

    private static Optional<TableHit> domain(Contents c, String domain) {
        Entry e = c.exact.get(domain);
        if (e != null) {
            return Optional.of(e.hit);
        }
        for (String parent : DomainName.parentsOf(domain)) {
            e = c.exact.get("." + parent);
            if (e != null) {
                return Optional.of(e.hit);
            }
        }
        return Optional.empty();
    }

    private Contents current() {
        long now = clock.millis();
        long last = lastCheck.get();
        // One thread looks at the file; the others go on with the version in force.
        if (now - last >= checkMillis && lastCheck.compareAndSet(last, now)) {
            reloadIfChanged();
        }
        return contents.get();
    }

    /** Reads the file again if it changed; keeps the last good version when it no longer reads. */
    void reloadIfChanged() {
        Optional<Stamp> s = stamp();
        if (s.isEmpty()) {
            lastError = file + ": cannot read table file; keeping the version read before";
            LOG.error("table {}: {}", name, lastError);
            return;
        }
        Stamp stamp = s.get();
        if (stamp.equals(contents.get().stamp) || stamp.equals(rejected)) {
            pending = null;
            return;
        }
        if (!stamp.equals(pending)) {
            // A file rewritten in place can be caught half-written, and truncation does not always
            // move the mtime: read it only once two checks in a row found it the same.
            pending = stamp;
            return;
        }
        try {
            Contents fresh = read(stamp);
            if (!stamp().map(stamp::equals).orElse(false)) {
                return;
            }
            contents.set(fresh);
            rejected = null;
            lastError = "";
            LOG.info("table {}: reloaded {}", name, file);
        } catch (PolicyConfigException e) {
            rejected = stamp;
            lastError = e.getMessage() + "; keeping the version read before";
            LOG.error("table {}: {}", name, lastError);
        }
    }

    private Optional<Stamp> stamp() {
        try {
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
            return Optional.of(new Stamp(a.lastModifiedTime().toMillis(), a.size()));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private Contents read(Stamp stamp) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new PolicyConfigException(file + ": cannot read table file: " + e.getMessage(), e);
        }
        List<Entry> list = new ArrayList<>();
        Map<String, Entry> exact = new HashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String where = file.getFileName() + ":" + (i + 1);
            try {
                Entry e = parseLine(line, where);
                if (e.key != null) {
                    if (exact.putIfAbsent(e.key, e) != null) {
                        throw new IllegalArgumentException("'" + e.key + "' already listed on line " + exact.get(e.key).hit.location);
                    }
                } else {
                    list.add(e);
                }
            } catch (IllegalArgumentException e) {
                throw new PolicyConfigException(file + ":" + (i + 1) + ": " + e.getMessage());
            }
        }
        return new Contents(stamp, List.copyOf(list), Map.copyOf(exact));
    }

    private Entry parseLine(String line, String where) {
        if (type == Type.REGEXP) {
            if (!line.startsWith("/")) {
                throw new IllegalArgumentException("a regexp entry starts with '/'");
            }
            int end = -1;
            for (int i = 1; i < line.length(); i++) {
                char c = line.charAt(i);
                if (c == '\\') {
                    i++;
                } else if (c == '/') {
                    end = i;
                    break;
                }
            }
            if (end < 0) {
                throw new IllegalArgumentException("unterminated /pattern/");
            }
            int flagsEnd = end + 1;
            while (flagsEnd < line.length() && !Character.isWhitespace(line.charAt(flagsEnd))) {
                flagsEnd++;
            }
            String flags = line.substring(end + 1, flagsEnd);
            if (!flags.isEmpty() && !flags.equals("i")) {
                throw new IllegalArgumentException("unknown regexp flags '" + flags + "' (only 'i')");
            }
            Pattern p;
            try {
                // Keys are already lower case, so every pattern is case-insensitive in effect; 'i' is accepted for Postfix habits.
                p = Pattern.compile(line.substring(1, end), Pattern.CASE_INSENSITIVE);
            } catch (PatternSyntaxException e) {
                throw new IllegalArgumentException("bad regular expression: " + e.getDescription());
            }
            return new Entry(null, null, p, hit(where, line, line.substring(flagsEnd)));
        }
        String[] parts = line.split("[ \t]+", 2);
        String key = parts[0];
        String action = parts.length > 1 ? parts[1] : "";
        switch (type) {
            case CIDR:
                return new Entry(null, CidrBlock.parse(key), null, hit(where, line, action));
            case DOMAIN:
                return new Entry(domainKey(key), null, null, hit(where, line, action));
            default:
                return new Entry(addressKey(key), null, null, hit(where, line, action));
        }
    }

    private TableHit hit(String where, String line, String action) {
        return new TableHit(where, line, Vocabulary.tableAction(action, catalog));
    }

    /** {@code example.org}, {@code .example.org} (its subdomains) or {@code @example.org}, in the form {@link Mailbox#domain()} has. */
    private static String domainKey(String key) {
        boolean subdomains = key.startsWith(".");
        String bare = subdomains || key.startsWith("@") ? key.substring(1) : key;
        if (bare.endsWith(".")) {
            throw new IllegalArgumentException("'" + key + "' is not a domain");
        }
        String ascii;
        try {
            ascii = DomainName.parse(bare).ascii();
        } catch (MailSyntaxException e) {
            throw new IllegalArgumentException("'" + key + "' is not a domain");
        }
        return subdomains ? "." + ascii : ascii;
    }

    private static String addressKey(String key) {
        String k = key.toLowerCase(Locale.ROOT);
        if (k.equals("<>")) {
            return k;
        }
        int at = k.lastIndexOf('@');
        if (at < 0 || at == 0) {
            return domainKey(k);
        }
        if (at == k.length() - 1) {
            return k;
        }
        return Mailbox.parse(k).key();
    }

    private static final class Entry {
        final String key;
        final CidrBlock cidr;
        final Pattern regex;
        final TableHit hit;

        Entry(String key, CidrBlock cidr, Pattern regex, TableHit hit) {
            this.key = key;
            this.cidr = cidr;
            this.regex = regex;
            this.hit = hit;
        }
    }

    private static final class Contents {
        final Stamp stamp;
        final List<Entry> list;
        final Map<String, Entry> exact;

        Contents(Stamp stamp, List<Entry> list, Map<String, Entry> exact) {
            this.stamp = stamp;
            this.list = list;
            this.exact = exact;
        }
    }

    private static final class Stamp {
        final long mtime;
        final long size;

        Stamp(long mtime, long size) {
            this.mtime = mtime;
            this.size = size;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Stamp && ((Stamp) o).mtime == mtime && ((Stamp) o).size == size;
        }

        @Override
        public int hashCode() {
            return Objects.hash(mtime, size);
        }
    }
}
