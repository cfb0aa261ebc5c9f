package dev.gatekeeper.dns;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.Master;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * Zone data read from an RFC 1035 master file by dnsjava's parser: {@code $ORIGIN}, {@code $TTL},
 * {@code $INCLUDE}, relative names, and every type dnsjava knows. The engines' types (A, AAAA, MX,
 * TXT with its several strings, PTR) and CNAMEs make the {@link #resolver() resolver}; other types
 * (SOA, NS, and SPF, which RFC 7208 §3.1 retired) only make their owner name exist. Names between
 * a zone apex (an SOA owner, or the origin given) and a name with data exist too (RFC 8020).
 * Every record keeps its TTL for the loopback DNS server of the tests.
 */
public final class ZoneFile {

    /** The TTL of a record when the file gives none and has no {@code $TTL}. */
    public static final long DEFAULT_TTL = 3600;

    // dnsjava's tokenizer reports "name:line: reason".
    private static final Pattern LOCATED = Pattern.compile("^(.*?):(\\d+): (.*)$", Pattern.DOTALL);

    private final String source;
    private final List<Record> records;
    private final Map<Name, List<Record>> byName;
    private final Set<Name> names;
    private final List<SOARecord> soas;
    private final ZoneResolver resolver;

    private ZoneFile(String source, List<Record> records, Name origin) throws ZoneFileException {
        this.source = source;
        this.records = List.copyOf(records);
        Map<Name, List<Record>> grouped = new LinkedHashMap<>();
        List<SOARecord> soaList = new ArrayList<>();
        for (Record r : records) {
            grouped.computeIfAbsent(r.getName(), n -> new ArrayList<>()).add(r);
            if (r instanceof SOARecord) {
                soaList.add((SOARecord) r);
            }
        }
        Set<Name> apexes = new HashSet<>();
        soaList.forEach(soa -> apexes.add(soa.getName()));
        if (origin != null) {
            apexes.add(origin);
        }
        Set<Name> existing = new HashSet<>(grouped.keySet());
        for (Name n : grouped.keySet()) {
            for (Name apex : apexes) {
                if (n.subdomain(apex)) {
                    for (Name up = n; !up.equals(apex); up = new Name(up, 1)) {
                        existing.add(up);
                    }
                    existing.add(apex);
                }
            }
        }
        ZoneResolver.Builder builder = ZoneResolver.builder();
        for (Map.Entry<Name, List<Record>> e : grouped.entrySet()) {
            checkCname(source, e.getKey(), e.getValue());
            for (Record r : e.getValue()) {
                String owner = r.getName().toString();
                if (r instanceof CNAMERecord) {
                    builder.cname(owner, ((CNAMERecord) r).getTarget().toString());
                } else if (DnsjavaRecords.isSupported(r)) {
                    builder.add(owner, DnsjavaRecords.convert(r));
                } else {
                    builder.exists(owner);
                }
            }
        }
        for (Name n : existing) {
            builder.exists(n.toString());
        }
        Map<Name, List<Record>> frozen = new LinkedHashMap<>();
        grouped.forEach((n, list) -> frozen.put(n, List.copyOf(list)));
        this.byName = Collections.unmodifiableMap(frozen);
        this.names = Set.copyOf(existing);
        this.soas = List.copyOf(soaList);
        this.resolver = builder.build();
    }

    /** Reads a master file whose names are absolute or relative to its own {@code $ORIGIN} lines. */
    public static ZoneFile load(Path file) throws IOException {
        return load(file, null);
    }

    /** Reads a master file, with relative names taken relative to {@code origin} until a {@code $ORIGIN}. */
    public static ZoneFile load(Path file, String origin) throws IOException {
        String source = file.toString();
        if (!Files.isReadable(file)) {
            throw new ZoneFileException(source, 0, "cannot read the file", null);
        }
        Name originName = origin(source, origin);
        String shortName = file.getFileName() == null ? source : file.getFileName().toString();
        try (Master master = new Master(source, originName, DEFAULT_TTL)) {
            return new ZoneFile(source, readAll(master), originName);
        } catch (ParseFailure f) {
            throw located(source, shortName, f.getCause(), () -> Files.readAllBytes(file), originName, false);
        }
    }

    /** Parses master-file text; {@code sourceName} names it in errors. */
    public static ZoneFile parse(String text, String sourceName) throws ZoneFileException {
        return parse(text, sourceName, null);
    }

    /** Parses master-file text with relative names taken relative to {@code origin}. */
    public static ZoneFile parse(String text, String sourceName, String origin) throws ZoneFileException {
        Name originName = origin(sourceName, origin);
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        try (Master master = master(bytes, originName, true)) {
            return new ZoneFile(sourceName, readAll(master), originName);
        } catch (ParseFailure f) {
            throw located(sourceName, "<none>", f.getCause(), () -> bytes, originName, true);
        }
    }

    private static Master master(byte[] text, Name origin, boolean noIncludes) {
        Master master = new Master(new ByteArrayInputStream(text), origin, DEFAULT_TTL);
        // $INCLUDE from text would read files relative to the working directory: refuse it.
        master.disableIncludes(noIncludes);
        return master;
    }

    /** Where the data came from (the file's path as given, or the source name). */
    public String source() {
        return source;
    }

    /** A resolver answering from this data. */
    public ZoneResolver resolver() {
        return resolver;
    }

    /** How many records the file holds. */
    public int size() {
        return records.size();
    }

    /** Every record in file order, with its TTL. */
    List<Record> records() {
        return records;
    }

    /** The records owned by a name, in file order; empty when none. */
    List<Record> recordsAt(Name name) {
        List<Record> found = byName.get(name);
        return found == null ? List.of() : found;
    }

    /** True when the name owns records or lies between a zone apex and a name that does. */
    boolean exists(Name name) {
        return names.contains(name);
    }

    /** The SOA of the closest zone enclosing the name, or null when none does. */
    SOARecord soaFor(Name name) {
        SOARecord best = null;
        for (SOARecord soa : soas) {
            if (name.subdomain(soa.getName()) && (best == null || soa.getName().labels() > best.getName().labels())) {
                best = soa;
            }
        }
        return best;
    }

    private static Name origin(String source, String origin) throws ZoneFileException {
        if (origin == null) {
            return null;
        }
        try {
            return Name.fromString(origin.endsWith(".") ? origin : origin + ".");
        } catch (TextParseException e) {
            throw new ZoneFileException(source, 0, "bad origin '" + origin + "': " + e.getMessage(), e);
        }
    }

    /** What {@link #readAll} throws: dnsjava's exception, to be located. */
    private static final class ParseFailure extends Exception {
        private static final long serialVersionUID = 1L;

        ParseFailure(Exception cause) {
            super(cause);
        }
    }

    private interface Content {
        byte[] read() throws IOException;
    }

    private static List<Record> readAll(Master master) throws ParseFailure {
        List<Record> out = new ArrayList<>();
        try {
            Record r;
            while ((r = master.nextRecord()) != null) {
                out.add(r);
            }
        } catch (IOException | RuntimeException e) {
            throw new ParseFailure(e);
        }
        return out;
    }

    /**
     * Names the line of a parse error. dnsjava's tokenizer says {@code name:line: reason}; errors
     * raised past it (a relative name without origin, say) carry no line, which is then the
     * shortest start of the text that fails the same way.
     */
    private static ZoneFileException located(String source, String tokenizerName, Throwable error, Content content,
            Name origin, boolean noIncludes) {
        String message = String.valueOf(error.getMessage());
        Matcher m = LOCATED.matcher(message);
        if (m.matches()) {
            // An error inside an $INCLUDEd file names that file.
            String where = m.group(1).equals(tokenizerName) ? source : m.group(1);
            return new ZoneFileException(where, Integer.parseInt(m.group(2)), m.group(3), error);
        }
        int line = 0;
        try {
            line = firstFailingLine(content.read(), origin, noIncludes, error);
        } catch (IOException e) {
            // the line stays unknown
        }
        return new ZoneFileException(source, line, message, error);
    }

    private static int firstFailingLine(byte[] text, Name origin, boolean noIncludes, Throwable error) {
        List<Integer> lineEnds = new ArrayList<>();
        for (int i = 0; i < text.length; i++) {
            if (text[i] == '\n') {
                lineEnds.add(i + 1);
            }
        }
        if (text.length > 0 && text[text.length - 1] != '\n') {
            lineEnds.add(text.length);
        }
        int lo = 1;
        int hi = lineEnds.size();
        int found = 0;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            byte[] prefix = java.util.Arrays.copyOf(text, lineEnds.get(mid - 1));
            if (failsTheSameWay(prefix, origin, noIncludes, error)) {
                found = mid;
                hi = mid - 1;
            } else {
                lo = mid + 1;
            }
        }
        return found;
    }

    private static boolean failsTheSameWay(byte[] prefix, Name origin, boolean noIncludes, Throwable error) {
        try (Master master = master(prefix, origin, noIncludes)) {
            readAll(master);
            return false;
        } catch (ParseFailure f) {
            Throwable e = f.getCause();
            return e.getClass() == error.getClass() && String.valueOf(e.getMessage()).equals(error.getMessage());
        }
    }

    // RFC 1034 §3.6.2 and RFC 2181 §10.1: a CNAME is the only data at its name.
    private static void checkCname(String source, Name name, List<Record> atName) throws ZoneFileException {
        int cnames = 0;
        for (Record r : atName) {
            if (r.getType() == Type.CNAME) {
                cnames++;
            }
        }
        if (cnames > 1) {
            throw new ZoneFileException(source, 0, name + " has more than one CNAME", null);
        }
        if (cnames == 1 && atName.size() > 1) {
            throw new ZoneFileException(source, 0, name + " has a CNAME and other data", null);
        }
    }

    @Override
    public String toString() {
        return "ZoneFile{" + source + ", " + records.size() + " records}";
    }
}
