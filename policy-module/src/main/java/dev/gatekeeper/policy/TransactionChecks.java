package dev.gatekeeper.policy;

import dev.gatekeeper.dmarc.MessageAuthentication;
import dev.gatekeeper.callout.CalloutResult;
import dev.gatekeeper.mail.Mailbox;
import dev.gatekeeper.reputation.DnsList;
import dev.gatekeeper.reputation.GreylistDecision;
import dev.gatekeeper.reputation.ReputationQuery;
import dev.gatekeeper.reputation.ReputationScore;
import dev.gatekeeper.spf.SpfResult;
import java.net.InetAddress;
import java.util.List;
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
    CompletionStage<SpfAnswer> mailFromSpf(InetAddress client, String helo, Mailbox sender);

    /** SPF (RFC 7208 §2.3) for the HELO identity. */
    CompletionStage<SpfAnswer> heloSpf(InetAddress client, String helo);

    /** A callout verification of one address, asked on behalf of {@code client} (probe limits are per client). */
    CompletionStage<CalloutAnswer> callout(InetAddress client, Mailbox address);

    /**
     * DKIM and DMARC of the message just received, at the end of DATA: the adapter reads the
     * octets as received. By default nothing is checked (no signatures, DMARC none).
     */
    default CompletionStage<MessageAuthentication> message() {
        return CompletableFuture.completedFuture(MessageAuthentication.notChecked("not evaluated in this build"));
    }

    /**
     * What the policy's DNS lists ({@code <dnsbl>}, {@link PolicyConfig#dnsLists()}) say about
     * {@code query}: the adapter runs a {@code DnsListChecker} of these lists (one per distinct list
     * configuration in the process) and answers its stage, which the checker bounds by its timeout.
     * The policy asks as soon as a question is known (the client's address at connect, the HELO
     * name at HELO, the sender's domain at MAIL), each distinct question once per connection, and
     * waits for the answer only where a rule reads it. By default there are no DNS lists: the stage
     * fails, and a rule reading it answers 451 4.3.0.
     */
    default CompletionStage<ReputationScore> dnsLists(List<DnsList> lists, ReputationQuery query) {
        return CompletableFuture.failedFuture(new UnsupportedOperationException("no DNS lists in this build"));
    }

    /**
     * Greylisting of one triplet at RCPT ({@code <greylist/>}): the adapter runs a {@code Greylist}
     * over its shared state. Asked each time a rule reaches the condition. By default there is no
     * greylisting: the stage fails, and the condition's {@code on-failure} applies.
     */
    default CompletionStage<GreylistDecision> greylist(InetAddress client, Mailbox sender, Mailbox recipient) {
        return CompletableFuture.failedFuture(new UnsupportedOperationException("no greylisting in this build"));
    }

    /** Checks that answer SPF {@code none} and callout {@code skipped}: for builds without those engines, and tests. */
    static TransactionChecks none() {
        return new TransactionChecks() {
            @Override
            public CompletionStage<SpfAnswer> mailFromSpf(InetAddress client, String helo, Mailbox sender) {
                return CompletableFuture.completedFuture(SpfAnswer.of(SpfResult.NONE, "not evaluated in this build"));
            }

            @Override
            public CompletionStage<SpfAnswer> heloSpf(InetAddress client, String helo) {
                return CompletableFuture.completedFuture(SpfAnswer.of(SpfResult.NONE, "not evaluated in this build"));
            }

            @Override
            public CompletionStage<CalloutAnswer> callout(InetAddress client, Mailbox address) {
                return CompletableFuture.completedFuture(CalloutAnswer.of(CalloutResult.SKIPPED, "not evaluated in this build"));
            }
        };
    }
}
