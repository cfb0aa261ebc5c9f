package dev.gatekeeper.policy;

import dev.gatekeeper.callout.CalloutVerdict;
import dev.gatekeeper.callout.CalloutVerifier;
import dev.gatekeeper.mail.Mailbox;
import dev.gatekeeper.spf.SpfEvaluator;
import dev.gatekeeper.spf.SpfVerdict;
import java.net.InetAddress;
import java.util.concurrent.CompletionStage;

/**
 * The {@link TransactionChecks} every adapter uses: SPF from the {@link SpfEvaluator}, callouts
 * from the {@link CalloutVerifier}. Both engines never fail a stage, so neither does this.
 */
public final class EngineChecks implements TransactionChecks {

    private final SpfEvaluator spf;
    private final CalloutVerifier callouts;

    private EngineChecks(SpfEvaluator spf, CalloutVerifier callouts) {
        this.spf = spf;
        this.callouts = callouts;
    }

    /** Checks backed by the two engines, which the caller owns (and closes). */
    public static EngineChecks of(SpfEvaluator spf, CalloutVerifier callouts) {
        return new EngineChecks(spf, callouts);
    }

    @Override
    public CompletionStage<SpfAnswer> mailFromSpf(InetAddress client, String helo, Mailbox sender) {
        return spf.checkMailFrom(client, helo, sender.original()).thenApply(EngineChecks::spfCheck);
    }

    @Override
    public CompletionStage<SpfAnswer> heloSpf(InetAddress client, String helo) {
        return spf.checkHelo(client, helo).thenApply(EngineChecks::spfCheck);
    }

    @Override
    public CompletionStage<CalloutAnswer> callout(InetAddress client, Mailbox address) {
        return callouts.verify(address.original(), client).thenApply(EngineChecks::calloutCheck);
    }

    private static SpfAnswer spfCheck(SpfVerdict v) {
        return SpfAnswer.of(v.result(), v.explanation().orElse(v.problem().orElse("")));
    }

    private static CalloutAnswer calloutCheck(CalloutVerdict o) {
        // replyLine() is made once per cached answer, not on every transaction that reads it.
        String reply = o.replyCode() == 0 ? o.reason() : o.replyLine();
        return CalloutAnswer.of(o.status(), reply);
    }
}
