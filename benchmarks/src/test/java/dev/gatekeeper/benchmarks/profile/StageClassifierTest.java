package dev.gatekeeper.benchmarks.profile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatekeeper.benchmarks.profile.StageClassifier.Frame;
import dev.gatekeeper.benchmarks.profile.StageClassifier.Stage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Hand-built stacks, written root first as one reads a thread dump upside down, and handed to the
 * classifier top first as JFR gives them.
 */
class StageClassifierTest {

    private static final String HANDLER = "dev.gatekeeper.james.smtp.GatekeeperHandler.";

    /** A James 3.8.1 Netty I/O thread down to the hook chain. */
    private static final String[] NETTY = {
        "java.lang.Thread.run",
        "io.netty.util.concurrent.FastThreadLocalRunnable.run",
        "io.netty.channel.nio.NioEventLoop.run",
        "org.apache.james.protocols.netty.BasicChannelInboundHandler.channelRead",
        "org.apache.james.protocols.api.AbstractProtocolTransport.writeResponse",
        "org.apache.james.protocols.smtp.core.AbstractHookableCmdHandler.onCommand",
        "org.apache.james.protocols.smtp.core.AbstractHookableCmdHandler.processHooks",
    };

    private static Stage classify(String... rootFirst) {
        List<Frame> frames = new ArrayList<>();
        Arrays.stream(rootFirst).map(Frame::of).forEach(frames::add);
        Collections.reverse(frames);
        return StageClassifier.classify(frames);
    }

    private static String[] onNetty(String... rootFirst) {
        List<String> all = new ArrayList<>(Arrays.asList(NETTY));
        all.addAll(Arrays.asList(rootFirst));
        return all.toArray(String[]::new);
    }

    @Test
    void rcptThroughThePolicyToTheCalloutCacheIsTheCalloutCache() {
        Stage s = classify(onNetty(
                HANDLER + "doRcpt",
                HANDLER + "stage",
                HANDLER + "lambda$doRcpt$3",
                "dev.gatekeeper.policy.PolicySession.rcpt",
                "dev.gatekeeper.policy.RuleList.evaluate",
                "dev.gatekeeper.policy.CalloutCondition.test",
                "dev.gatekeeper.james.smtp.SessionChecks.callout",
                "dev.gatekeeper.policy.EngineChecks.callout",
                "dev.gatekeeper.callout.CalloutVerifier.verify",
                "dev.gatekeeper.callout.CalloutCache.get",
                "java.util.concurrent.ConcurrentHashMap.get",
                "java.lang.String.hashCode"));

        assertThat(s.label()).isEqualTo("RCPT / callout cache");
        assertThat(s.gatekeeper()).isTrue();
    }

    @Test
    void rcptRulesWithoutAnEngineBelowAreThePolicyRules() {
        assertThat(classify(onNetty(HANDLER + "doRcpt", HANDLER + "stage", "dev.gatekeeper.policy.PolicySession.rcpt",
                "dev.gatekeeper.policy.AddressCondition.test", "java.lang.String.equalsIgnoreCase")).label())
                .isEqualTo("RCPT / policy rules");
    }

    @Test
    void theReverseLookupAtConnectIsTheClientName() {
        assertThat(classify(onNetty(HANDLER + "onConnect", HANDLER + "clientName",
                "dev.gatekeeper.james.smtp.ClientName.verified", "dev.gatekeeper.dns.DnsjavaResolver.lookup",
                "dev.gatekeeper.dns.DnsCache.lookup")).label())
                .isEqualTo("connect / client name (FCrDNS)");
    }

    @Test
    void openingThePolicySessionAtConnectIsTheSetUp() {
        assertThat(classify(onNetty(HANDLER + "onConnect", "dev.gatekeeper.policy.PolicyEngine.create",
                "dev.gatekeeper.policy.PolicyEngine.<init>", "java.util.HashMap.put")).label())
                .isEqualTo("connect / policy session set-up");
        assertThat(classify(onNetty(HANDLER + "onConnect", "dev.gatekeeper.james.smtp.SessionChecks.<init>",
                "dev.gatekeeper.policy.EngineChecks.of")).label())
                .isEqualTo("connect / policy session set-up");
    }

    @Test
    void spfStartedAtMailIsSpfEvenThroughItsDnsCache() {
        assertThat(classify(onNetty(HANDLER + "doMail", HANDLER + "stage", "java.util.concurrent.CompletableFuture.thenApply",
                HANDLER + "lambda$doMail$1", HANDLER + "startHeaderSpf", "dev.gatekeeper.james.smtp.SessionChecks.mailFromVerdict",
                "dev.gatekeeper.spf.SpfEvaluator.checkMailFrom", "dev.gatekeeper.spf.CheckHostRun.run",
                "dev.gatekeeper.dns.DnsjavaResolver.lookup", "dev.gatekeeper.dns.DnsCache.lookup")).label())
                .isEqualTo("MAIL / SPF");
    }

    @Test
    void theSpfHeadersAtTheEndOfDataAreHeaderRenderingNotSpf() {
        assertThat(classify(onNetty(HANDLER + "onMessage", HANDLER + "stamp",
                "dev.gatekeeper.james.smtp.MessageStamp.prependHeaders", "dev.gatekeeper.spf.ReceivedSpfHeader.of",
                "dev.gatekeeper.spf.ReceivedSpfHeader.value", "java.lang.StringBuilder.append")).label())
                .isEqualTo("end of DATA / header rendering");
    }

    @Test
    void theMailAttributesAreAttributeWriting() {
        assertThat(classify(onNetty(HANDLER + "onMessage", HANDLER + "stamp",
                "dev.gatekeeper.james.smtp.MessageStamp.setAttributes", "dev.gatekeeper.james.common.MailSpf.record",
                "dev.gatekeeper.spf.SpfVerdict.result", "org.apache.mailet.base.MailImpl.setAttribute")).label())
                .isEqualTo("end of DATA / attribute writing");
    }

    @Test
    void dkimOnTheEndOfDataIsDkim() {
        assertThat(classify(onNetty(HANDLER + "onMessage", HANDLER + "startVerification",
                "dev.gatekeeper.james.smtp.MessageStamp.authenticate", "dev.gatekeeper.dmarc.MessageAuthenticator.authenticate",
                "dev.gatekeeper.dkim.DkimVerifier.read")).label())
                .isEqualTo("end of DATA / DKIM / ARC / DMARC");
    }

    @Test
    void aRateConditionIsTheRateCounters() {
        assertThat(classify(onNetty(HANDLER + "doRcpt", "dev.gatekeeper.policy.PolicySession.rcpt",
                "dev.gatekeeper.policy.RateCondition.evaluate", "dev.gatekeeper.state.LocalState.increment")).label())
                .isEqualTo("RCPT / rate counters");
    }

    @Test
    void loggingCalledByGatekeeperIsLoggingWhateverTheStage() {
        assertThat(classify(onNetty(HANDLER + "doHelo", HANDLER + "stage", HANDLER + "log",
                "org.slf4j.helpers.MessageFormatter.format", "ch.qos.logback.classic.Logger.info")).label())
                .isEqualTo("HELO / logging");
    }

    @Test
    void jamesLoggingAboveJamesFramesIsNotOurs() {
        Stage s = classify(onNetty("org.apache.james.protocols.smtp.core.log.HookResultLogger.onHookResult",
                "org.slf4j.impl.Log4jLoggerAdapter.debug"));

        assertThat(s.gatekeeper()).isFalse();
        assertThat(s.label()).isEqualTo("James / SMTP session (protocols, Netty)");
    }

    @Test
    void theReplyRewriteRunsForEveryHookAndIsItsOwnStage() {
        assertThat(classify(onNetty(HANDLER + "onHookResult", "dev.gatekeeper.james.smtp.HookResults.replyOf")).label())
                .isEqualTo("reply rewrite (every hook) / reply building");
    }

    @Test
    void theHookNearestTheRootNamesTheStage() {
        // A hook that (wrongly) re-entered another would still be charged to the outer one.
        assertThat(classify(onNetty(HANDLER + "onMessage", HANDLER + "doRcpt", HANDLER + "stage")).stage())
                .isEqualTo("end of DATA");
    }

    @Test
    void engineWorkOnItsOwnThreadHasNoHook() {
        Stage s = classify("java.lang.Thread.run", "java.util.concurrent.ThreadPoolExecutor$Worker.run",
                "dev.gatekeeper.dns.DnsjavaResolver.lambda$resolve$4", "dev.gatekeeper.shaded.org.xbill.DNS.Message.<init>");

        assertThat(s.label()).isEqualTo(StageClassifier.ASYNC + " / DNS resolver");
        assertThat(s.gatekeeper()).isTrue();
    }

    @Test
    void hookGlueWithNothingMoreSpecificIsPlumbing() {
        assertThat(classify(onNetty(HANDLER + "doRcpt", HANDLER + "stage", HANDLER + "await",
                "java.util.concurrent.CompletableFuture.get")).label())
                .isEqualTo("RCPT / hook plumbing (waits, futures, session attachment)");
    }

    @Test
    void jamesOwnWorkIsSplitByWhatItDoes() {
        assertThat(classify("java.lang.Thread.run", "org.apache.james.mailetcontainer.impl.JamesMailSpooler.handleOnQueueItem",
                "org.apache.james.transport.mailets.LocalDelivery.service",
                "org.apache.james.mailbox.store.StoreMessageManager.appendMessage").label())
                .isEqualTo("James / mailbox delivery");
        assertThat(classify("java.lang.Thread.run", "org.apache.james.queue.memory.MemoryMailQueueFactory$MemoryCacheableMailQueue.deQueue")
                .label()).isEqualTo("James / mail queue and mailet container");
        assertThat(classify(NETTY).label()).isEqualTo("James / SMTP session (protocols, Netty)");
        assertThat(classify("java.lang.Thread.run", "java.util.concurrent.ForkJoinWorkerThread.run").label())
                .isEqualTo("James / other");
    }
}
