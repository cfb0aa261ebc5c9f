package dev.gatekeeper.dns;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.xbill.DNS.ResolverConfig;

/**
 * The immutable settings of a {@link DnsjavaResolver}: its {@link #KEYS}, each declared below with
 * its default and bounds (the project README's DNS table lists them, and a test keeps the two in
 * step). Built with {@link #builder()}, or from configuration text with {@link #parse(Map)}; a bad
 * value is refused at once with a message naming it.
 */
public final class ResolverSettings {

    /** {@code host[:port]}, separated by commas or spaces; absent, the system's resolvers. */
    public static final Setting<List<InetSocketAddress>> SERVERS = Setting.parsed("servers",
            ResolverSettings::parseServers, List::toString, null).absentMeans("the system's resolvers");
    /** Per attempt; at most a minute. */
    public static final Setting<Duration> TIMEOUT = Setting.duration("timeout", "5s").positive().atMost(Duration.ofMinutes(1));
    /** Each retry goes to the next server. */
    public static final Setting<Integer> RETRIES = Setting.integer("retries", "1").within(0, 10);
    /** DNS Flag Day 2020: a payload that fits an IPv6 minimum MTU without fragmentation. */
    public static final Setting<Integer> EDNS_PAYLOAD_SIZE = Setting.integer("ednsPayloadSize", "1232").within(512, 65_535);
    /** Answers cached; 0 turns the cache off. */
    public static final Setting<Integer> CACHE_SIZE = Setting.integer("cacheSize", "10000").notNegative().unit("entries");
    /** One day, as Unbound's {@code cache-max-ttl}. */
    public static final Setting<Duration> MAX_TTL = Setting.duration("maxTtl", "1d").notNegative();
    /** RFC 2308 §5 caps negative caching; a mail server wants a new record seen soon, hence 15 minutes. */
    public static final Setting<Duration> MAX_NEGATIVE_TTL = Setting.duration("maxNegativeTtl", "15m").notNegative();

    /** Every key {@link #parse(Map)} knows, in the order of the settings table. */
    public static final SettingKeys KEYS = SettingKeys.of(
            SERVERS, TIMEOUT, RETRIES, EDNS_PAYLOAD_SIZE, CACHE_SIZE, MAX_TTL, MAX_NEGATIVE_TTL);

    static final int DNS_PORT = 53;

    private final SettingMap values;

    private ResolverSettings(SettingMap values) {
        this.values = values.get(SERVERS) == null ? values.with(SERVERS, systemServers()) : values;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Every setting at its default. */
    public static ResolverSettings defaults() {
        return builder().build();
    }

    /**
     * Settings from configuration text, as a plugin's configuration gives them: {@code servers} is
     * a list of {@code host[:port]} separated by commas or spaces; durations are a number with a
     * unit ({@code 500ms}, {@code 5s}, {@code 15m}, {@code 1h}, {@code 1d}) or ISO-8601
     * ({@code PT5S}); numbers are decimal. A missing key keeps its default; an unknown key, a
     * blank value or a bad value is refused with a message naming the key.
     */
    public static ResolverSettings parse(Map<String, String> properties) {
        return new ResolverSettings(KEYS.read(properties));
    }

    /**
     * Parses settings written with a prefix, as flat parameters are ({@code dns.timeout}); every
     * message names a setting with its prefix.
     */
    public static ResolverSettings parse(Map<String, String> properties, String prefix) {
        return new ResolverSettings(KEYS.read(properties, prefix));
    }

    /** The servers, tried in order: attempt {@code n} goes to server {@code n mod servers}. */
    public List<InetSocketAddress> servers() {
        return values.get(SERVERS);
    }

    /** How long one attempt (UDP, and TCP after a truncated UDP answer) may take. */
    public Duration timeout() {
        return values.get(TIMEOUT);
    }

    /** How many more attempts follow a timeout, an I/O error, SERVFAIL or REFUSED. */
    public int retries() {
        return values.get(RETRIES);
    }

    /** The UDP payload size announced in the EDNS0 OPT record (RFC 6891). */
    public int ednsPayloadSize() {
        return values.get(EDNS_PAYLOAD_SIZE);
    }

    /** The most answers the cache holds; 0 disables it. */
    public int cacheSize() {
        return values.get(CACHE_SIZE);
    }

    /** The longest a positive answer is cached, whatever its TTL says. */
    public Duration maxTtl() {
        return values.get(MAX_TTL);
    }

    /** The longest an NXDOMAIN or NODATA answer is cached, whatever its SOA says. */
    public Duration maxNegativeTtl() {
        return values.get(MAX_NEGATIVE_TTL);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ResolverSettings && values.equals(((ResolverSettings) o).values);
    }

    @Override
    public int hashCode() {
        return values.hashCode();
    }

    @Override
    public String toString() {
        return "ResolverSettings{" + values + "}";
    }

    private static List<InetSocketAddress> systemServers() {
        List<InetSocketAddress> found = ResolverConfig.getCurrentConfig().servers();
        if (found.isEmpty()) {
            throw new IllegalStateException("no DNS servers configured and none found in the system's configuration");
        }
        return List.copyOf(found);
    }

    private static List<InetSocketAddress> parseServers(String text) {
        List<InetSocketAddress> out = new ArrayList<>();
        for (String spec : text.split("[,\\s]+")) {
            out.add(parseServer(spec));
        }
        return List.copyOf(out);
    }

    /**
     * Parses {@code host[:port]}: an IPv4 literal with an optional port, an IPv6 literal bare or
     * in brackets ({@code [::1]:5353}). Host names are refused: finding the server by name would
     * need the DNS itself.
     */
    static InetSocketAddress parseServer(String spec) {
        Objects.requireNonNull(spec, "server");
        String s = spec.trim();
        String host = s;
        int port = DNS_PORT;
        if (s.startsWith("[")) {
            int close = s.indexOf(']');
            if (close < 0) {
                throw badServer(spec, "missing ']'");
            }
            host = s.substring(1, close);
            String rest = s.substring(close + 1);
            if (!rest.isEmpty()) {
                if (!rest.startsWith(":")) {
                    throw badServer(spec, "expected ':port' after ']'");
                }
                port = parsePort(spec, rest.substring(1));
            }
        } else if (s.indexOf(':') >= 0 && s.indexOf(':') == s.lastIndexOf(':')) {
            host = s.substring(0, s.indexOf(':'));
            port = parsePort(spec, s.substring(s.indexOf(':') + 1));
        }
        InetAddress address = IpAddresses.parse(host).orElseThrow(() -> badServer(spec, "not an IP address"));
        return new InetSocketAddress(address, port);
    }

    private static int parsePort(String spec, String port) {
        try {
            int p = Integer.parseInt(port);
            if (p >= 1 && p <= 65_535) {
                return p;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw badServer(spec, "port must be 1-65535");
    }

    private static IllegalArgumentException badServer(String spec, String why) {
        return new IllegalArgumentException("'" + spec + "' is not host[:port] (" + why + ")");
    }

    /** Collects settings; each setter refuses a bad value with an {@link IllegalArgumentException}. */
    public static final class Builder {
        private SettingMap values = KEYS.defaults();
        private final List<InetSocketAddress> servers = new ArrayList<>();

        private Builder() {
        }

        /** Adds a server as {@code host[:port]} (IP literal, port 53 when absent). */
        public Builder server(String hostPort) {
            return server(SERVERS.read(hostPort).get(0));
        }

        /** Adds a server by socket address. */
        public Builder server(InetSocketAddress address) {
            Objects.requireNonNull(address, "server");
            if (address.isUnresolved()) {
                throw new IllegalArgumentException("servers: '" + address + "' is unresolved");
            }
            servers.add(address);
            return this;
        }

        /** Replaces the servers with these {@code host[:port]} strings. */
        public Builder servers(List<String> hostPorts) {
            List<InetSocketAddress> parsed = new ArrayList<>();
            for (String s : hostPorts) {
                parsed.add(SERVERS.read(s).get(0));
            }
            servers.clear();
            servers.addAll(parsed);
            return this;
        }

        public Builder timeout(Duration value) {
            values = values.with(TIMEOUT, value);
            return this;
        }

        public Builder retries(int value) {
            values = values.with(RETRIES, value);
            return this;
        }

        public Builder ednsPayloadSize(int value) {
            values = values.with(EDNS_PAYLOAD_SIZE, value);
            return this;
        }

        public Builder cacheSize(int value) {
            values = values.with(CACHE_SIZE, value);
            return this;
        }

        public Builder maxTtl(Duration value) {
            values = values.with(MAX_TTL, value);
            return this;
        }

        public Builder maxNegativeTtl(Duration value) {
            values = values.with(MAX_NEGATIVE_TTL, value);
            return this;
        }

        /** The settings; with no server given, the system's resolvers. */
        public ResolverSettings build() {
            return new ResolverSettings(servers.isEmpty() ? values : values.with(SERVERS, List.copyOf(servers)));
        }
    }
}
