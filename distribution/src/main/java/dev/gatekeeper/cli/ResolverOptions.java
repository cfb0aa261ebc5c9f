package dev.gatekeeper.cli;

import dev.gatekeeper.dns.DnsResolver;
import dev.gatekeeper.dns.DnsjavaResolver;
import dev.gatekeeper.dns.ResolverSettings;
import dev.gatekeeper.dns.ZoneFile;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * The DNS options every command shares: {@code --zone FILE} answers from an RFC 1035 master
 * file (test a record before publishing it), {@code --dns-server HOST:PORT} (repeatable) asks
 * those servers, and without either the system's resolvers are asked.
 */
final class ResolverOptions {

    static final String ZONE = "--zone";
    static final String DNS_SERVER = "--dns-server";
    static final Set<String> WITH_VALUE = Set.of(ZONE, DNS_SERVER);
    static final Set<String> REPEATABLE = Set.of(DNS_SERVER);

    private ResolverOptions() {
    }

    /** The resolver the options name; {@code timeout} is the per-query timeout for network DNS. */
    static DnsResolver resolver(Arguments args, Duration timeout) throws UsageException {
        List<String> servers = args.all(DNS_SERVER);
        if (args.value(ZONE).isPresent()) {
            if (!servers.isEmpty()) {
                throw new UsageException(ZONE + " and " + DNS_SERVER + " exclude each other");
            }
            try {
                return ZoneFile.load(Path.of(args.required(ZONE))).resolver();
            } catch (IOException e) {
                throw new UsageException(ZONE + ": " + e.getMessage());
            }
        }
        try {
            ResolverSettings.Builder settings = ResolverSettings.builder().timeout(timeout);
            if (!servers.isEmpty()) {
                settings.servers(servers);
            }
            return new DnsjavaResolver(settings.build());
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new UsageException(DNS_SERVER + ": " + e.getMessage());
        }
    }
}
