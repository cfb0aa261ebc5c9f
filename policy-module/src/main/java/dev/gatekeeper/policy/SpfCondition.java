package dev.gatekeeper.policy;

import dev.gatekeeper.spf.SpfResult;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.stream.Collectors;

/**
 * {@code <spf identity="mail-from" result="fail softfail"/>}: the SPF result (RFC 7208) of the
 * MAIL FROM identity or of the HELO name, asked of the {@link TransactionChecks} only when a rule
 * reaches this condition, and at most once per transaction (per HELO name for HELO).
 */
final class SpfCondition extends Condition.Base {

    static final ConditionType TYPE = ConditionType.of("spf", Set.of("identity", "result"), SpfCondition::read);

    private final boolean helo;
    private final Set<SpfResult> results;

    private SpfCondition(boolean helo, Set<SpfResult> results) {
        super("spf identity=" + (helo ? "helo" : "mail-from") + " result="
                + results.stream().map(SpfResult::keyword).sorted().collect(Collectors.joining(",")), helo ? Datum.HELO : Datum.SENDER, false);
        this.helo = helo;
        this.results = results;
    }

    private static Condition read(ExtensionConfig config) {
        String identity = config.parameter("identity").map(String::strip).orElse("mail-from");
        if (!identity.equals("mail-from") && !identity.equals("helo")) {
            throw new IllegalArgumentException("identity is 'mail-from' or 'helo', not '" + identity + "'");
        }
        Set<SpfResult> results = EnumSet.noneOf(SpfResult.class);
        for (String w : ExtensionConfig.wordsIn(config.required("result"))) {
            try {
                results.add(SpfResult.fromKeyword(w));
            } catch (IllegalArgumentException ex) {
                throw new IllegalArgumentException("unknown SPF result '" + w
                        + "' (none, neutral, pass, fail, softfail, temperror, permerror)");
            }
        }
        return new SpfCondition(identity.equals("helo"), results);
    }

    @Override
    public CompletionStage<Match> match(StageContext ev) {
        if (helo && ev.helo().isEmpty() || !helo && ev.sender().isEmpty()) {
            return CompletableFuture.completedFuture(Match.NO);
        }
        return (helo ? ev.heloSpf() : ev.mailFromSpf()).thenApply(s -> Match.of(results.contains(s.result()),
                () -> "spf " + (helo ? "helo" : "mail-from") + " " + s));
    }
}
