package dev.gatekeeper.benchmarks.load;

import java.util.stream.Collectors;

/**
 * The DNS data the load drivers serve to Gatekeeper's resolver: the sender's domain, the load
 * clients' reverse names and the zone of the policy's DNS lists, each with an SOA record.
 *
 * <p>The SOA is what makes a negative answer cacheable: RFC 2308 §5 lets a resolver cache
 * NXDOMAIN and NODATA only for the SOA MINIMUM of the SOA in the authority section, and without
 * one it caches nothing. Every connection asks for names that do not exist (the client's entry
 * in the DNS lists, {@code _dmarc} of the From domain, AAAA of the client name), so a zone
 * without SOA costs several queries per connection, measured once at about six: work a real
 * resolver's cache saves, so the driver should not measure it.
 */
public final class LoadZone {
    /** LoadComparison's outside client: not in authorizedAddresses, so relay rules and SPF apply in full. */
    public static final String CLIENT = "127.0.0.2";
    /**
     * smtp-source's client: it has no option to choose its source address, and a connection to
     * loopback comes from 127.0.0.1, so the smtp-source driver takes 127.0.0.1 out of
     * authorizedAddresses and the policy's my-networks.
     */
    public static final String SMTP_SOURCE_CLIENT = "127.0.0.1";
    /** The sender's mail host, where the callout goes. */
    public static final String PEER = "127.0.0.21";
    public static final String SENDER = "load@load.test";
    /** The name both clients say in HELO and have as their forward-confirmed reverse name. */
    public static final String CLIENT_NAME = "client.load.test";

    /**
     * The sender's domain (its SPF record passes both clients, its MX is {@link #PEER}), the
     * clients' PTR records and the DNS lists' parent zone (conf/gatekeeper-policy.xml asks
     * bl.sandbox.test and wl.sandbox.test; neither lists the clients).
     */
    public static final String TEXT = String.join("\n",
            "$TTL 86400",
            "$ORIGIN load.test.",
            "@     IN SOA ns.load.test. hostmaster.load.test. 1 3600 600 86400 3600",
            "@     IN MX  10 mx",
            "@     IN TXT \"v=spf1 ip4:192.0.2.0/24 ip4:" + CLIENT + " ip4:" + SMTP_SOURCE_CLIENT + " -all\"",
            "mx    IN A   " + PEER,
            "client IN A  " + CLIENT,
            "client IN A  " + SMTP_SOURCE_CLIENT,
            "$ORIGIN 0.0.127.in-addr.arpa.",
            "@     IN SOA ns.load.test. hostmaster.load.test. 1 3600 600 86400 3600",
            reverse(CLIENT) + " IN PTR " + CLIENT_NAME + ".",
            reverse(SMTP_SOURCE_CLIENT) + " IN PTR " + CLIENT_NAME + ".",
            "$ORIGIN sandbox.test.",
            "@     IN SOA ns.load.test. hostmaster.load.test. 1 3600 600 86400 3600",
            "");

    private LoadZone() {
    }

    /** {@link #TEXT}, or the same records without their SOAs, to show what the SOAs save. */
    public static String text(boolean withSoa) {
        return withSoa ? TEXT : TEXT.lines().filter(l -> !l.contains(" SOA ")).collect(Collectors.joining("\n", "", "\n"));
    }

    private static String reverse(String loopback) {
        return loopback.substring(loopback.lastIndexOf('.') + 1);
    }
}
