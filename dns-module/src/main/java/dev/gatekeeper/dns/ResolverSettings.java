package dev.gatekeeper.dns;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.xbill.DNS.ResolverConfig;

/**
 * The immutable settings of a {@link DnsjavaResolver}. Every value is checked when the builder
 * is given it; a bad value is refused at once with a message naming it.
 *
 * <table>
 * <caption>Settings and defaults</caption>
 * <tr><th>setting</th><th>default</th></tr>
 * <tr><td>servers</td><td>the system's resolvers (dnsjava's {@code ResolverConfig})</td></tr>
 * <tr><td>timeout</td><td>{@value #DEFAULT_TIMEOUT_MILLIS} ms per attempt</td></tr>
 * <tr><td>retries</td><td>{@value #DEFAULT_RETRIES}</td></tr>
 * <tr><td>ednsPayloadSize</td><td>{@value #DEFAULT_EDNS_PAYLOAD_SIZE} octets</td></tr>
 * <tr><td>cacheSize</td><td>{@value #DEFAULT_CACHE_SIZE} entries (0 disables the cache)</td></tr>
 * <tr><td>maxTtl</td><td>{@value #DEFAULT_MAX_TTL_SECONDS} s</td></tr>
 * <tr><td>maxNegativeTtl</td><td>{@value #DEFAULT_MAX_NEGATIVE_TTL_SECONDS} s</td></tr>
 * </table>
 *
 * <p>Built with {@link #builder()}, or from configuration text with {@link #parse(Map)}.
 */
public final class ResolverSettings {

    public static final long DEFAULT_TIMEOUT_MILLIS = 5_000;
    public static final int DEFAULT_RETRIES = 1;
    /** DNS Flag Day 2020: a payload that fits an IPv6 minimum MTU without fragmentation. */
    public static final int DEFAULT_EDNS_PAYLOAD_SIZE = 1232;
    public static final int DEFAULT_CACHE_SIZE = 10_000;
    /** One day, as Unbound's {@code cache-max-ttl}. */
    public static final long DEFAULT_MAX_TTL_SECONDS = 86_400;
    /** RFC 2308 §5 caps negative caching; a mail server wants a new record seen soon, hence 15 minutes. */
    public static final long DEFAULT_MAX_NEGATIVE_TTL_SECONDS = 900;

    /** The keys {@link #parse(Map)} knows, in the order of the settings table. */
    public static final List<String> KEYS = List.of(
            "servers", "timeout", "retries", "ednsPayloadSize", "cacheSize", "maxTtl", "maxNegativeTtl");

    static final int MAX_RETRIES = 10;
    static final int DNS_PORT = 53;

    private final List<InetSocketAddress> servers;
    private final Duration timeout;
    private final int retries;
    private final int ednsPayloadSize;
    private final int cacheSize;
    private final Duration maxTtl;
    private final Duration maxNegativeTtl;

    private ResolverSettings(Builder b) {
        this.servers = b.servers.isEmpty() ? systemServers() : List.copyOf(b.servers);
        this.timeout = b.timeout;
        this.retries = b.retries;
        this.ednsPayloadSize = b.ednsPayloadSize;
        this.cacheSize = b.cacheSize;
        this.maxTtl = b.maxTtl;
        this.maxNegativeTtl = b.maxNegativeTtl;
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
        Builder b = builder();
        for (Map.Entry<String, String> e : new TreeMap<>(properties).entrySet()) {
            String key = e.getKey();
            String value = e.getValue() == null ? "" : e.getValue().trim();
            if (!KEYS.contains(key)) {
                throw new IllegalArgumentException(
                        "unknown setting '" + key + "' (known: " + String.join(", ", KEYS) + ")");
            }
            if (value.isEmpty()) {
                throw new IllegalArgumentException(key + ": no value");
            }
            switch (key) {
                case "servers":
                    b.servers(Arrays.asList(value.split("[,\\s]+")));
                    break;
                case "timeout":
                    b.timeout(duration(key, value));
                    break;
                case "retries":
                    b.retries(integer(key, value));
                    break;
                case "ednsPayloadSize":
                    b.ednsPayloadSize(integer(key, value));
                    break;
                case "cacheSize":
                    b.cacheSize(integer(key, value));
                    break;
                case "maxTtl":
                    b.maxTtl(duration(key, value));
                    break;
                default:
                    b.maxNegativeTtl(duration(key, value));
                    break;
            }
        }
        return b.build();
    }

    private static Duration duration(String key, String value) {
        return SettingValues.duration(key, value);
    }

    private static int integer(String key, String value) {
        return SettingValues.integer(key, value);
    }

    /** The servers, tried in order: attempt {@code n} goes to server {@code n mod servers}. */
    public List<InetSocketAddress> servers() {
        return servers;
    }

    /** How long one attempt (UDP, and TCP after a truncated UDP answer) may take. */
    public Duration timeout() {
        return timeout;
    }

    /** How many more attempts follow a timeout, an I/O error, SERVFAIL or REFUSED. */
    public int retries() {
        return retries;
    }

    /** The UDP payload size announced in the EDNS0 OPT record (RFC 6891). */
    public int ednsPayloadSize() {
        return ednsPayloadSize;
    }

    /** The most answers the cache holds; 0 disables it. */
    public int cacheSize() {
        return cacheSize;
    }

    /** The longest a positive answer is cached, whatever its TTL says. */
    public Duration maxTtl() {
        return maxTtl;
    }

    /** The longest an NXDOMAIN or NODATA answer is cached, whatever its SOA says. */
    public Duration maxNegativeTtl() {
        return maxNegativeTtl;
    }

    @Override
    public String toString() {
        return "ResolverSettings{servers=" + servers + ", timeout=" + timeout + ", retries=" + retries
                + ", ednsPayloadSize=" + ednsPayloadSize + ", cacheSize=" + cacheSize + ", maxTtl=" + maxTtl
                + ", maxNegativeTtl=" + maxNegativeTtl + "}";
    }

    private static List<InetSocketAddress> systemServers() {
        List<InetSocketAddress> found = ResolverConfig.getCurrentConfig().servers();
        if (found.isEmpty()) {
            throw new IllegalStateException("no DNS servers configured and none found in the system's configuration");
        }
        return List.copyOf(found);
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
        return new IllegalArgumentException("servers: '" + spec + "' is not host[:port] (" + why + ")");
    }

    /** Collects settings; each setter refuses a bad value with an {@link IllegalArgumentException}. */
    public static final class Builder {
        private final List<InetSocketAddress> servers = new ArrayList<>();
        private Duration timeout = Duration.ofMillis(DEFAULT_TIMEOUT_MILLIS);
        private int retries = DEFAULT_RETRIES;
        private int ednsPayloadSize = DEFAULT_EDNS_PAYLOAD_SIZE;
        private int cacheSize = DEFAULT_CACHE_SIZE;
        private Duration maxTtl = Duration.ofSeconds(DEFAULT_MAX_TTL_SECONDS);
        private Duration maxNegativeTtl = Duration.ofSeconds(DEFAULT_MAX_NEGATIVE_TTL_SECONDS);

        private Builder() {
        }

        /** Adds a server as {@code host[:port]} (IP literal, port 53 when absent). */
        public Builder server(String hostPort) {
            servers.add(parseServer(hostPort));
            return this;
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
                parsed.add(parseServer(s));
            }
            servers.clear();
            servers.addAll(parsed);
            return this;
        }

        public Builder timeout(Duration value) {
            Objects.requireNonNull(value, "timeout");
            if (value.isNegative() || value.isZero() || value.compareTo(Duration.ofMinutes(1)) > 0) {
                throw new IllegalArgumentException("timeout: " + value + " is not within (0, 60 s]");
            }
            this.timeout = value;
            return this;
        }

        public Builder retries(int value) {
            if (value < 0 || value > MAX_RETRIES) {
                throw new IllegalArgumentException("retries: " + value + " is not within 0-" + MAX_RETRIES);
            }
            this.retries = value;
            return this;
        }

        public Builder ednsPayloadSize(int value) {
            if (value < 512 || value > 65_535) {
                throw new IllegalArgumentException("ednsPayloadSize: " + value + " is not within 512-65535");
            }
            this.ednsPayloadSize = value;
            return this;
        }

        public Builder cacheSize(int value) {
            if (value < 0) {
                throw new IllegalArgumentException("cacheSize: " + value + " is negative");
            }
            this.cacheSize = value;
            return this;
        }

        public Builder maxTtl(Duration value) {
            this.maxTtl = nonNegative("maxTtl", value);
            return this;
        }

        public Builder maxNegativeTtl(Duration value) {
            this.maxNegativeTtl = nonNegative("maxNegativeTtl", value);
            return this;
        }

        private static Duration nonNegative(String key, Duration value) {
            Objects.requireNonNull(value, key);
            if (value.isNegative()) {
                throw new IllegalArgumentException(key + ": " + value + " is negative");
            }
            return value;
        }

        /** The settings; with no server given, the system's resolvers. */
        public ResolverSettings build() {
            return new ResolverSettings(this);
        }
    }
}
