package dev.gatekeeper.policy;

import java.util.EnumMap;
import java.util.Map;

/**
 * The one catalog of replies, one per {@link Reason}: the defaults of {@link Reason#defaultReply()}
 * with the configuration's overrides. Each factory is named after its meaning and renders through
 * the one {@link SmtpReply.Builder}. Immutable.
 */
public final class ReplyCatalog {

    private static final ReplyCatalog DEFAULTS = new ReplyCatalog(new EnumMap<>(Reason.class));

    private final Map<Reason, ReplyTemplate> templates;

    private ReplyCatalog(Map<Reason, ReplyTemplate> overrides) {
        EnumMap<Reason, ReplyTemplate> all = new EnumMap<>(Reason.class);
        for (Reason r : Reason.values()) {
            all.put(r, overrides.containsKey(r) ? overrides.get(r) : ReplyTemplate.parse(r.defaultReply()));
        }
        this.templates = all;
    }

    /** The catalog with every default reply. */
    public static ReplyCatalog defaults() {
        return DEFAULTS;
    }

    /**
     * The catalog with some replies replaced.
     *
     * @param overrides reason to reply text ({@code "550 5.7.1 text ${sender}"})
     * @throws IllegalArgumentException for a bad code, enhanced code or variable
     */
    public static ReplyCatalog withOverrides(Map<Reason, String> overrides) {
        EnumMap<Reason, ReplyTemplate> parsed = new EnumMap<>(Reason.class);
        overrides.forEach((reason, text) -> parsed.put(reason, ReplyTemplate.parse(text)));
        return new ReplyCatalog(parsed);
    }

    static ReplyCatalog of(Map<Reason, ReplyTemplate> overrides) {
        return new ReplyCatalog(overrides);
    }

    ReplyTemplate template(Reason reason) {
        return templates.get(reason);
    }

    /** The reply for a reason, filled with the transaction's values. */
    public SmtpReply reply(Reason reason, ReplyValues values) {
        return templates.get(reason).render(values.asMap());
    }

    public SmtpReply relayDenied(ReplyValues values) {
        return reply(Reason.RELAY_DENIED, values);
    }

    public SmtpReply senderSyntax(ReplyValues values) {
        return reply(Reason.SENDER_SYNTAX, values);
    }

    public SmtpReply recipientSyntax(ReplyValues values) {
        return reply(Reason.RECIPIENT_SYNTAX, values);
    }

    public SmtpReply unknownSenderDomain(ReplyValues values) {
        return reply(Reason.UNKNOWN_SENDER_DOMAIN, values);
    }

    public SmtpReply unverifiedSender(ReplyValues values) {
        return reply(Reason.UNVERIFIED_SENDER, values);
    }

    public SmtpReply unknownRecipient(ReplyValues values) {
        return reply(Reason.UNKNOWN_RECIPIENT, values);
    }

    public SmtpReply calloutTempfail(ReplyValues values) {
        return reply(Reason.CALLOUT_TEMPFAIL, values);
    }

    public SmtpReply nullMxSender(ReplyValues values) {
        return reply(Reason.NULL_MX_SENDER, values);
    }

    public SmtpReply spfFail(ReplyValues values) {
        return reply(Reason.SPF_FAIL, values);
    }

    public SmtpReply spfTempError(ReplyValues values) {
        return reply(Reason.SPF_TEMPERROR, values);
    }

    public SmtpReply spfPermError(ReplyValues values) {
        return reply(Reason.SPF_PERMERROR, values);
    }

    public SmtpReply badHelo(ReplyValues values) {
        return reply(Reason.BAD_HELO, values);
    }

    public SmtpReply policyReject(ReplyValues values) {
        return reply(Reason.POLICY_REJECT, values);
    }

    public SmtpReply policyDefer(ReplyValues values) {
        return reply(Reason.POLICY_DEFER, values);
    }

    public SmtpReply tooManyRecipients(ReplyValues values) {
        return reply(Reason.TOO_MANY_RECIPIENTS, values);
    }

    public SmtpReply rateLimited(ReplyValues values) {
        return reply(Reason.RATE_LIMITED, values);
    }

    public SmtpReply rateLimitedDisconnect(ReplyValues values) {
        return reply(Reason.RATE_LIMITED_DISCONNECT, values);
    }

    public SmtpReply temporaryFailure(ReplyValues values) {
        return reply(Reason.TEMPORARY_FAILURE, values);
    }
}
