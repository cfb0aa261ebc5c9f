package dev.gatekeeper.policy;

import dev.gatekeeper.dkim.ArcResult;
import dev.gatekeeper.dkim.ArcStatus;
import dev.gatekeeper.mail.DomainName;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.stream.Collectors;

/**
 * {@code <arc result="pass" sealer="lists.example.org"/>}: the message's ARC chain (RFC 8617
 * §5.2) has one of the results ({@code none}: no ARC fields; {@code temperror}: a key could not
 * be fetched), and, with {@code sealer}, one of its sets was sealed by one of these domains or a
 * domain below them: the forwarders an administrator trusts to have checked the mail before it
 * changed it (RFC 8617 §7.2); with {@code table} (a domain table), one of the sealers is an
 * entry there, as the administrator keeps the list of trusted forwarders in a file. Known at the
 * end of DATA only.
 */
final class ArcCondition extends Condition.Base {

    static final ConditionType TYPE = ConditionType.of("arc", Set.of("result", "sealer", "table"), ArcCondition::read);

    private final Set<ArcStatus> results;
    private final List<DomainName> sealers;

    private ArcCondition(Set<ArcStatus> results, List<DomainName> sealers, String description) {
        super(description, Datum.MESSAGE, false);
        this.results = results;
        this.sealers = sealers;
    }

    private static Condition read(ExtensionConfig config) {
        Set<ArcStatus> results = ExtensionConfig.keywords(ArcStatus.class, ExtensionConfig.wordsIn(config.required("result")),
                "ARC result", "none pass fail temperror");
        List<DomainName> sealers = new ArrayList<>();
        for (String d : config.parameter("sealer").map(ExtensionConfig::wordsIn).orElse(Set.of())) {
            sealers.add(DomainName.parse(d));
        }
        if ((!sealers.isEmpty() || config.has("table")) && results.equals(EnumSet.of(ArcStatus.NONE))) {
            throw new IllegalArgumentException("result 'none' (no chain) has no sealer to match");
        }
        String description = "arc result=" + results.stream().map(ArcStatus::keyword).collect(Collectors.joining(","))
                + (sealers.isEmpty() ? "" : " sealer=" + sealers.stream().map(DomainName::ascii).collect(Collectors.joining(",")));
        List<Condition> parts = new ArrayList<>();
        parts.add(new ArcCondition(results, sealers, description));
        if (config.has("table")) {
            AccessTable table = config.table(AccessTable.Type.DOMAIN);
            parts.add(new Condition.Base("arc sealer table=" + table.name(), Datum.MESSAGE, true) {
                @Override
                public CompletionStage<Match> match(StageContext ev) {
                    return ev.message().thenApply(m -> sealerIn(table, m.arc()));
                }
            });
        }
        return TYPE.allOf(parts);
    }

    /** The first of the chain's sealers (newest first) that the table lists with an action that counts. */
    private static Match sealerIn(AccessTable table, ArcResult arc) {
        List<String> sealers = new ArrayList<>(arc.sealerDomains());
        java.util.Collections.reverse(sealers);
        for (String sealer : sealers) {
            Match m = Match.inTable(() -> "arc sealer " + sealer, table, table.lookupName(DomainName.canonical(sealer)));
            if (m.matched) {
                return m;
            }
        }
        return Match.NO;
    }

    @Override
    public CompletionStage<Match> match(StageContext ev) {
        return ev.message().thenApply(m -> {
            ArcResult arc = m.arc();
            return Match.of(results.contains(arc.status()) && sealedByOneOfOurs(arc), arc::resinfo);
        });
    }

    private boolean sealedByOneOfOurs(ArcResult arc) {
        if (sealers.isEmpty()) {
            return true;
        }
        return arc.sealerDomains().stream().map(DomainName::canonical)
                .anyMatch(d -> sealers.stream().anyMatch(n -> d.equals(n.ascii()) || d.endsWith("." + n.ascii())));
    }
}
