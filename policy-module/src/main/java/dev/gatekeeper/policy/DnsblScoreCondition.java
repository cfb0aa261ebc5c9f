package dev.gatekeeper.policy;

import dev.gatekeeper.reputation.DnsList;
import java.util.Collection;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.stream.Collectors;

/**
 * {@code <dnsbl-score above="2"/>}: the sum of the weights of the declared DNS lists that list
 * the connection (each list once; allow lists negative) is above N (and, with {@code below},
 * under M), as Postfix's {@code postscreen_dnsbl_threshold}. Known once every subject the lists
 * ask about is: from connect for IP lists and the client's name, HELO for HELO lists, MAIL for
 * sender domain lists. A list that did not answer within the checker's timeout counts as not
 * listed.
 */
final class DnsblScoreCondition extends Condition.Base {

    static final ConditionType TYPE = ConditionType.of("dnsbl-score", Set.of("above", "below"), DnsblScoreCondition::read);

    private final Integer above;
    private final Integer below;

    private DnsblScoreCondition(Integer above, Integer below, Datum datum, String description) {
        super(description, datum, false);
        this.above = above;
        this.below = below;
    }

    private static Condition read(ExtensionConfig config) {
        Collection<DnsList> lists = config.dnsLists().values();
        if (lists.isEmpty()) {
            throw new IllegalArgumentException("no DNS list declared (declare them in <policy> with <dnsbl name=\"\" zone=\"\"/>)");
        }
        Integer above = config.has("above") ? number(config, "above") : null;
        Integer below = config.has("below") ? number(config, "below") : null;
        if (above == null && below == null) {
            throw new IllegalArgumentException("says nothing to match (give above, below or both)");
        }
        if (above != null && below != null && below - above < 2) {
            throw new IllegalArgumentException("no score is above " + above + " and below " + below);
        }
        String description = "dnsbl-score" + (above == null ? "" : " above=" + above) + (below == null ? "" : " below=" + below);
        return new DnsblScoreCondition(above, below, datum(lists), description);
    }

    static int number(ExtensionConfig config, String name) {
        String v = config.parameter(name).orElseThrow().strip();
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " is a whole number, not '" + v + "'");
        }
    }

    /** The data of the subjects the lists ask about: the score is known once the last of them is. */
    static Datum datum(Collection<DnsList> lists) {
        return Datum.latest(lists.stream().flatMap(l -> l.subjects().stream()).map(Datum::of).collect(Collectors.toList()));
    }

    @Override
    public CompletionStage<Match> match(StageContext ev) {
        return ev.dnsLists().thenApply(s -> {
            boolean matched = (above == null || s.score() > above) && (below == null || s.score() < below);
            if (matched) {
                ev.dnsblLists = DnsblCondition.blockZones(s, s.listedNames());
            }
            return Match.ofTraced(matched, () -> "dnsbl " + s);
        });
    }
}
