package dev.gatekeeper.policy;

import dev.gatekeeper.callout.CalloutResult;
import java.util.Objects;

/** What a callout answered, as the policy sees it: the outcome and the peer's reply text ("" when none). */
public final class CalloutAnswer {

    private final CalloutResult status;
    private final String peerReply;

    private CalloutAnswer(CalloutResult status, String peerReply) {
        this.status = Objects.requireNonNull(status, "status");
        this.peerReply = Objects.requireNonNull(peerReply, "peerReply");
    }

    public static CalloutAnswer of(CalloutResult status, String peerReply) {
        return new CalloutAnswer(status, peerReply);
    }

    public CalloutResult status() {
        return status;
    }

    public String peerReply() {
        return peerReply;
    }

    @Override
    public String toString() {
        return status.keyword() + (peerReply.isEmpty() ? "" : " (" + peerReply + ")");
    }
}
