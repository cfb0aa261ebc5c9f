package dev.gatekeeper.policy;

import dev.gatekeeper.dmarc.MessageAuthentication;
import dev.gatekeeper.callout.CalloutResult;
import dev.gatekeeper.dns.DnsResolver;
import dev.gatekeeper.mail.Mailbox;
import dev.gatekeeper.reputation.DnsList;
import dev.gatekeeper.reputation.DnsListChecker;
import dev.gatekeeper.reputation.DnsListSettings;
import dev.gatekeeper.reputation.Greylist;
import dev.gatekeeper.reputation.GreylistDecision;
import dev.gatekeeper.reputation.ReputationQuery;
import dev.gatekeeper.reputation.ReputationScore;
import dev.gatekeeper.spf.SpfResult;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
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
    /** The real DNS list engine over this resolver; null: the interface's default (no lists). */
    DnsResolver dnsListZone;
    /** The questions the DNS lists were asked, in order. */
    final List<ReputationQuery> dnsListQueries = Collections.synchronizedList(new ArrayList<>());
    /** The real greylisting engine; null: the interface's default (no greylisting: a failed stage). */
    Greylist greylist;
    final AtomicInteger greylistAsked = new AtomicInteger();

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

    @Override
    public CompletionStage<ReputationScore> dnsLists(List<DnsList> lists, ReputationQuery query) {
        dnsListQueries.add(query);
        if (dnsListZone == null) {
            return TransactionChecks.super.dnsLists(lists, query);
        }
        return DnsListChecker.builder(DnsListSettings.defaults(), lists, dnsListZone).build().check(query);
    }

    @Override
    public CompletionStage<GreylistDecision> greylist(InetAddress client, Mailbox sender, Mailbox recipient) {
        greylistAsked.incrementAndGet();
        return greylist == null ? TransactionChecks.super.greylist(client, sender, recipient) : greylist.check(client, sender, recipient);
    }
}
