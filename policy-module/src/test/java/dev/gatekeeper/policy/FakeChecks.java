package dev.gatekeeper.policy;

import dev.gatekeeper.dmarc.MessageAuthentication;
import dev.gatekeeper.callout.CalloutResult;
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

    SpfAnswer mailFrom = SpfAnswer.of(SpfResult.NONE, "");
    SpfAnswer helo = SpfAnswer.of(SpfResult.NONE, "");
    final Map<String, CalloutAnswer> callouts = new HashMap<>();
    /** Callouts answered when the test completes them. */
    final Map<String, CompletableFuture<CalloutAnswer>> calloutsLater = new HashMap<>();
    MessageAuthentication message = MessageAuthentication.notChecked("not set by the test");
    RuntimeException failure;
    final AtomicInteger messageAsked = new AtomicInteger();
    final AtomicInteger mailFromAsked = new AtomicInteger();
    final AtomicInteger heloAsked = new AtomicInteger();
    final AtomicInteger calloutAsked = new AtomicInteger();

    FakeChecks mailFrom(SpfResult result, String explanation) {
        mailFrom = SpfAnswer.of(result, explanation);
        return this;
    }

    FakeChecks helo(SpfResult result) {
        helo = SpfAnswer.of(result, "");
        return this;
    }

    FakeChecks callout(String address, CalloutResult status) {
        callouts.put(address, CalloutAnswer.of(status, status == CalloutResult.REJECTED ? "550 5.1.1 no such user" : ""));
        return this;
    }

    /** The callout of {@code address} is answered when the test completes the stage this returns. */
    CompletableFuture<CalloutAnswer> calloutLater(String address) {
        return calloutsLater.computeIfAbsent(address, a -> new CompletableFuture<>());
    }

    @Override
    public CompletionStage<SpfAnswer> mailFromSpf(InetAddress client, String heloName, Mailbox sender) {
        mailFromAsked.incrementAndGet();
        if (failure != null) {
            return CompletableFuture.failedFuture(failure);
        }
        // Completes later, on another thread, as a real engine would.
        return CompletableFuture.supplyAsync(() -> mailFrom);
    }

    @Override
    public CompletionStage<MessageAuthentication> message() {
        messageAsked.incrementAndGet();
        return CompletableFuture.supplyAsync(() -> message);
    }

    @Override
    public CompletionStage<SpfAnswer> heloSpf(InetAddress client, String heloName) {
        heloAsked.incrementAndGet();
        return CompletableFuture.completedFuture(helo);
    }

    @Override
    public CompletionStage<CalloutAnswer> callout(InetAddress client, Mailbox address) {
        calloutAsked.incrementAndGet();
        CompletableFuture<CalloutAnswer> later = calloutsLater.get(address.key());
        if (later != null) {
            return later;
        }
        return CompletableFuture.completedFuture(callouts.getOrDefault(address.key(), CalloutAnswer.of(CalloutResult.ACCEPTED, "")));
    }
}
