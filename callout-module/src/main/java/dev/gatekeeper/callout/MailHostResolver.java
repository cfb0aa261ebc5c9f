package dev.gatekeeper.callout;

import dev.gatekeeper.dns.AddressRecord;
import dev.gatekeeper.dns.DnsAnswer;
import dev.gatekeeper.dns.DnsResolver;
import dev.gatekeeper.dns.MxRecord;
import dev.gatekeeper.dns.RecordType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Random;

/** Finds the mail hosts of a domain as RFC 5321 §5.1 and RFC 7505 say. */
final class MailHostResolver {

    /** Bound on the MX names resolved, whatever the domain publishes: each costs two lookups. */
    static final int MAX_EXCHANGES = 10;

    /** Either the hosts to try in order, or an outcome reached without probing. */
    static final class Result {
        final List<MailHost> hosts;
        final CalloutVerdict outcome;

        private Result(List<MailHost> hosts, CalloutVerdict outcome) {
            this.hosts = hosts;
            this.outcome = outcome;
        }

        static Result hosts(List<MailHost> hosts) {
            return new Result(List.copyOf(hosts), null);
        }

        static Result outcome(CalloutVerdict outcome) {
            return new Result(List.of(), outcome);
        }
    }

    private final DnsResolver dns;
    private final Random random;

    MailHostResolver(DnsResolver dns, Random random) {
        this.dns = dns;
        this.random = random;
    }

    /** Resolves before the deadline (a {@link System#nanoTime()} value); DNS trouble is a tempfail. */
    Result resolve(String domain, long deadline) {
        DnsAnswer mx = lookup(domain, RecordType.MX, deadline);
        if (mx.isTempfail()) {
            return Result.outcome(CalloutVerdict.tempfail("MX lookup for " + domain + " failed: " + mx.problem()));
        }
        if (mx.status() == DnsAnswer.Status.NXDOMAIN) {
            return Result.outcome(CalloutVerdict.of(CalloutResult.NO_MAIL_HOST, domain + " does not exist (NXDOMAIN)"));
        }
        List<MxRecord> records = mx.records(MxRecord.class);
        if (records.isEmpty()) {
            // RFC 5321 §5.1: no MX records, so the domain itself is the implicit MX.
            List<MailHost> hosts = addresses(domain, deadline);
            if (hosts == null) {
                return Result.outcome(CalloutVerdict.tempfail("address lookup for " + domain + " failed"));
            }
            if (hosts.isEmpty()) {
                return Result.outcome(CalloutVerdict.of(CalloutResult.NO_MAIL_HOST,
                        domain + " has neither MX nor address records"));
            }
            return Result.hosts(hosts);
        }
        List<MxRecord> real = new ArrayList<>();
        for (MxRecord r : records) {
            if (!r.exchange().isEmpty()) {
                real.add(r);
            }
        }
        if (real.isEmpty()) {
            // RFC 7505 §3: "." as the only exchange says the domain accepts no mail at all.
            return Result.outcome(CalloutVerdict.of(CalloutResult.NULL_MX, domain + " publishes a null MX (RFC 7505)"));
        }
        Collections.shuffle(real, random); // ties in preference are then in random order (RFC 5321 §5.1)
        real.sort(Comparator.comparingInt(MxRecord::preference)); // stable: keeps the shuffle within a preference
        List<MailHost> hosts = new ArrayList<>();
        boolean tempfail = false;
        for (MxRecord r : real.subList(0, Math.min(real.size(), MAX_EXCHANGES))) {
            List<MailHost> found = addresses(r.exchange(), deadline);
            if (found == null) {
                tempfail = true;
            } else {
                hosts.addAll(found);
            }
        }
        if (hosts.isEmpty()) {
            return Result.outcome(tempfail
                    ? CalloutVerdict.tempfail("address lookup of the MX hosts of " + domain + " failed")
                    : CalloutVerdict.of(CalloutResult.NO_MAIL_HOST, "no MX host of " + domain + " has an address"));
        }
        return Result.hosts(hosts);
    }

    /** The IPv6 then IPv4 addresses of a host; null when a lookup failed and nothing was found. */
    private List<MailHost> addresses(String name, long deadline) {
        List<MailHost> out = new ArrayList<>();
        boolean failed = false;
        for (RecordType type : new RecordType[] {RecordType.AAAA, RecordType.A}) {
            DnsAnswer a = lookup(name, type, deadline);
            failed |= a.isTempfail();
            for (AddressRecord r : a.records(AddressRecord.class)) {
                out.add(new MailHost(name, r.address()));
            }
        }
        return out.isEmpty() && failed ? null : out;
    }

    private DnsAnswer lookup(String name, RecordType type, long deadline) {
        long remaining = deadline - System.nanoTime();
        if (remaining <= 0) {
            return DnsAnswer.tempfail("overall timeout");
        }
        return dns.lookupBlocking(name, type, Duration.ofNanos(remaining));
    }
}
