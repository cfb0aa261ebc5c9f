package dev.gatekeeper.james.smtp;

import dev.gatekeeper.dmarc.DmarcReportRecord;
import dev.gatekeeper.dmarc.DmarcReportStore;
import dev.gatekeeper.dkim.ArcStatus;
import dev.gatekeeper.dmarc.MessageAuthentication;
import dev.gatekeeper.dmarc.MessageAuthenticator;
import dev.gatekeeper.dmarc.Policy;
import dev.gatekeeper.dmarc.SpfAuthResult;
import dev.gatekeeper.dmarc.SpfEvidence;
import dev.gatekeeper.james.common.ForgedAuthenticationResults;
import dev.gatekeeper.james.common.GatekeeperAttributes;
import dev.gatekeeper.james.common.MailSpf;
import dev.gatekeeper.james.common.MessageRewrite;
import dev.gatekeeper.james.common.ReceivedOctets;
import dev.gatekeeper.reputation.ReputationScore;
import dev.gatekeeper.spf.AuthenticationResultsSpf;
import dev.gatekeeper.spf.ReceivedSpfHeader;
import dev.gatekeeper.spf.SpfVerdict;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import javax.mail.MessagingException;
import org.apache.mailet.Mail;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the end of DATA adds to an accepted mail: the SPF trace headers on top of the message
 * (RFC 7208 §9.1 {@code Received-SPF}, RFC 8601 {@code Authentication-Results}) and the
 * {@link GatekeeperAttributes} for the mailets and matchers.
 */
final class MessageStamp {

    private static final Logger LOG = LoggerFactory.getLogger(MessageStamp.class);

    private MessageStamp() {
    }

    /**
     * Prepends the headers: trace headers belong on top (RFC 7208 §9.1 "SHOULD be prepended";
     * RFC 8601 §5 above the ones it relies on). For mail from outside the administrative domain,
     * the {@code Authentication-Results} fields that claim our authserv-id go first
     * ({@link ForgedAuthenticationResults}, RFC 8601 §5). The message keeps its received octets
     * ({@link MessageRewrite}).
     *
     * @param forged how to treat fields in our name, or empty for a client inside (they stay)
     * @return how many forged fields were removed or renamed
     */
    static int prependHeaders(Mail mail, Optional<ReceivedOctets> received, String receiver, String authservId,
            SpfVerdict mailFrom, MessageAuthentication message, Optional<ForgedAuthenticationResults> forged)
            throws MessagingException, IOException {
        List<String> top = List.of(
                ReceivedSpfHeader.field(mailFrom, receiver),
                authenticationResults(authservId, mailFrom, message));
        return received.isPresent() ? MessageRewrite.prepend(received.get(), top, forged) : MessageRewrite.prepend(mail, top, forged);
    }

    /**
     * The message's octets read once for DKIM, DMARC and the new header fields alike
     * ({@link ReceivedOctets}), or nothing when they are to be streamed: a large message, or one
     * James could not give (then the streaming paths meet the same trouble and answer for it).
     */
    static Optional<ReceivedOctets> readOnce(String sessionId, Mail mail) {
        try {
            return ReceivedOctets.read(mail);
        } catch (MessagingException | IOException | RuntimeException e) {
            LOG.debug("{}: message not read into memory, streamed instead: {}", sessionId, e.toString());
            return Optional.empty();
        }
    }

    /**
     * One Authentication-Results field for every method (RFC 8601 §2.2 allows several resinfos
     * in one): SPF, then each DKIM signature and DMARC when the message was verified, one per
     * folded line (RFC 5322 §2.2.3).
     */
    static String authenticationResults(String authservId, SpfVerdict mailFrom, MessageAuthentication message) {
        String spf = AuthenticationResultsSpf.header(authservId, mailFrom);
        return message == null ? spf : message.appendTo(spf);
    }

    /** DKIM and DMARC over the message's octets as received ({@link MessageRewrite#receivedOctets}). */
    static CompletionStage<MessageAuthentication> authenticate(MessageAuthenticator authenticator, Mail mail,
            Optional<ReceivedOctets> received, CompletionStage<SpfEvidence> spf) throws MessagingException, IOException {
        if (received.isPresent()) {
            ReceivedOctets octets = received.get();
            return authenticator.authenticate(octets.array(), octets.offset(), octets.length(), spf);
        }
        try (InputStream octets = MessageRewrite.receivedOctets(mail)) {
            return authenticator.authenticate(octets, spf);
        }
    }

    /**
     * What an accepted message's DMARC disposition became: a quarantine is taken as done (the
     * mail pipeline's {@code DmarcResultIs=fail policy=quarantine} routes it), a reject was not.
     */
    static Policy appliedWhenAccepted(MessageAuthentication message) {
        Policy asked = message.dmarc().disposition();
        return asked == Policy.REJECT ? Policy.NONE : asked;
    }

    /**
     * Counts the message for DMARC aggregate reports (RFC 7489 §7.2) when its record asks for
     * them ({@code rua=}); asynchronous, and a store that fails is logged, never the mail's
     * problem. No {@code envelope_to}: a message for several domains is one row.
     */
    static void countForReports(DmarcReportStore reports, String sessionId, InetAddress client, Mail mail,
            SpfVerdict mailFrom, MessageAuthentication message, Policy applied) {
        boolean nullSender = mail.getMaybeSender().isNullSender();
        String envelopeFrom = nullSender ? "" : mail.getMaybeSender().get().getDomain().asString();
        // RFC 7208 §2.4: for the null reverse-path SPF checked the HELO identity.
        SpfAuthResult spf = SpfAuthResult.of(mailFrom.domain(), nullSender ? SpfAuthResult.Scope.HELO : SpfAuthResult.Scope.MFROM,
                SpfAuthResult.Result.fromKeyword(mailFrom.result().keyword()));
        boolean arcPassed = message.arc().status() == ArcStatus.PASS;
        DmarcReportRecord.of(message, client, envelopeFrom, "", spf).map(row -> row.applied(applied, arcPassed))
                .ifPresent(row -> reports.record(row).whenComplete((counted, e) -> {
            if (e != null) {
                LOG.warn("{}: DMARC report row for {} not counted: {}", sessionId, row.reportDomain(), e.toString());
            } else if (!counted) {
                LOG.debug("{}: DMARC report row for {} not counted: today's rows are full", sessionId, row.reportDomain());
            }
        }));
    }

    /** The DKIM and DMARC attributes ({@link GatekeeperAttributes}). */
    static void setAttributes(Mail mail, MessageAuthentication message) {
        List<String> dkim = new ArrayList<>();
        message.dkim().forEach(r -> dkim.add(r.resinfo()));
        GatekeeperAttributes.setStrings(mail, GatekeeperAttributes.DKIM_RESULTS, dkim);
        GatekeeperAttributes.setString(mail, GatekeeperAttributes.ARC_RESULT, message.arc().status().keyword());
        GatekeeperAttributes.setString(mail, GatekeeperAttributes.DMARC_RESULT, message.dmarc().outcome().keyword());
        GatekeeperAttributes.setString(mail, GatekeeperAttributes.DMARC_POLICY, message.dmarc().disposition().keyword());
        GatekeeperAttributes.setString(mail, GatekeeperAttributes.DMARC_DOMAIN, message.dmarc().authorDomain());
    }

    /** The DNS lists' score and hits of the connection, as the policy last knew them. */
    static void setAttributes(Mail mail, ReputationScore score) {
        GatekeeperAttributes.setString(mail, GatekeeperAttributes.DNSBL_SCORE, Integer.toString(score.score()));
        List<String> hits = new ArrayList<>();
        score.hits().forEach(h -> hits.add(h.toString()));
        GatekeeperAttributes.setStrings(mail, GatekeeperAttributes.DNSBL_HITS, hits);
    }

    /** How long greylisting held the mail back, in seconds. */
    static void setGreylistDelay(Mail mail, long seconds) {
        GatekeeperAttributes.setString(mail, GatekeeperAttributes.GREYLIST_DELAYED, Long.toString(seconds));
    }

    /**
     * The size of the message received, in octets, or -1 if James cannot tell (then no byte is
     * counted). Here rather than in the handler: the handler names no mail API type (see
     * {@link JamesGeneration}).
     */
    static long messageSize(String sessionId, Mail mail) {
        try {
            return mail.getMessageSize();
        } catch (MessagingException | RuntimeException e) {
            LOG.warn("{}: size of the message unknown: {}", sessionId, e.toString());
            return -1;
        }
    }

    static void setAttributes(Mail mail, SpfVerdict mailFrom, SpfVerdict helo, String senderKey,
            Map<String, String> callouts, Set<String> tags, List<String> verdicts, List<String> warnings) {
        MailSpf.record(mail, mailFrom);
        if (helo != null) {
            MailSpf.record(mail, helo);
        }
        String senderOutcome = callouts.get(senderKey);
        if (senderOutcome != null) {
            GatekeeperAttributes.setString(mail, GatekeeperAttributes.CALLOUT_SENDER, senderOutcome);
        }
        if (!callouts.isEmpty()) {
            GatekeeperAttributes.setMap(mail, GatekeeperAttributes.CALLOUT_OUTCOMES, callouts);
        }
        GatekeeperAttributes.setStrings(mail, GatekeeperAttributes.TAGS, new ArrayList<>(tags));
        GatekeeperAttributes.setStrings(mail, GatekeeperAttributes.POLICY_VERDICTS, verdicts);
        if (!warnings.isEmpty()) {
            GatekeeperAttributes.setStrings(mail, GatekeeperAttributes.POLICY_WARNINGS, warnings);
        }
    }
}
