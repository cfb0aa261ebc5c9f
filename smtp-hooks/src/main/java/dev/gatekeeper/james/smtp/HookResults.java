package dev.gatekeeper.james.smtp;

import dev.gatekeeper.policy.SmtpReply;
import dev.gatekeeper.policy.Stage;
import dev.gatekeeper.policy.Verdict;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.james.protocols.api.Response;
import org.apache.james.protocols.smtp.SMTPResponse;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.protocols.smtp.hook.HookReturnCode;

/**
 * Policy verdicts as James answers, and James answers as replies. James's rules (protocols-smtp
 * 3.8.1, {@code AbstractHookableCmdHandler}): {@code DECLINED} lets the next hook speak;
 * {@code OK} ends the chain and runs the command (at RCPT: James's own relay check is skipped; at
 * the end of DATA: the mail is not queued, so a message hook never answers OK); {@code DENY} and
 * {@code DENYSOFT} send the code and description (the enhanced code is the description's first
 * word); a disconnected return code closes the session after the reply.
 */
final class HookResults {

    private static final Pattern ENHANCED_FIRST = Pattern.compile("^([245]\\.\\d{1,3}\\.\\d{1,3})(?:\\s+(.*))?$", Pattern.DOTALL);
    /** James's defaults when a hook gives no code (AbstractHookableCmdHandler.retrieveDefaultSmtpReturnCode). */
    private static final int JAMES_DENY_CODE = 550;
    private static final int JAMES_DENYSOFT_CODE = 451;

    private HookResults() {
    }

    /** The hook answer for a verdict at HELO, MAIL, RCPT or the end of DATA. */
    static HookResult of(Verdict verdict) {
        Stage stage = verdict.stage();
        switch (verdict.answer()) {
            case PERMIT:
                return stage == Stage.RCPT ? HookResult.OK : HookResult.DECLINED;
            case REJECT:
                return refusal(HookReturnCode.deny(), verdict.reply().orElseThrow());
            case DEFER:
                return refusal(HookReturnCode.denySoft(), verdict.reply().orElseThrow());
            case DISCONNECT: {
                SmtpReply reply = verdict.reply().orElseThrow();
                return refusal(HookReturnCode.disconnected(reply.isPermanent()
                        ? HookReturnCode.Action.DENY : HookReturnCode.Action.DENYSOFT), reply);
            }
            case DUNNO:
            default:
                // James refuses relaying on its own unless it knows the client; the policy's relay
                // rules (my-networks) may know more, and granted it.
                return stage == Stage.RCPT && verdict.relayGranted() ? HookResult.OK : HookResult.DECLINED;
        }
    }

    /** A temporary refusal for our own failure. */
    static HookResult internalError(SmtpReply reply) {
        return refusal(HookReturnCode.denySoft(), reply);
    }

    static HookResult refusal(HookReturnCode code, SmtpReply reply) {
        return HookResult.builder()
                .hookReturnCode(code)
                .smtpReturnCode(Integer.toString(reply.code()))
                .smtpDescription(reply.description())
                .build();
    }

    /**
     * "Nothing to say, let James greet": a response without lines (the transport writes no octet).
     * Not null: James 3.8.1's JMX ConnectHandlerStats calls isEndSession() on every connect
     * handler's response and fails the connection on null.
     */
    static final Response PASS = new Response() {
        @Override
        public String getRetCode() {
            return "220";
        }

        @Override
        public List<CharSequence> getLines() {
            return List.of();
        }

        @Override
        public boolean isEndSession() {
            return false;
        }
    };

    /** The greeting's answer: {@link #PASS} lets James greet; a refusal ends the session. */
    static Response greeting(Verdict verdict) {
        if (!verdict.refuses()) {
            return PASS;
        }
        return closing(verdict.reply().orElseThrow());
    }

    static SMTPResponse closing(SmtpReply reply) {
        SMTPResponse response = new SMTPResponse(Integer.toString(reply.code()), reply.description());
        response.setEndSession(true);
        return response;
    }

    /** The reply a refusing hook result gives, or empty for DECLINED/OK or one that does not read as a reply. */
    static Optional<SmtpReply> replyOf(HookResult result) {
        HookReturnCode rc = result.getResult();
        HookReturnCode.Action action = rc.getAction();
        if (action != HookReturnCode.Action.DENY && action != HookReturnCode.Action.DENYSOFT) {
            return Optional.empty();
        }
        int code;
        try {
            code = result.getSmtpRetCode() != null ? Integer.parseInt(result.getSmtpRetCode().trim())
                    : action == HookReturnCode.Action.DENY ? JAMES_DENY_CODE : JAMES_DENYSOFT_CODE;
            SmtpReply.Builder b = SmtpReply.builder(code);
            String description = result.getSmtpDescription() == null ? "" : result.getSmtpDescription().trim();
            Matcher m = ENHANCED_FIRST.matcher(description);
            if (m.matches()) {
                b.enhanced(m.group(1));
                b.text(m.group(2) == null ? "" : m.group(2));
            } else {
                b.text(description);
            }
            return Optional.of(b.build());
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** The same result carrying another reply; the action follows the new code's class. */
    static HookResult withReply(HookResult original, SmtpReply reply) {
        HookReturnCode.Action action = reply.isPermanent() ? HookReturnCode.Action.DENY : HookReturnCode.Action.DENYSOFT;
        return refusal(new HookReturnCode(action, original.getResult().getConnectionStatus()), reply);
    }
}
