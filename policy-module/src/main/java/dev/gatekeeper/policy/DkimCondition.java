package dev.gatekeeper.policy;

import dev.gatekeeper.dkim.DkimResult;
import dev.gatekeeper.dkim.DkimStatus;
import dev.gatekeeper.mail.DomainName;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.stream.Collectors;

/**
 * {@code <dkim result="pass" domain="example.org"/>}: some DKIM signature of the message has one
 * of the results (RFC 8601 §2.7.1), signed by one of the domains or a domain below them when
 * {@code domain} is given; {@code result="none"} matches a message without any signature. Known
 * at the end of DATA only, when the message has been received.
 */
final class DkimCondition extends Condition.Base {

    static final ConditionType TYPE = ConditionType.of("dkim", Set.of("result", "domain"), DkimCondition::read);

    /** What {@code result} may list: the statuses, and {@code none} for an unsigned message. */
    private static final String KEYWORDS = "none pass fail neutral policy temperror permerror";

    private final boolean none;
    private final Set<DkimStatus> results;
    private final List<DomainName> domains;

    private DkimCondition(boolean none, Set<DkimStatus> results, List<DomainName> domains, String description) {
        super(description, Datum.MESSAGE, false);
        this.none = none;
        this.results = results;
        this.domains = domains;
    }

    private static Condition read(ExtensionConfig config) {
        Set<String> words = new java.util.LinkedHashSet<>(ExtensionConfig.wordsIn(config.required("result")));
        // "none" is no signature's status: the message had no signature at all.
        boolean none = words.removeIf(w -> w.equalsIgnoreCase("none"));
        Set<DkimStatus> results = ExtensionConfig.keywords(DkimStatus.class, words, "DKIM result", KEYWORDS);
        List<DomainName> domains = new ArrayList<>();
        for (String d : config.parameter("domain").map(ExtensionConfig::wordsIn).orElse(Set.of())) {
            domains.add(DomainName.parse(d.startsWith("@") ? d.substring(1) : d));
        }
        if (none && !domains.isEmpty()) {
            throw new IllegalArgumentException("result 'none' (no signature) has no signing domain to match");
        }
        String description = "dkim result=" + (none ? "none" + (results.isEmpty() ? "" : ",") : "")
                + results.stream().map(DkimStatus::keyword).sorted().collect(Collectors.joining(","))
                + (domains.isEmpty() ? "" : " domain=" + domains.stream().map(DomainName::ascii).collect(Collectors.joining(",")));
        return new DkimCondition(none, results, domains, description);
    }

    @Override
    public CompletionStage<Match> match(StageContext ev) {
        return ev.message().thenApply(m -> {
            if (m.dkim().isEmpty()) {
                return Match.of(none, "dkim none");
            }
            for (DkimResult r : m.dkim()) {
                if (results.contains(r.status()) && signedBy(r.domain())) {
                    return Match.of(true, () -> "dkim " + r.resinfo());
                }
            }
            return Match.of(false, () -> "dkim " + m.dkim().stream().map(DkimResult::resinfo).collect(Collectors.joining(", ")));
        });
    }

    private boolean signedBy(String d) {
        if (domains.isEmpty()) {
            return true;
        }
        String signer = DomainName.canonical(d);
        return domains.stream().anyMatch(n -> signer.equals(n.ascii()) || signer.endsWith("." + n.ascii()));
    }
}
