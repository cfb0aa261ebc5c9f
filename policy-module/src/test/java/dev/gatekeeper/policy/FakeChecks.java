package dev.gatekeeper.policy;

import dev.gatekeeper.callout.CalloutStatus;
import dev.gatekeeper.mail.Mailbox;
import dev.gatekeeper.spf.SpfResult;
import java.net.InetAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;

/** Answers set by the test, and counts how often each question was asked. */
final class FakeChecks implements TransactionChecks {

    SpfCheck mailFrom = SpfCheck.of(SpfResult.NONE, "");
    SpfCheck helo = SpfCheck.of(SpfResult.NONE, "");
    final Map<String, CalloutCheck> callouts = new HashMap<>();
    /** Callouts answered when the test completes them. */
    final Map<String, CompletableFuture<CalloutCheck>> calloutsLater = new HashMap<>();
    RuntimeException failure;
    final AtomicInteger mailFromAsked = new AtomicInteger();
    final AtomicInteger heloAsked = new AtomicInteger();
    final AtomicInteger calloutAsked = new AtomicInteger();

    FakeChecks mailFrom(SpfResult result, String explanation) {
        mailFrom = SpfCheck.of(result, explanation);
        return this;
    }

    FakeChecks helo(SpfResult result) {
        helo = SpfCheck.of(result, "");
        return this;
    }

    FakeChecks callout(String address, CalloutStatus status) {
        callouts.put(address, CalloutCheck.of(status, status == CalloutStatus.REJECTED ? "550 5.1.1 no such user" : ""));
        return this;
    }

    /** The callout of {@code address} is answered when the test completes the stage this returns. */
    CompletableFuture<CalloutCheck> calloutLater(String address) {
        return calloutsLater.computeIfAbsent(address, a -> new CompletableFuture<>());
    }

    @Override
    public CompletionStage<SpfCheck> mailFromSpf(InetAddress client, String heloName, Mailbox sender) {
        mailFromAsked.incrementAndGet();
        if (failure != null) {
            return CompletableFuture.failedFuture(failure);
        }
        // Completes later, on another thread, as a real engine would.
        return CompletableFuture.supplyAsync(() -> mailFrom);
    }

    @Override
    public CompletionStage<SpfCheck> heloSpf(InetAddress client, String heloName) {
        heloAsked.incrementAndGet();
        return CompletableFuture.completedFuture(helo);
    }

    @Override
    public CompletionStage<CalloutCheck> callout(InetAddress client, Mailbox address) {
        calloutAsked.incrementAndGet();
        CompletableFuture<CalloutCheck> later = calloutsLater.get(address.key());
        if (later != null) {
            return later;
        }
        return CompletableFuture.completedFuture(callouts.getOrDefault(address.key(), CalloutCheck.of(CalloutStatus.ACCEPTED, "")));
    }
}
