package dev.gatekeeper.policy;

import java.net.InetAddress;
import java.util.Objects;
import java.util.Optional;

/** What the adapter knows of the client when it connects. Immutable. */
public final class ClientFacts {

    private final InetAddress address;
    private final String reverseName;
    private final boolean relayAllowed;

    private ClientFacts(InetAddress address, String reverseName, boolean relayAllowed) {
        this.address = Objects.requireNonNull(address, "address");
        this.reverseName = reverseName;
        this.relayAllowed = relayAllowed;
    }

    /**
     * @param address the client's IP address
     * @param reverseName its verified reverse name (forward-confirmed), or null when it has none
     * @param relayAllowed whether James's {@code authorizedAddresses} cover the client
     */
    public static ClientFacts of(InetAddress address, String reverseName, boolean relayAllowed) {
        // Not DomainName.canonical: the name keeps the case the PTR record gave, as the trace and
        // ${client_name} show it; conditions compare it case-insensitively.
        String n = reverseName == null || reverseName.isBlank() ? null : reverseName.strip();
        if (n != null && n.endsWith(".")) {
            n = n.substring(0, n.length() - 1);
        }
        return new ClientFacts(address, n, relayAllowed);
    }

    public InetAddress address() {
        return address;
    }

    public Optional<String> reverseName() {
        return Optional.ofNullable(reverseName);
    }

    public boolean relayAllowed() {
        return relayAllowed;
    }
}
