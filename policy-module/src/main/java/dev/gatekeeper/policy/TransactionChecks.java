package dev.gatekeeper.policy;

import dev.gatekeeper.callout.CalloutStatus;
import dev.gatekeeper.mail.Mailbox;
import dev.gatekeeper.spf.SpfResult;
import java.net.InetAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The checks the policy may ask for but does not compute: the adapters implement this with the SPF
 * and callout engines. The policy calls a method only when a rule needs its answer, and at most
 * once per transaction for the same question (it keeps the answer), so implementations need not
 * cache. A stage that completes exceptionally is taken as a temporary failure (451 4.3.0).
 */
public interface TransactionChecks {

    /** SPF (RFC 7208 §2.4) for the MAIL FROM identity; for the null sender, {@code postmaster@helo}. */
    CompletionStage<SpfCheck> mailFromSpf(InetAddress client, String helo, Mailbox sender);

    /** SPF (RFC 7208 §2.3) for the HELO identity. */
    CompletionStage<SpfCheck> heloSpf(InetAddress client, String helo);

    /** A callout verification of one address, asked on behalf of {@code client} (probe limits are per client). */
    CompletionStage<CalloutCheck> callout(InetAddress client, Mailbox address);

    /** Checks that answer SPF {@code none} and callout {@code skipped}: for builds without those engines, and tests. */
    static TransactionChecks none() {
        return new TransactionChecks() {
            @Override
            public CompletionStage<SpfCheck> mailFromSpf(InetAddress client, String helo, Mailbox sender) {
                return CompletableFuture.completedFuture(SpfCheck.of(SpfResult.NONE, "not evaluated in this build"));
            }

            @Override
            public CompletionStage<SpfCheck> heloSpf(InetAddress client, String helo) {
                return CompletableFuture.completedFuture(SpfCheck.of(SpfResult.NONE, "not evaluated in this build"));
            }

            @Override
            public CompletionStage<CalloutCheck> callout(InetAddress client, Mailbox address) {
                return CompletableFuture.completedFuture(CalloutCheck.of(CalloutStatus.SKIPPED, "not evaluated in this build"));
            }
        };
    }
}
