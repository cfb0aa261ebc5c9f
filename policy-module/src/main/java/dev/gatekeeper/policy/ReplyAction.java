package dev.gatekeeper.policy;

import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * {@code reject}, {@code defer} and {@code disconnect}: refuse with a reply from the catalog, its
 * codes or text overridden by the rule ({@code REJECT text}, {@code 450 4.7.1 text} in a table).
 * {@code reject} needs a 5xx reply and {@code defer} a 4xx one.
 */
final class ReplyAction implements RuleAction {

    enum Kind {
        REJECT(Reason.POLICY_REJECT, "Access denied"),
        DEFER(Reason.POLICY_DEFER, "Try again later"),
        DISCONNECT(Reason.DISCONNECT, "Service unavailable");

        /** The catalog entry given when the rule names none. */
        final Reason reason;
        /** The value of {@code ${reason}} when the rule gives no {@code description}. */
        final String description;

        Kind(Reason reason, String description) {
            this.reason = reason;
            this.description = description;
        }

        String keyword() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private static final Set<String> ATTRIBUTES = Set.of("reason", "code", "enhanced", "text", "description");

    static final ActionType REJECT_TYPE = type(Kind.REJECT);
    static final ActionType DEFER_TYPE = type(Kind.DEFER);
    static final ActionType DISCONNECT_TYPE = type(Kind.DISCONNECT);

    private final Kind kind;
    private final ReplyTemplate reply;
    /** The value of {@code ${reason}}. */
    private final String description;

    private ReplyAction(Kind kind, ReplyTemplate reply, String description) {
        this.kind = kind;
        this.reply = reply;
        this.description = description;
    }

    private static ActionType type(Kind kind) {
        return ActionType.of(kind.keyword(), ATTRIBUTES, c -> read(c, kind), (word, rest, catalog) ->
                replying(kind, catalog, null, 0, null, rest, null), kind.name());
    }

    private static RuleAction read(ExtensionConfig c, Kind kind) {
        Reason reason = c.has("reason") ? Reason.fromKeyword(c.parameter("reason").orElseThrow()) : null;
        int code = c.has("code") ? code(c.parameter("code").orElseThrow()) : 0;
        String enhanced = c.parameter("enhanced").map(String::strip).orElse(null);
        return replying(kind, c.catalog(), reason, code, enhanced, c.parameter("text").orElse(null),
                c.parameter("description").orElse(null));
    }

    private static int code(String code) {
        try {
            return Integer.parseInt(code.strip());
        } catch (NumberFormatException ex) {
            throw new IllegalArgumentException("code '" + code + "' is not a number");
        }
    }

    /**
     * A reply-giving action.
     *
     * @param reason the catalog entry to start from; null for the kind's default
     * @param code 0 to keep the catalog's code
     * @param enhanced null to keep (or adapt) the catalog's enhanced code
     * @param replyText null to keep the catalog's text
     * @param description the value of {@code ${reason}}, null for the kind's default
     */
    static ReplyAction replying(Kind kind, ReplyCatalog catalog, Reason reason, int code, String enhanced, String replyText,
            String description) {
        ReplyTemplate t = catalog.template(reason != null ? reason : kind.reason);
        if (code != 0 || enhanced != null) {
            int c = code != 0 ? code : t.code();
            String e = enhanced != null ? enhanced
                    : t.enhanced().isEmpty() ? "" : (c / 100) + t.enhanced().substring(1);
            t = t.withCodes(c, e);
        }
        if (replyText != null) {
            t = t.withText(replyText);
        }
        if (kind == Kind.REJECT && t.code() < 500) {
            throw new IllegalArgumentException("reject needs a 5xx reply, not " + t.code() + " (use defer for 4xx)");
        }
        if (kind == Kind.DEFER && t.code() >= 500) {
            throw new IllegalArgumentException("defer needs a 4xx reply, not " + t.code() + " (use reject for 5xx)");
        }
        return new ReplyAction(kind, t, description != null ? description : kind.description);
    }

    /** A table entry's {@code 4NN|5NN [x.y.z] text}: a 5xx rejects, a 4xx defers. */
    static ReplyAction coded(String entry) {
        String[] parts = entry.split("[ \t]+", 2);
        ReplyTemplate t = ReplyTemplate.parse(parts.length == 1 ? parts[0] + " " + Kind.REJECT.description : entry);
        return new ReplyAction(t.code() >= 500 ? Kind.REJECT : Kind.DEFER, t, "");
    }

    /** The reply, its variables filled in. */
    SmtpReply render(ReplyValues values) {
        return reply.render(values.with("reason", description).asMap());
    }

    @Override
    public CompletionStage<PolicyDecision> apply(StageContext ev) {
        SmtpReply r = render(ev.replyValues());
        return CompletableFuture.completedFuture(kind == Kind.REJECT ? PolicyDecision.reject(r)
                : kind == Kind.DEFER ? PolicyDecision.defer(r) : PolicyDecision.disconnect(r));
    }

    @Override
    public String traced(PolicyDecision d) {
        return kind.keyword() + " " + d.reply().orElseThrow();
    }

    @Override
    public String describe() {
        return kind.keyword();
    }
}
