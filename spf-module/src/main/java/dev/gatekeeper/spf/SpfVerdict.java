package dev.gatekeeper.spf;

import dev.gatekeeper.dns.IpAddresses;
import java.net.InetAddress;
import java.util.Objects;
import java.util.Optional;

/** The outcome of one SPF check with what headers and replies need to describe it. Immutable. */
public final class SpfVerdict {

    /** What {@link #mechanism()} answers when no mechanism matched (RFC 7208 §4.7). */
    public static final String DEFAULT_MECHANISM = "default";

    private final SpfResult result;
    private final SpfIdentity identity;
    private final String domain;
    private final String sender;
    private final InetAddress clientIp;
    private final String helo;
    private final String explanation;
    private final String mechanism;
    private final String problem;
    private final int lookups;
    private final int voidLookups;

    SpfVerdict(SpfResult result, SpfIdentity identity, String domain, String sender, InetAddress clientIp, String helo,
               String explanation, String mechanism, String problem, int lookups, int voidLookups) {
        this.result = Objects.requireNonNull(result, "result");
        this.identity = Objects.requireNonNull(identity, "identity");
        this.domain = domain;
        this.sender = sender;
        this.clientIp = clientIp;
        this.helo = helo;
        this.explanation = result == SpfResult.FAIL ? explanation : null;
        this.mechanism = mechanism;
        this.problem = result == SpfResult.PERMERROR || result == SpfResult.TEMPERROR ? problem : null;
        this.lookups = lookups;
        this.voidLookups = voidLookups;
    }

    public SpfResult result() {
        return result;
    }

    public SpfIdentity identity() {
        return identity;
    }

    /** The domain whose policy was evaluated: the sender's domain, or the HELO domain. */
    public String domain() {
        return domain;
    }

    /** The address as evaluated, e.g. {@code postmaster@helo.example} for the null sender (§2.4). */
    public String sender() {
        return sender;
    }

    /** The client address as evaluated (an IPv4-mapped IPv6 address as IPv4); null only if none was given. */
    public InetAddress clientIp() {
        return clientIp;
    }

    /** The client address in the text form of %{c}: dotted quad or RFC 5952 IPv6. */
    public String clientIpText() {
        return clientIp == null ? "" : IpAddresses.readable(IpAddresses.octets(clientIp));
    }

    /** The HELO/EHLO argument as given. */
    public String helo() {
        return helo;
    }

    /** For a fail only: the text of the {@code exp=} record, or the configured default explanation. */
    public Optional<String> explanation() {
        return Optional.ofNullable(explanation);
    }

    /** The directive that decided the result, as written (e.g. {@code -all}), or {@value #DEFAULT_MECHANISM}. */
    public Optional<String> mechanism() {
        return Optional.ofNullable(mechanism);
    }

    /** For permerror and temperror: what went wrong. */
    public Optional<String> problem() {
        return Optional.ofNullable(problem);
    }

    /** The number of DNS-querying mechanisms and modifiers evaluated (RFC 7208 §4.6.4). */
    public int lookups() {
        return lookups;
    }

    /** The number of void lookups (NXDOMAIN or no records, RFC 7208 §4.6.4). */
    public int voidLookups() {
        return voidLookups;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("SpfVerdict{").append(result.keyword())
                .append(", identity=").append(identity.keyword())
                .append(", domain=").append(domain)
                .append(", sender=").append(sender)
                .append(", client-ip=").append(clientIpText())
                .append(", helo=").append(helo);
        if (mechanism != null) {
            sb.append(", mechanism=").append(mechanism);
        }
        if (explanation != null) {
            sb.append(", explanation=").append(explanation);
        }
        if (problem != null) {
            sb.append(", problem=").append(problem);
        }
        return sb.append(", lookups=").append(lookups).append('}').toString();
    }
}
