package dev.gatekeeper.spf;

import dev.gatekeeper.dns.AddressRecord;
import dev.gatekeeper.dns.DnsAnswer;
import dev.gatekeeper.dns.DnsResolver;
import dev.gatekeeper.dns.RecordType;
import dev.gatekeeper.dns.TxtRecord;
import dev.gatekeeper.dns.ZoneResolver;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/** Shared fakes and shorthands for the SPF tests. */
final class SpfTestKit {

    private SpfTestKit() {
    }

    static InetAddress ip(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    static TxtRecord txt(String... strings) {
        return TxtRecord.of(strings);
    }

    static AddressRecord a(String literal) {
        return AddressRecord.of(ip(literal));
    }

    /** A zone holding one SPF record at example.com (and whatever the caller adds). */
    static ZoneResolver.Builder zoneWith(String record) {
        return ZoneResolver.builder().add("example.com", txt(record));
    }

    static SpfVerdict mailFrom(DnsResolver dns, String client, String sender) {
        return new SpfEvaluator(dns).checkMailFromBlocking(ip(client), "mail.example.org", sender);
    }

    /** A resolver that counts lookups and leaves those at matching names unanswered forever. */
    static final class StallingResolver implements DnsResolver {
        final AtomicInteger lookups = new AtomicInteger();
        private final DnsResolver delegate;
        private final Predicate<String> stalls;

        StallingResolver(DnsResolver delegate, Predicate<String> stalls) {
            this.delegate = delegate;
            this.stalls = stalls;
        }

        @Override
        public CompletionStage<DnsAnswer> lookup(String name, RecordType type) {
            lookups.incrementAndGet();
            return stalls.test(name) ? new CompletableFuture<>() : delegate.lookup(name, type);
        }
    }

    /** A clock that tests move by hand. */
    static final class ManualClock extends Clock {
        private volatile Instant now = Instant.parse("2024-01-01T00:00:00Z");

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public ZoneId getZone() {
            return ZoneId.of("UTC");
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
