package dev.gatekeeper.policy;

import dev.gatekeeper.callout.CalloutStatus;
import java.util.Objects;

/** What a callout answered, as the policy sees it: the outcome and the peer's reply text ("" when none). */
public final class CalloutCheck {

    private final CalloutStatus status;
    private final String peerReply;

    private CalloutCheck(CalloutStatus status, String peerReply) {
        this.status = Objects.requireNonNull(status, "status");
        this.peerReply = Objects.requireNonNull(peerReply, "peerReply");
    }

    public static CalloutCheck of(CalloutStatus status, String peerReply) {
        return new CalloutCheck(status, peerReply);
    }

    public CalloutStatus status() {
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
