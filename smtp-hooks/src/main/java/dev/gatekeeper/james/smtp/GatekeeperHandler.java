package dev.gatekeeper.james.smtp;

import dev.gatekeeper.callout.CalloutVerifier;
import dev.gatekeeper.dmarc.MessageAuthentication;
import dev.gatekeeper.dmarc.MessageAuthenticator;
import dev.gatekeeper.dmarc.Policy;
import dev.gatekeeper.dmarc.SpfEvidence;
import dev.gatekeeper.dns.DnsResolver;
import dev.gatekeeper.james.common.EngineSettings;
import dev.gatekeeper.james.common.ForgedAuthenticationResults;
import dev.gatekeeper.james.common.JamesGeneration;
import dev.gatekeeper.james.common.ReceivedOctets;
import dev.gatekeeper.james.common.SharedEngines;
import dev.gatekeeper.mail.Mailbox;
import dev.gatekeeper.policy.ClientFacts;
import dev.gatekeeper.policy.PolicyEngine;
import dev.gatekeeper.policy.PolicySession;
import dev.gatekeeper.policy.SmtpReply;
import dev.gatekeeper.policy.Stage;
import dev.gatekeeper.policy.Verdict;
import dev.gatekeeper.reputation.DnsList;
import dev.gatekeeper.reputation.DnsListChecker;
import dev.gatekeeper.reputation.DnsListSettings;
import dev.gatekeeper.reputation.Greylist;
import dev.gatekeeper.spf.SpfEvaluator;
import dev.gatekeeper.spf.SpfVerdict;
import dev.gatekeeper.state.SharedState;
import java.net.InetAddress;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.commons.configuration2.Configuration;
import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.james.core.MailAddress;
import org.apache.james.core.MaybeSender;
import org.apache.james.protocols.api.ProtocolSession;
import org.apache.james.protocols.api.Response;
import org.apache.james.protocols.api.handler.ConnectHandler;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.hook.HeloHook;
import org.apache.james.protocols.smtp.hook.Hook;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.protocols.smtp.hook.HookResultHook;
import org.apache.james.protocols.smtp.hook.MailHook;
import org.apache.james.protocols.smtp.hook.MessageHook;
import org.apache.james.protocols.smtp.hook.RcptHook;
import org.apache.james.smtpserver.JamesMessageHook;
import org.apache.mailet.Mail;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gatekeeper's policy at every SMTP stage of James: connect, HELO/EHLO, MAIL, RCPT and the end of
 * DATA, each answered with the reply the policy chose; at the end of DATA the message's DKIM, ARC
 * and DMARC are verified, and the SPF header, the one Authentication-Results field and the
 * {@link GatekeeperAttributes} go with the accepted mail. It also rewrites the replies of every
 * hook of the chain, James's own included. Add it before {@code CoreCmdHandlerLoader}:
 *
 * <pre>{@code
 * <handler class="dev.gatekeeper.james.smtp.GatekeeperHandler">
 *   <dns><servers>192.0.2.53</servers><timeout>2s</timeout></dns>   <!-- ResolverSettings keys -->
 *   <spf><timeBudget>20s</timeBudget></spf>                          <!-- SpfSettings keys; receiver: James's helloName -->
 *   <callout><overallTimeout>30s</overallTimeout></callout>          <!-- CalloutSettings keys -->
 *   <clientName><lookup>true</lookup><timeout>5s</timeout></clientName> <!-- FCrDNS at connect -->
 *   <calloutWait>2s</calloutWait>  <!-- then 450 4.1.7 "verification in progress"; the probe goes on -->
 *   <spfWait>10s</spfWait>         <!-- then temperror; the evaluation goes on -->
 *   <state><store>redis</store><redis.uri>redis://10.0.0.5:6379</redis.uri></state> <!-- StateSettings keys -->
 *   <dnsLists><timeout>5s</timeout></dnsLists>                        <!-- DnsListSettings keys: the policy's <dnsbl> lists -->
 *   <greylist><delay>5m</delay></greylist>                            <!-- GreylistSettings keys: the policy's <greylist/> -->
 *   <verifyMessages>true</verifyMessages>                             <!-- DKIM, ARC and DMARC at the end of DATA -->
 *   <dkim><timeBudget>10s</timeBudget></dkim>                         <!-- DkimSettings keys -->
 *   <dmarc><nonexistentPolicy>true</nonexistentPolicy></dmarc>        <!-- DmarcSettings keys -->
 *   <policy file="conf/gatekeeper-policy.xml"/>                       <!-- or <policy ...>rules</policy> inline -->
 *   <authservId>mx.example.org</authservId>                           <!-- default: James's helloName -->
 *   <forgedAuthenticationResults>remove</forgedAuthenticationResults> <!-- or rename; RFC 8601 §5 -->
 *   <internalError>451 4.3.0 Temporary server error, try again later</internalError>
 *   <rewrite>
 *     <match stage="rcpt" code="550" text="relaying denied"/>
 *     <replace code="554" enhanced="5.7.1" text="This server does not relay"/>
 *   </rewrite>
 * </handler>
 * }</pre>
 *
 * <p>How verdicts become James answers: {@code DUNNO} is {@code DECLINED} (James's own checks go
 * on); an explicit accept is {@code OK} at RCPT only (it skips James's relay check) and
 * {@code DECLINED} elsewhere (an {@code OK} at the end of DATA would drop the mail); reject and
 * defer give the policy's reply; disconnect gives it and closes the connection. Any failure of
 * ours (an exception, a check that outlives its budget) is answered with {@code <internalError>},
 * logged with its stack trace, never shown to the client. With the policy's soft-bounce, every other
 * hook's 5xx becomes a 4xx too (syntax errors 500-504 excepted). The full reference is
 * {@code smtp-hooks/README-hooks.md}.
 */
public class GatekeeperHandler implements ConnectHandler<SMTPSession>, HeloHook, MailHook, RcptHook, JamesMessageHook,
        HookResultHook {

    private static final Logger LOG = LoggerFactory.getLogger(GatekeeperHandler.class);

    private HandlerConfig config;
    private volatile Engines engines;
    /** The answer of a verification that outlived its bound: one immutable value, not one a message. */
    private MessageAuthentication verificationTimedOut;

    @Override
    public void init(Configuration configuration) throws ConfigurationException {
        JamesGeneration.require("GatekeeperHandler");
        this.config = HandlerConfig.read(configuration);
        this.verificationTimedOut = MessageAuthentication.unreadable(
                "no DKIM and DMARC answer within " + config.verificationBound.toSeconds() + "s");
        LOG.info("Gatekeeper handler ready: {} rewrite rule(s), waits at most {} for a callout, {} for SPF, {} for a verdict",
                config.rewrites.size(), config.calloutWait, config.spfWait, config.waitLimit);
    }

    @Override
    public Response onConnect(SMTPSession session) {
        Optional<SmtpReply> failure = Optional.empty();
        try {
            InetAddress client = session.getRemoteAddress().getAddress();
            String helloName = session.getConfiguration().getHelloName();
            Engines e = engines(helloName);
            SessionChecks checks = new SessionChecks(e.spf, e.callouts, config.calloutWait, config.spfWait, e::dnsLists,
                    e.greylist);
            // The rules' trace is read only by the debug log (log below): kept only while it is on.
            PolicySession policy = PolicyEngine.create(config.policy, checks, e.resolver, e.state)
                    .openSession(ClientFacts.of(client, clientName(e.resolver, client, session), session.isRelayingAllowed()),
                            LOG.isDebugEnabled());
            ConnectionState state = new ConnectionState(client, policy, checks, helloName);
            session.setAttachment(ConnectionState.KEY, state, ProtocolSession.State.Connection);
            Verdict v = await(policy.connect());
            state.record(v);
            log(session, v);
            return HookResults.greeting(v);
        } catch (Exception | LinkageError e) {
            LOG.error("Gatekeeper failed at connect of {}", session.getSessionID(), e);
            failure = Optional.of(config.internalError);
        }
        // RFC 5321 §4.3.2: a greeting that is not 220 is 554, or 421 and the connection closes.
        SmtpReply r = failure.get();
        SmtpReply.Builder b = SmtpReply.builder(421);
        if (!r.enhancedCode().isEmpty()) {
            b.enhanced("4" + r.enhancedCode().substring(1));
        }
        r.lines().forEach(b::line);
        return HookResults.closing(b.build());
    }

    /**
     * The verified reverse name, or null ("unknown"). Asked at connect because the policy's facts
     * are fixed when its session opens; bounded by {@code <clientName><timeout>}, and a failure
     * here only makes the name unknown.
     */
    private String clientName(DnsResolver resolver, InetAddress client, SMTPSession session) {
        if (!config.clientNameLookup) {
            return null;
        }
        try {
            return ClientName.verified(resolver, client).toCompletableFuture()
                    .get(config.clientNameTimeout.toMillis(), TimeUnit.MILLISECONDS).orElse(null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } catch (ExecutionException | TimeoutException e) {
            LOG.info("{}: reverse name of {} unknown: {}", session.getSessionID(), client.getHostAddress(), e.toString());
            return null;
        }
    }

    @Override
    public HookResult doHelo(SMTPSession session, String helo) {
        return stage(session, Stage.HELO, state -> {
            state.helo(helo);
            return state.policy.helo(helo);
        });
    }

    @Override
    public HookResult doMail(SMTPSession session, MaybeSender sender) {
        return stage(session, Stage.MAIL, state -> {
            if (session.getUsername() != null) {
                state.policy.authenticated(session.getUsername().asString());
            }
            state.checks.newTransaction();
            String path = sender.isNullSender() ? "<>" : "<" + sender.asString() + ">";
            return state.policy.mail(path, declaredSize(session)).thenApply(v -> {
                state.policy.sender().ifPresent(parsed -> startHeaderSpf(state, parsed));
                return v;
            });
        });
    }

    /**
     * The {@code SIZE=} of MAIL FROM (RFC 1870 §5), or -1 without one. A {@code MailHook} sees only
     * the sender; James's {@code MailSizeEsmtpExtension} (loaded by {@code CoreCmdHandlerLoader})
     * parses the parameter before any MAIL hook runs and keeps it in the transaction as
     * {@code MESG_SIZE} (it refuses a malformed one, and one above {@code maxmessagesize}, itself).
     */
    private static long declaredSize(SMTPSession session) {
        return session.getAttachment(DECLARED_SIZE, ProtocolSession.State.Transaction).map(Integer::longValue).orElse(-1L);
    }

    /** James's key for the parsed SIZE= (protocols-smtp 3.8.1, MailSizeEsmtpExtension; keys compare by name and type). */
    private static final ProtocolSession.AttachmentKey<Integer> DECLARED_SIZE =
            ProtocolSession.AttachmentKey.of("MESG_SIZE", Integer.class);

    @Override
    public HookResult doRcpt(SMTPSession session, MaybeSender sender, MailAddress rcpt) {
        return stage(session, Stage.RCPT, state -> state.policy.rcpt("<" + rcpt.asString() + ">"));
    }

    @Override
    public HookResult onMessage(SMTPSession session, Mail mail) {
        long size = MessageStamp.messageSize(session.getSessionID(), mail);
        Optional<ReceivedOctets> received = MessageStamp.readOnce(session.getSessionID(), mail);
        state(session).ifPresent(state -> startVerification(session, state, mail, received));
        HookResult result = stage(session, Stage.DATA, state -> size < 0 ? state.policy.data() : state.policy.data(size));
        if (result.getResult().getAction() != HookResult.DECLINED.getResult().getAction()) {
            countRefused(session, mail, result);
            return result;
        }
        try {
            stamp(session, state(session).orElseThrow(), mail, received);
            return HookResult.DECLINED;
        } catch (Exception e) {
            LOG.error("Gatekeeper failed to add its headers and attributes in {}", session.getSessionID(), e);
            return HookResults.internalError(config.internalError);
        }
    }

    @Override
    public HookResult onHookResult(SMTPSession session, HookResult result, long executionTime, Hook hook) {
        if (config.rewrites.isEmpty() && !config.policy.softBounce()) {
            return result;
        }
        Optional<SmtpReply> reply = HookResults.replyOf(result);
        if (reply.isEmpty()) {
            return result;
        }
        SmtpReply answer = reply.get();
        Stage stage = stageOf(hook, session);
        for (ReplyRewrite rewrite : config.rewrites) {
            Optional<SmtpReply> replaced = rewrite.apply(stage, answer);
            if (replaced.isPresent()) {
                answer = replaced.get();
                break;
            }
        }
        if (config.policy.softBounce() && answer.isPermanent() && !isSyntaxError(answer)) {
            // The policy's soft-bounce covers James's own refusals too (Postfix's soft_bounce covers every
            // restriction): mail is never refused for good while the administrator tests.
            answer = answer.softBounced();
        }
        if (answer.equals(reply.get())) {
            return result;
        }
        LOG.debug("{}: reply {} of {} becomes {}", session.getSessionID(), reply.get(), hook.getClass().getName(), answer);
        return HookResults.withReply(result, answer);
    }

    /**
     * RFC 5321 §4.2.2's 500-504 (syntax errors, command not implemented): a retry would fail the same
     * way, so soft-bounce leaves them, as the policy engine does with its own 501.
     */
    private static boolean isSyntaxError(SmtpReply reply) {
        return reply.code() >= 500 && reply.code() <= 504;
    }

    /** The stage a hook's answer belongs to: its one stage interface, else the stage we are in. */
    private static Stage stageOf(Hook hook, SMTPSession session) {
        Stage only = null;
        int count = 0;
        if (hook instanceof HeloHook) {
            only = Stage.HELO;
            count++;
        }
        if (hook instanceof MailHook) {
            only = Stage.MAIL;
            count++;
        }
        if (hook instanceof RcptHook) {
            only = Stage.RCPT;
            count++;
        }
        if (hook instanceof MessageHook || hook instanceof JamesMessageHook) {
            only = Stage.DATA;
            count++;
        }
        if (count == 1) {
            return only;
        }
        return state(session).map(ConnectionState::stage).orElse(null);
    }

    private interface StageCall {
        CompletionStage<Verdict> run(ConnectionState state);
    }

    private HookResult stage(SMTPSession session, Stage stage, StageCall call) {
        try {
            ConnectionState state = state(session).orElseThrow(() -> new IllegalStateException(
                    "no Gatekeeper state in the session: is GatekeeperHandler in the handlerchain before CoreCmdHandlerLoader?"));
            state.enter(stage);
            Verdict v = await(call.run(state));
            state.record(v);
            log(session, v);
            return HookResults.of(v);
        } catch (Exception | LinkageError e) {
            LOG.error("Gatekeeper failed at {} in {}", stage.keyword(), session.getSessionID(), e);
            return HookResults.internalError(config.internalError);
        }
    }

    /** SPF for the headers is evaluated whether or not a rule asked; started at MAIL, it is ready by DATA. */
    private static void startHeaderSpf(ConnectionState state, Mailbox sender) {
        state.checks.mailFromVerdict(state.client, state.helo(), sender);
    }

    /**
     * Starts DKIM and DMARC over the octets as received, before a rule or the headers need them
     * (both share the one answer). DMARC waits for SPF's answer (started at MAIL) at most
     * {@code <spfWait>}; the whole is bounded by the DKIM time budget and a margin. A message that
     * cannot be read is a temperror, never a lost mail.
     */
    private void startVerification(SMTPSession session, ConnectionState state, Mail mail, Optional<ReceivedOctets> received) {
        if (!config.verifyMessages) {
            return;
        }
        CompletableFuture<MessageAuthentication> verification;
        try {
            CompletableFuture<SpfEvidence> spf = state.checks.mailFromVerdict(state.client, state.helo(), sender(state, mail))
                    .thenApply(v -> SpfEvidence.of(v.domain(), v.result().keyword()))
                    .exceptionally(e -> SpfEvidence.none())
                    .completeOnTimeout(SpfEvidence.none(), config.spfWait.toMillis(), TimeUnit.MILLISECONDS);
            verification = MessageStamp.authenticate(engines(state.helloName).messages, mail, received, spf).toCompletableFuture()
                    .completeOnTimeout(verificationTimedOut, config.verificationBound.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            LOG.warn("{}: DKIM and DMARC not verified, the message could not be read: {}", session.getSessionID(), e.toString());
            verification = CompletableFuture.completedFuture(MessageAuthentication.unreadable("message not readable"));
        }
        state.checks.message(verification);
    }

    /**
     * The mail's reverse-path: the one the policy parsed at MAIL, unless another MAIL hook answered
     * before ours and the policy never saw this transaction's.
     */
    private static Mailbox sender(ConnectionState state, Mail mail) {
        String given = mail.getMaybeSender().isNullSender() ? "" : mail.getMaybeSender().asString();
        Optional<Mailbox> parsed = state.policy.sender();
        if (parsed.isPresent() && parsed.get().original().equals(given)) {
            return parsed.get();
        }
        return Mailbox.parse("<" + given + ">");
    }

    private void stamp(SMTPSession session, ConnectionState state, Mail mail, Optional<ReceivedOctets> received) throws Exception {
        Mailbox sender = sender(state, mail);
        String helo = state.helo();
        SpfVerdict mailFrom = await(state.checks.mailFromVerdict(state.client, helo, sender));
        SpfVerdict heloVerdict = null;
        var heloAsked = state.checks.heloVerdictIfAsked();
        if (heloAsked.isPresent()) {
            heloVerdict = await(heloAsked.get());
        }
        String receiver = engines(state.helloName).receiver;
        String authservId = config.authservId.orElse(state.helloName);
        // RFC 8601 §5: what an outside client wrote in our name goes; an inside one's fields are its own business.
        Optional<ForgedAuthenticationResults> forged = state.policy.fromInside() ? Optional.empty()
                : Optional.of(new ForgedAuthenticationResults(authservId, config.forgedAuthenticationResults));
        MessageAuthentication message = config.verifyMessages ? await(state.checks.message()) : null;
        int removed = MessageStamp.prependHeaders(mail, received, receiver, authservId, mailFrom, message, forged);
        if (removed > 0) {
            LOG.info("{}: {} Authentication-Results field(s) in the name of {} from client {} {}", session.getSessionID(), removed,
                    authservId, state.client.getHostAddress(), config.forgedAuthenticationResults == ForgedAuthenticationResults.Handling.REMOVE
                            ? "removed" : "renamed to " + ForgedAuthenticationResults.RENAMED);
        }
        MessageStamp.setAttributes(mail, mailFrom, heloVerdict, sender.isNullPath() ? "" : sender.original(),
                state.checks.calloutOutcomes(), state.policy.tags(), state.verdicts(), state.warnings());
        if (message != null) {
            MessageStamp.setAttributes(mail, message);
            countForReports(session, state, mail, mailFrom, message, MessageStamp.appliedWhenAccepted(message));
        }
        state.policy.knownDnsListScore().ifPresent(score -> MessageStamp.setAttributes(mail, score));
        state.policy.greylistWaitedSeconds().ifPresent(seconds -> MessageStamp.setGreylistDelay(mail, seconds));
    }

    /** A row of the DMARC aggregate reports (RFC 7489 §7.2), when the administrator asked for them. */
    private void countForReports(SMTPSession session, ConnectionState state, Mail mail, SpfVerdict mailFrom,
            MessageAuthentication message, Policy applied) {
        if (config.dmarc.reports()) {
            SharedEngines.dmarcReports(engines(state.helloName).settings).ifPresent(reports ->
                    MessageStamp.countForReports(reports, session.getSessionID(), state.client, mail, mailFrom, message, applied));
        }
    }

    /**
     * A message the end of DATA refused for good is reported as rejected (with {@code local_policy}
     * when DMARC did not ask for it). Only answers already at hand are used: a report row never
     * delays the reply.
     */
    private void countRefused(SMTPSession session, Mail mail, HookResult result) {
        Optional<ConnectionState> found = state(session);
        if (!config.verifyMessages || !config.dmarc.reports() || found.isEmpty() || !isPermanentRefusal(result)) {
            return;
        }
        ConnectionState state = found.get();
        CompletableFuture<MessageAuthentication> message = state.checks.message().toCompletableFuture();
        CompletableFuture<SpfVerdict> mailFrom = state.checks.mailFromVerdict(state.client, state.helo(), sender(state, mail));
        if (message.isDone() && !message.isCompletedExceptionally() && mailFrom.isDone() && !mailFrom.isCompletedExceptionally()) {
            countForReports(session, state, mail, mailFrom.join(), message.join(), Policy.REJECT);
        }
    }

    private static boolean isPermanentRefusal(HookResult result) {
        return result.getResult().getAction() == HookResult.DENY.getResult().getAction();
    }

    private <T> T await(CompletionStage<T> stage) throws Exception {
        try {
            return stage.toCompletableFuture().get(config.waitLimit.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception ? (Exception) e.getCause() : e;
        } catch (TimeoutException e) {
            throw new TimeoutException("no verdict within " + config.waitLimit);
        }
    }

    private static Optional<ConnectionState> state(SMTPSession session) {
        return session.getAttachment(ConnectionState.KEY, ProtocolSession.State.Connection);
    }

    private static void log(SMTPSession session, Verdict v) {
        for (String w : v.warnings()) {
            LOG.warn("{} {}: {}", session.getSessionID(), v.stage().keyword(), w);
        }
        if (v.refuses() || v.held().isPresent()) {
            LOG.info("{} {}", session.getSessionID(), v);
        }
        if (LOG.isDebugEnabled()) {
            LOG.debug("{} {} trace: {}", session.getSessionID(), v, v.trace());
        }
    }

    /** The engines, shared in the process (SharedEngines); SPF's receiver defaults to James's helloName. */
    private Engines engines(String helloName) {
        Engines e = engines;
        if (e == null) {
            synchronized (this) {
                e = engines;
                if (e == null) {
                    EngineSettings settings = config.engines.namedFor(helloName);
                    e = new Engines(settings, config.dnsLists, SharedEngines.resolver(settings), SharedEngines.spf(settings),
                            SharedEngines.callouts(settings), SharedEngines.state(settings),
                            SharedEngines.messages(settings, config.dkim, config.dmarc), SharedEngines.greylist(settings, config.greylist),
                            settings.spf().receiver());
                    engines = e;
                }
            }
        }
        return e;
    }

    private static final class Engines {
        final EngineSettings settings;
        final DnsListSettings dnsListSettings;
        final DnsResolver resolver;
        final SpfEvaluator spf;
        final CalloutVerifier callouts;
        final SharedState state;
        final MessageAuthenticator messages;
        final Greylist greylist;
        final String receiver;

        /** The checker of the last lists asked for; the policy asks for the same list object at every connection. */
        private volatile ListedChecker dnsListChecker;

        Engines(EngineSettings settings, DnsListSettings dnsListSettings, DnsResolver resolver, SpfEvaluator spf,
                CalloutVerifier callouts, SharedState state, MessageAuthenticator messages, Greylist greylist, String receiver) {
            this.settings = settings;
            this.dnsListSettings = dnsListSettings;
            this.greylist = greylist;
            this.state = state;
            this.messages = messages;
            this.resolver = resolver;
            this.spf = spf;
            this.callouts = callouts;
            this.receiver = receiver;
        }

        /**
         * The process's checker of these lists (SharedEngines), found once rather than by hashing
         * the lists and settings at every connection.
         */
        DnsListChecker dnsLists(List<DnsList> lists) {
            ListedChecker known = dnsListChecker;
            if (known == null || known.lists != lists) {
                known = new ListedChecker(lists, SharedEngines.dnsLists(settings, dnsListSettings, lists));
                dnsListChecker = known;
            }
            return known.checker;
        }
    }

    private static final class ListedChecker {
        final List<DnsList> lists;
        final DnsListChecker checker;

        ListedChecker(List<DnsList> lists, DnsListChecker checker) {
            this.lists = lists;
            this.checker = checker;
        }
    }
}
