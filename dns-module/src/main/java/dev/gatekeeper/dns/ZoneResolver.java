package dev.gatekeeper.dns;

import dev.gatekeeper.mail.DomainName;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A resolver that answers from zone data held in memory, the way an authoritative server would:
 * records at a name, NODATA for a name that exists without records of the asked type, NXDOMAIN
 * for a name that does not exist, CNAMEs followed, and temporary failures where the data says a
 * query times out. Immutable once built; safe to share.
 */
public final class ZoneResolver implements DnsResolver {

    /** RFC 1034 §3.6.2 leaves chain length to the resolver; 8 is what common recursors allow. */
    static final int MAX_CNAME_CHAIN = 8;

    private final Map<String, Map<RecordType, List<DnsRecord>>> records;
    private final Map<String, String> cnames;
    private final Map<String, Set<RecordType>> timeouts;

    private ZoneResolver(Builder b) {
        Map<String, Map<RecordType, List<DnsRecord>>> copy = new HashMap<>();
        b.records.forEach((name, byType) -> {
            Map<RecordType, List<DnsRecord>> t = new HashMap<>();
            byType.forEach((type, list) -> t.put(type, List.copyOf(list)));
            copy.put(name, Map.copyOf(t));
        });
        this.records = Map.copyOf(copy);
        this.cnames = Map.copyOf(b.cnames);
        Map<String, Set<RecordType>> to = new HashMap<>();
        b.timeouts.forEach((name, types) -> to.put(name, Set.copyOf(types)));
        this.timeouts = Map.copyOf(to);
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public CompletionStage<DnsAnswer> lookup(String name, RecordType type) {
        return CompletableFuture.completedFuture(answer(name, type));
    }

    /** The answer, computed synchronously. */
    public DnsAnswer answer(String name, RecordType type) {
        String current = DomainName.canonical(name);
        Set<String> seen = new HashSet<>();
        for (int hop = 0; hop <= MAX_CNAME_CHAIN; hop++) {
            Set<RecordType> timedOut = timeouts.get(current);
            if (timedOut != null && timedOut.contains(type)) {
                return DnsAnswer.tempfail("query for " + current + " " + type + " timed out");
            }
            String target = cnames.get(current);
            if (target != null) {
                if (!seen.add(current)) {
                    return DnsAnswer.tempfail("CNAME loop at " + current);
                }
                current = target;
                continue;
            }
            Map<RecordType, List<DnsRecord>> byType = records.get(current);
            if (byType == null) {
                return timeouts.containsKey(current) ? DnsAnswer.nodata() : DnsAnswer.nxdomain();
            }
            List<DnsRecord> found = byType.get(type);
            return found == null ? DnsAnswer.nodata() : DnsAnswer.of(found);
        }
        return DnsAnswer.tempfail("CNAME chain longer than " + MAX_CNAME_CHAIN + " at " + name);
    }

    /** Collects zone data; names are case-insensitive and may carry a trailing dot. */
    public static final class Builder {
        private final Map<String, Map<RecordType, List<DnsRecord>>> records = new LinkedHashMap<>();
        private final Map<String, String> cnames = new HashMap<>();
        private final Map<String, Set<RecordType>> timeouts = new HashMap<>();

        private Builder() {
        }

        /** Adds a record at a name. */
        public Builder add(String name, DnsRecord record) {
            records.computeIfAbsent(DomainName.canonical(name), n -> new HashMap<>())
                    .computeIfAbsent(record.type(), t -> new ArrayList<>())
                    .add(record);
            return this;
        }

        /** Makes a name exist with no records (an empty non-terminal, or a name with only other data). */
        public Builder exists(String name) {
            records.computeIfAbsent(DomainName.canonical(name), n -> new HashMap<>());
            return this;
        }

        /** Makes a name an alias of another. */
        public Builder cname(String name, String target) {
            cnames.put(DomainName.canonical(name), DomainName.canonical(target));
            return this;
        }

        /** Makes queries of the given types at a name fail temporarily (all types when none given). */
        public Builder timeout(String name, RecordType... types) {
            Set<RecordType> set = timeouts.computeIfAbsent(DomainName.canonical(name), n -> EnumSet.noneOf(RecordType.class));
            set.addAll(types.length == 0 ? EnumSet.allOf(RecordType.class) : List.of(types));
            return this;
        }

        public ZoneResolver build() {
            return new ZoneResolver(this);
        }
    }
}
