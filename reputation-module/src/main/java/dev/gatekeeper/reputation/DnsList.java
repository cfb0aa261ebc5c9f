package dev.gatekeeper.reputation;

import dev.gatekeeper.mail.DomainName;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * One DNS list (RFC 5782): a block list when its weight is positive, an allow list when negative.
 * Immutable; built with {@link #addressList} (IP lists, DNSBL/DNSWL, RFC 5782 §2.1 and §2.4) or
 * {@link #domainList} (RHSBL/RHSWL, §2.2).
 *
 * <p>How an answer to the list's A query is read, in this order:
 * <ol>
 *   <li>NXDOMAIN or no A record: not listed.
 *   <li>Any A record outside 127.0.0.0/8 (RFC 5782 §2.3 keeps answers in it; an address elsewhere
 *       is a resolver that rewrites NXDOMAIN to an advertising host, or a list that has gone
 *       wrong), or any A record that {@link #errorReplies()} matches: an error of the list, never a
 *       listing, even if another record of the answer would match the filter.
 *   <li>Otherwise listed when at least one A record passes {@link #filter()}; the weight counts
 *       once per list, however many records match.
 * </ol>
 */
public final class DnsList {

    /**
     * The replies counted as errors unless a list says otherwise: {@code 127.0.0.1}, which RFC 5782
     * §5 says a list must never contain (some lists answer it for "query refused"), and
     * 127.255.255.0/24, where Spamhaus and others put their error codes (127.255.255.252 typing
     * error in the list's name, .254 query through a public resolver, .255 too many queries).
     */
    public static final ReplyFilter DEFAULT_ERROR_REPLIES = ReplyFilter.parse("127.0.0.1, 127.255.255.[0..255]");

    /** What a list is asked about. */
    public enum Subject {
        /** The SMTP client's address (IP lists only). */
        CLIENT_ADDRESS,
        /** The domain of the MAIL FROM address. */
        SENDER_DOMAIN,
        /** The HELO/EHLO name, when it is a domain name. */
        HELO,
        /** The client's name, verified forward and reverse. */
        CLIENT_NAME;

        /** The name used in configuration and traces: {@code client-address}, {@code sender-domain}, ... */
        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        }
    }

    private final String name;
    private final DomainName zone;
    private final int weight;
    private final ReplyFilter filter;
    private final ReplyFilter errorReplies;
    private final Set<Subject> subjects;

    private DnsList(String name, DomainName zone, int weight, ReplyFilter filter, ReplyFilter errorReplies,
            Set<Subject> subjects) {
        this.name = name;
        this.zone = zone;
        this.weight = weight;
        this.filter = filter;
        this.errorReplies = errorReplies;
        this.subjects = subjects;
    }

    /**
     * An IP list: asked about the client's address (IPv4 reversed octets, IPv6 reversed nibbles),
     * any reply counted, {@link #DEFAULT_ERROR_REPLIES} as errors.
     *
     * @param name unique among the lists of one checker; what rules and traces call it
     * @param zone the list's zone, {@code zen.spamhaus.org}
     * @param weight added to the score when listed; negative for an allow list
     */
    public static DnsList addressList(String name, String zone, int weight) {
        return new DnsList(checkName(name), zone(zone), weight, ReplyFilter.any(), DEFAULT_ERROR_REPLIES,
                Collections.unmodifiableSet(EnumSet.of(Subject.CLIENT_ADDRESS)));
    }

    /**
     * An IP list from one entry of Postfix's {@code postscreen_dnsbl_sites}:
     * {@code zone[=filter][*weight]}, the weight 1 when not written (as in Postfix), negative for
     * an allow list: {@code zen.spamhaus.org=127.0.0.[2..11]*3}, {@code list.dnswl.org=127.0.[0..255].[1..3]*-2}.
     *
     * @throws IllegalArgumentException naming the entry and what is wrong with it
     */
    public static DnsList postscreenEntry(String name, String entry) {
        String e = Objects.requireNonNull(entry, "entry").strip();
        int weight = 1;
        int star = e.lastIndexOf('*');
        if (star >= 0) {
            String w = e.substring(star + 1);
            try {
                weight = Integer.parseInt(w);
            } catch (NumberFormatException x) {
                throw new IllegalArgumentException("postscreen entry '" + e + "': weight '" + w + "' is not a whole number", x);
            }
            e = e.substring(0, star);
        }
        int eq = e.indexOf('=');
        DnsList list = addressList(name, eq < 0 ? e : e.substring(0, eq), weight);
        return eq < 0 ? list : list.filter(ReplyFilter.parse(e.substring(eq + 1)));
    }

    /**
     * A domain list, asked about the sender's domain, the HELO name and the verified client name
     * (narrow with {@link #subjects(Set)}).
     */
    public static DnsList domainList(String name, String zone, int weight) {
        return new DnsList(checkName(name), zone(zone), weight, ReplyFilter.any(), DEFAULT_ERROR_REPLIES,
                Collections.unmodifiableSet(EnumSet.of(Subject.SENDER_DOMAIN, Subject.HELO, Subject.CLIENT_NAME)));
    }

    /** This list, counting only replies that pass {@code value}. */
    public DnsList filter(ReplyFilter value) {
        return new DnsList(name, zone, weight, Objects.requireNonNull(value, "filter"), errorReplies, subjects);
    }

    /**
     * This list, with these replies read as errors (besides any reply outside 127.0.0.0/8).
     *
     * @throws IllegalArgumentException for {@link ReplyFilter#any()}, which would make every answer
     *     an error: see {@link #noErrorReplies()}
     */
    public DnsList errorReplies(ReplyFilter value) {
        if (value.isAny()) {
            throw new IllegalArgumentException("list '" + name + "': every reply an error? Use noErrorReplies() for none");
        }
        return new DnsList(name, zone, weight, filter, value, subjects);
    }

    /** This list, with no reply inside 127.0.0.0/8 read as an error. */
    public DnsList noErrorReplies() {
        return new DnsList(name, zone, weight, filter, null, subjects);
    }

    /**
     * A domain list asked about these subjects only.
     *
     * @throws IllegalArgumentException for an IP list, for an empty set, or a set with
     *     {@link Subject#CLIENT_ADDRESS}
     */
    public DnsList subjects(Set<Subject> value) {
        if (isAddressList()) {
            throw new IllegalArgumentException("list '" + name + "': an IP list is asked about the client address only");
        }
        if (value.isEmpty() || value.contains(Subject.CLIENT_ADDRESS)) {
            throw new IllegalArgumentException("list '" + name
                    + "': a domain list is asked about sender-domain, helo or client-name (one or more)");
        }
        return new DnsList(name, zone, weight, filter, errorReplies, Collections.unmodifiableSet(EnumSet.copyOf(value)));
    }

    private static String checkName(String name) {
        Objects.requireNonNull(name, "name");
        if (name.isEmpty() || !name.chars().allMatch(c -> c > ' ' && c < 0x7f)) {
            throw new IllegalArgumentException("list name '" + name + "' must be printable ASCII without spaces");
        }
        return name;
    }

    private static DomainName zone(String zone) {
        try {
            return DomainName.parseOwnerName(Objects.requireNonNull(zone, "zone"));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("list zone '" + zone + "': " + e.getMessage(), e);
        }
    }

    public String name() {
        return name;
    }

    public DomainName zone() {
        return zone;
    }

    /** Added to the score when listed; negative for an allow list. */
    public int weight() {
        return weight;
    }

    public boolean isAllowList() {
        return weight < 0;
    }

    public boolean isAddressList() {
        return subjects.contains(Subject.CLIENT_ADDRESS);
    }

    public ReplyFilter filter() {
        return filter;
    }

    /** The replies inside 127.0.0.0/8 read as errors; empty for none. */
    public Optional<ReplyFilter> errorReplies() {
        return Optional.ofNullable(errorReplies);
    }

    /** In the enum's order: client address, sender domain, HELO, client name. */
    public Set<Subject> subjects() {
        return subjects;
    }

    /** Whether an A record of an answer means the list failed rather than answered (see the class comment). */
    boolean isErrorReply(InetAddress reply) {
        if (!(reply instanceof Inet4Address) || (reply.getAddress()[0] & 0xff) != 127) {
            return true;
        }
        return errorReplies != null && errorReplies.matches(reply);
    }

    /** Equal when every part is: equal list configurations make equal checkers. */
    @Override
    public boolean equals(Object o) {
        if (!(o instanceof DnsList)) {
            return false;
        }
        DnsList l = (DnsList) o;
        return name.equals(l.name) && zone.equals(l.zone) && weight == l.weight && filter.equals(l.filter)
                && Objects.equals(errorReplies, l.errorReplies) && subjects.equals(l.subjects);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, zone, weight, filter, errorReplies, subjects);
    }

    @Override
    public String toString() {
        return name + " (" + zone + (filter.isAny() ? "" : "=" + filter) + "*" + weight + ")";
    }
}
