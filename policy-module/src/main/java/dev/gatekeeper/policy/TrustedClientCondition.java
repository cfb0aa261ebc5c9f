package dev.gatekeeper.policy;

import java.net.InetAddress;
import java.util.Set;

/**
 * {@code <my-networks/>} and {@code <relay-allowed/>}: a client the relay rules trust, by the
 * policy's {@code <my-networks>} or by James's {@code authorizedAddresses} (a fact the adapter gives).
 */
final class TrustedClientCondition {

    static final Condition MY_NETWORKS = Condition.sync("my-networks", Datum.CLIENT, ev -> {
        CidrBlock b = ev.session.myNetwork();
        if (b == null) {
            return Condition.Match.NO;
        }
        InetAddress client = ev.clientAddress();
        return Condition.Match.yes(() -> "client " + client.getHostAddress() + " in my-networks " + b);
    });

    static final Condition RELAY_ALLOWED = Condition.sync("relay-allowed", Datum.CLIENT,
            ev -> Condition.Match.of(ev.relayAllowed(), "client in James's authorizedAddresses"));

    static final ConditionType MY_NETWORKS_TYPE = ConditionType.of("my-networks", Set.of(), c -> MY_NETWORKS);
    static final ConditionType RELAY_ALLOWED_TYPE = ConditionType.of("relay-allowed", Set.of(), c -> RELAY_ALLOWED);

    private TrustedClientCondition() {
    }
}
