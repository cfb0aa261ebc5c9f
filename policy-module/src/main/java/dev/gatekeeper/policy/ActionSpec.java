package dev.gatekeeper.policy;

import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * What a rule or a table entry does when it matches, checked when read. A reply, when the action
 * has one, is fully resolved against the catalog at load time, so a bad code never waits for the
 * first client.
 */
final class ActionSpec {

    enum Kind {
        ACCEPT,
        REJECT,
        DEFER,
        DISCONNECT,
        CONTINUE,
        WARN,
        TAG,
        /** A table entry that means "as if not found" (Postfix's DUNNO). */
        DUNNO,
        CUSTOM
    }

    private static final Pattern CODE = Pattern.compile("[45]\\d\\d");

    final Kind kind;
    /** The reply of REJECT, DEFER, DISCONNECT; for WARN, the reply that would have been given, or null. */
    final ReplyTemplate reply;
    /** The value of {@code ${reason}}; for WARN the warning text, for TAG the label. */
    final String text;
    final PolicyAction custom;

    private ActionSpec(Kind kind, ReplyTemplate reply, String text, PolicyAction custom) {
        this.kind = kind;
        this.reply = reply;
        this.text = Objects.requireNonNull(text);
        this.custom = custom;
    }

    static ActionSpec simple(Kind kind) {
        return new ActionSpec(kind, null, "", null);
    }

    static ActionSpec tag(String label) {
        if (label.isBlank() || !label.matches("[A-Za-z0-9._:-]+")) {
            throw new IllegalArgumentException("a tag label is one word of letters, digits, '.', '_', ':' or '-': '" + label + "'");
        }
        return new ActionSpec(Kind.TAG, null, label, null);
    }

    static ActionSpec custom(PolicyAction action) {
        return new ActionSpec(Kind.CUSTOM, null, "", action);
    }

    static ActionSpec warn(String text, ReplyTemplate wouldGive) {
        return new ActionSpec(Kind.WARN, wouldGive, text, null);
    }

    /**
     * A reply-giving action.
     *
     * @param reason the catalog entry to start from; null for the kind's default
     * @param code 0 to keep the catalog's code
     * @param enhanced null to keep (or adapt) the catalog's enhanced code
     * @param replyText null to keep the catalog's text
     * @param reasonText the value of {@code ${reason}}, null for the kind's default
     */
    static ActionSpec replying(Kind kind, ReplyCatalog catalog, Reason reason, int code, String enhanced, String replyText,
            String reasonText) {
        Reason r = reason != null ? reason : defaultReason(kind);
        ReplyTemplate t = catalog.template(r);
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
        return new ActionSpec(kind, t, reasonText != null ? reasonText : defaultReasonText(kind), null);
    }

    private static Reason defaultReason(Kind kind) {
        switch (kind) {
            case REJECT:
                return Reason.POLICY_REJECT;
            case DEFER:
                return Reason.POLICY_DEFER;
            case DISCONNECT:
                return Reason.DISCONNECT;
            default:
                throw new IllegalArgumentException(kind + " gives no reply");
        }
    }

    private static String defaultReasonText(Kind kind) {
        switch (kind) {
            case DEFER:
                return "Try again later";
            case DISCONNECT:
                return "Service unavailable";
            default:
                return "Access denied";
        }
    }

    /**
     * Reads the action part of an access(5)-style table entry: {@code OK}, {@code REJECT [text]},
     * {@code DEFER [text]}, {@code DISCONNECT [text]}, {@code DUNNO}, {@code WARN text},
     * {@code TAG label}, or {@code 4NN|5NN [x.y.z] text}. Null for an empty action. A text replaces
     * the catalog reply's text and may use the reply variables ({@code ${sender}}, ...).
     */
    static ActionSpec parseTableAction(String action, ReplyCatalog catalog) {
        String a = action.strip();
        if (a.isEmpty()) {
            return null;
        }
        String[] parts = a.split("[ \t]+", 2);
        String word = parts[0];
        String rest = parts.length > 1 ? parts[1].strip() : null;
        if (CODE.matcher(word).matches()) {
            ReplyTemplate t = ReplyTemplate.parse(rest == null ? word + " " + defaultReasonText(Kind.REJECT) : a);
            return new ActionSpec(t.code() >= 500 ? Kind.REJECT : Kind.DEFER, t, "", null);
        }
        switch (word.toUpperCase(Locale.ROOT)) {
            case "OK":
            case "ACCEPT":
                return noText(simple(Kind.ACCEPT), rest, word);
            case "DUNNO":
                return noText(simple(Kind.DUNNO), rest, word);
            case "CONTINUE":
                return noText(simple(Kind.CONTINUE), rest, word);
            case "REJECT":
                return replying(Kind.REJECT, catalog, null, 0, null, rest, null);
            case "DEFER":
                return replying(Kind.DEFER, catalog, null, 0, null, rest, null);
            case "DISCONNECT":
                return replying(Kind.DISCONNECT, catalog, null, 0, null, rest, null);
            case "WARN":
                return warn(rest == null ? "table entry matched" : rest, null);
            case "TAG":
                if (rest == null) {
                    throw new IllegalArgumentException("TAG needs a label");
                }
                return tag(rest);
            default:
                throw new IllegalArgumentException("unknown action '" + word
                        + "' (OK, REJECT, DEFER, DISCONNECT, DUNNO, CONTINUE, WARN, TAG or a 4xx/5xx code)");
        }
    }

    private static ActionSpec noText(ActionSpec spec, String rest, String word) {
        if (rest != null) {
            throw new IllegalArgumentException(word + " takes no text");
        }
        return spec;
    }

    SmtpReply render(ReplyValues values) {
        return reply.render(values.with("reason", text).asMap());
    }

    String describe() {
        switch (kind) {
            case TAG:
                return "tag " + text;
            case WARN:
                return "warn " + text;
            case CUSTOM:
                return "custom " + custom.describe();
            default:
                return kind.name().toLowerCase(Locale.ROOT);
        }
    }
}
