package dev.gatekeeper.reputation;

import dev.gatekeeper.mail.DomainName;
import java.net.InetAddress;
import java.util.Objects;
import java.util.Optional;

/**
 * What one connection's DNS list lookups are about: the client's address, and the domains the
 * domain lists are asked about when known. Immutable; {@code ReputationQuery.of(address)} then
 * {@code with...}. A HELO that is an address literal, or a client name not verified forward and
 * reverse, is left out by the caller.
 */
public final class ReputationQuery {

    private final InetAddress clientAddress;
    private final DomainName senderDomain;
    private final DomainName helo;
    private final DomainName clientName;

    private ReputationQuery(InetAddress clientAddress, DomainName senderDomain, DomainName helo, DomainName clientName) {
        this.clientAddress = Objects.requireNonNull(clientAddress, "clientAddress");
        this.senderDomain = senderDomain;
        this.helo = helo;
        this.clientName = clientName;
    }

    /** The client's address only: the IP lists. */
    public static ReputationQuery of(InetAddress clientAddress) {
        return new ReputationQuery(clientAddress, null, null, null);
    }

    /** With the MAIL FROM domain (none for the null sender). */
    public ReputationQuery withSenderDomain(DomainName value) {
        return new ReputationQuery(clientAddress, value, helo, clientName);
    }

    /** With the HELO/EHLO name, when it is a domain name. */
    public ReputationQuery withHelo(DomainName value) {
        return new ReputationQuery(clientAddress, senderDomain, value, clientName);
    }

    /** With the client's name, verified forward and reverse. */
    public ReputationQuery withClientName(DomainName value) {
        return new ReputationQuery(clientAddress, senderDomain, helo, value);
    }

    public InetAddress clientAddress() {
        return clientAddress;
    }

    /** The domain asked about for a subject of a domain list; empty when not known. */
    public Optional<DomainName> domain(DnsList.Subject subject) {
        switch (subject) {
            case SENDER_DOMAIN:
                return Optional.ofNullable(senderDomain);
            case HELO:
                return Optional.ofNullable(helo);
            case CLIENT_NAME:
                return Optional.ofNullable(clientName);
            default:
                return Optional.empty();
        }
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof ReputationQuery)) {
            return false;
        }
        ReputationQuery q = (ReputationQuery) o;
        return clientAddress.equals(q.clientAddress) && Objects.equals(senderDomain, q.senderDomain)
                && Objects.equals(helo, q.helo) && Objects.equals(clientName, q.clientName);
    }

    @Override
    public int hashCode() {
        return Objects.hash(clientAddress, senderDomain, helo, clientName);
    }

    @Override
    public String toString() {
        return "client " + clientAddress.getHostAddress() + (senderDomain == null ? "" : ", sender domain " + senderDomain)
                + (helo == null ? "" : ", helo " + helo) + (clientName == null ? "" : ", client name " + clientName);
    }
}
