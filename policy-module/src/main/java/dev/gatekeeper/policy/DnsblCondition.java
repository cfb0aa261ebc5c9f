package dev.gatekeeper.policy;

import dev.gatekeeper.reputation.DnsList;
import dev.gatekeeper.reputation.ListHit;
import dev.gatekeeper.reputation.ReputationScore;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.stream.Collectors;

/**
 * {@code <dnsbl list="zen dbl" subject="sender-domain"/>}: one of the named DNS lists (declared
 * with {@code <dnsbl name="">}) lists the connection, whatever the weights; with {@code subject},
 * for one of these subjects only. IP lists and domain lists (RHSBL) alike: a domain list is asked
 * about the subjects it was declared with, so {@code <dnsbl list="dbl" subject="helo"/>} is
 * Postfix's {@code reject_rhsbl_helo}. Known once the subjects it reads are.
 */
final class DnsblCondition extends Condition.Base {

    static final ConditionType TYPE = ConditionType.of("dnsbl", Set.of("list", "subject"), DnsblCondition::read);

    private final List<String> names;
    private final Set<DnsList.Subject> subjects;

    private DnsblCondition(List<String> names, Set<DnsList.Subject> subjects, Datum datum, String description) {
        super(description, datum, false);
        this.names = names;
        this.subjects = subjects;
    }

    private static Condition read(ExtensionConfig config) {
        List<DnsList> lists = new ArrayList<>();
        for (String name : ExtensionConfig.wordsIn(config.required("list"))) {
            DnsList l = config.dnsLists().get(name);
            if (l == null) {
                throw new IllegalArgumentException("no DNS list named '" + name + "' (declared: "
                        + (config.dnsLists().isEmpty() ? "none; declare it in <policy> with <dnsbl name=\"" + name + "\" zone=\"\"/>"
                        : String.join(", ", config.dnsLists().keySet())) + ")");
            }
            lists.add(l);
        }
        Set<DnsList.Subject> asked = EnumSet.noneOf(DnsList.Subject.class);
        lists.forEach(l -> asked.addAll(l.subjects()));
        Set<DnsList.Subject> subjects = EnumSet.noneOf(DnsList.Subject.class);
        for (String w : config.words("subject")) {
            DnsList.Subject s = Arrays.stream(DnsList.Subject.values()).filter(x -> x.label().equals(w.toLowerCase(Locale.ROOT)))
                    .findFirst().orElseThrow(() -> new IllegalArgumentException("unknown subject '" + w
                            + "' (client-address, sender-domain, helo, client-name)"));
            if (!asked.contains(s)) {
                throw new IllegalArgumentException("subject " + s.label() + ": no list named here is asked about it (they are asked about "
                        + asked.stream().map(DnsList.Subject::label).collect(Collectors.joining(", ")) + ")");
            }
            subjects.add(s);
        }
        Set<DnsList.Subject> read = subjects.isEmpty() ? asked : subjects;
        Datum datum = Datum.latest(read.stream().map(Datum::of).collect(Collectors.toList()));
        List<String> names = lists.stream().map(DnsList::name).collect(Collectors.toList());
        String description = "dnsbl list=" + String.join(",", names)
                + (subjects.isEmpty() ? "" : " subject=" + subjects.stream().map(DnsList.Subject::label).collect(Collectors.joining(",")));
        return new DnsblCondition(names, subjects, datum, description);
    }

    @Override
    public CompletionStage<Match> match(StageContext ev) {
        return ev.dnsLists().thenApply(s -> {
            List<String> listing = names.stream().filter(n -> listed(s, n)).collect(Collectors.toList());
            if (listing.isEmpty()) {
                return Match.ofTraced(false, () -> "dnsbl " + s);
            }
            ev.dnsblLists = zones(s, listing);
            return Match.yes(() -> "dnsbl " + s);
        });
    }

    private boolean listed(ReputationScore s, String name) {
        return subjects.isEmpty() ? s.listed(name) : subjects.stream().anyMatch(subject -> s.listed(name, subject));
    }

    /** The zones of the named lists, as Postfix names a list in its reply: {@code zen.spamhaus.org}. */
    static String zones(ReputationScore s, Collection<String> names) {
        Set<String> zones = new LinkedHashSet<>();
        for (ListHit h : s.hits()) {
            if (names.contains(h.list().name())) {
                zones.add(h.list().zone().ascii());
            }
        }
        return String.join(", ", zones);
    }

    /** The zones of the block lists (positive weight) among {@code names} that listed something. */
    static String blockZones(ReputationScore s, Collection<String> names) {
        return zones(s, s.hits().stream().filter(h -> h.list().weight() > 0 && names.contains(h.list().name()))
                .map(h -> h.list().name()).collect(Collectors.toSet()));
    }
}
