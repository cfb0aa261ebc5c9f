package dev.gatekeeper.policy;

import java.util.EnumMap;
import java.util.Map;

/**
 * The one catalog of replies, one per {@link Reason}: the defaults of {@link Reason#defaultReply()}
 * with the configuration's overrides. Each factory is named after its meaning and renders through
 * the one {@link SmtpReply.Builder}. Immutable.
 */
final class ReplyCatalog {

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
    static ReplyCatalog defaults() {
        return DEFAULTS;
    }

    static ReplyCatalog of(Map<Reason, ReplyTemplate> overrides) {
        return new ReplyCatalog(overrides);
    }

    ReplyTemplate template(Reason reason) {
        return templates.get(reason);
    }

    /** The reply for a reason, filled with the transaction's values. */
    SmtpReply reply(Reason reason, ReplyValues values) {
        return templates.get(reason).render(values.asMap());
    }

    SmtpReply senderSyntax(ReplyValues values) {
        return reply(Reason.SENDER_SYNTAX, values);
    }

    SmtpReply recipientSyntax(ReplyValues values) {
        return reply(Reason.RECIPIENT_SYNTAX, values);
    }

    SmtpReply temporaryFailure(ReplyValues values) {
        return reply(Reason.TEMPORARY_FAILURE, values);
    }
}
