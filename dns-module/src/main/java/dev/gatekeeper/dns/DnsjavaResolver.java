package dev.gatekeeper.dns;

import dev.gatekeeper.mail.DomainName;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * The production resolver: dnsjava's {@link SimpleResolver} per server, driven only through its
 * asynchronous {@code sendAsync}, so no caller's thread ever waits on the network. Truncated UDP
 * answers are asked again over TCP; queries carry EDNS0.
 *
 * <p>Answers are cached for the smallest TTL in them (negative answers per RFC 2308 §5: the SOA's
 * TTL or MINIMUM, whichever is smaller), both capped by the settings; temporary failures are never
 * cached. Identical lookups in flight share one query. Thread-safe; one instance serves a whole
 * server.
 *
 * <p>Continuations of a returned stage run on the given executor (dnsjava's answer thread), or on
 * the caller's thread for an answer already cached: callers that must not run there chain with
 * an {@code *Async} method.
 */
public final class DnsjavaResolver implements DnsResolver {

    private static final Logger LOG = LoggerFactory.getLogger(DnsjavaResolver.class);

    /** The same chain limit as {@link ZoneResolver}, so both resolvers agree on what is too long. */
    static final int MAX_CNAME_CHAIN = ZoneResolver.MAX_CNAME_CHAIN;

    private final ResolverSettings settings;
    private final Clock clock;
    private final Executor executor;
    private final List<SimpleResolver> resolvers;
    private final DnsCache cache;
    private final ConcurrentMap<DnsCache.Key, CompletableFuture<DnsAnswer>> inFlight = new ConcurrentHashMap<>();

    /**
     * A resolver with the system clock, completing its answers on a few threads shared by every
     * resolver of the process (not the common fork-join pool, which on one or two cores starts a
     * thread per task).
     */
    public DnsjavaResolver(ResolverSettings settings) {
        this(settings, Clock.systemUTC(), AnswerExecutor.shared());
    }

    /**
     * A resolver whose cache reads {@code clock} and whose answers complete on {@code executor}
     * (which must not block: it receives every answer).
     */
    public DnsjavaResolver(ResolverSettings settings, Clock clock, Executor executor) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.executor = Objects.requireNonNull(executor, "executor");
        List<SimpleResolver> list = new ArrayList<>();
        for (InetSocketAddress server : settings.servers()) {
            SimpleResolver r = new SimpleResolver(server);
            r.setTimeout(settings.timeout());
            r.setTCP(false);
            // RFC 7766 §5: a truncated UDP answer is retried over TCP, never used as is.
            r.setIgnoreTruncation(false);
            r.setEDNS(0, settings.ednsPayloadSize(), 0, List.of());
            list.add(r);
        }
        this.resolvers = List.copyOf(list);
        this.cache = new DnsCache(settings.cacheSize());
    }

    public ResolverSettings settings() {
        return settings;
    }

    /** The cache's counters now. */
    public DnsCacheStats cacheStats() {
        return cache.stats();
    }

    @Override
    public CompletionStage<DnsAnswer> lookup(String name, RecordType type) {
        try {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(type, "type");
            DnsCache.Key key = new DnsCache.Key(DomainName.canonical(name), type);
            DnsCache.Cached cached = cache.lookup(key, clock.millis());
            if (cached != null) {
                return CompletableFuture.completedFuture(cached.answer);
            }
            CompletableFuture<DnsAnswer> promise = new CompletableFuture<>();
            CompletableFuture<DnsAnswer> shared = inFlight.putIfAbsent(key, promise);
            if (shared != null) {
                // A copy, so that a caller completing its stage cannot answer for the others.
                return shared.copy();
            }
            // The query before ours may have finished between the cache miss and putIfAbsent.
            DnsCache.Cached late = cache.peek(key, clock.millis());
            if (late != null) {
                inFlight.remove(key, promise);
                promise.complete(late.answer);
                return promise.copy();
            }
            resolve(key.name, type, key.name, 0, new HashSet<>()).whenComplete((resolved, failure) -> {
                Resolved r = failure == null ? resolved : Resolved.tempfail(internalError(failure));
                try {
                    cache.put(key, r.answer, r.ttlSeconds, clock.millis());
                } finally {
                    // Whatever happens, the lookups waiting on this query get their answer.
                    inFlight.remove(key, promise);
                    promise.complete(r.answer);
                }
            });
            return promise.copy();
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(DnsAnswer.tempfail(internalError(e)));
        }
    }

    /** An answer with how long it may be cached (0: not at all). */
    private static final class Resolved {
        final DnsAnswer answer;
        final long ttlSeconds;

        Resolved(DnsAnswer answer, long ttlSeconds) {
            this.answer = answer;
            this.ttlSeconds = Math.max(0, ttlSeconds);
        }

        static Resolved tempfail(String problem) {
            return new Resolved(DnsAnswer.tempfail(problem), 0);
        }

        Resolved ttlAtMost(long seconds) {
            return seconds >= ttlSeconds ? this : new Resolved(answer, seconds);
        }
    }

    /**
     * Queries one name: {@code start} itself, or a CNAME target on the way from {@code start} that
     * an answer left unresolved.
     */
    private CompletableFuture<Resolved> resolve(String name, RecordType type, String start, int hops,
            Set<String> seen) {
        Name qname;
        try {
            qname = Name.fromString(name.isEmpty() ? "." : name + ".");
        } catch (TextParseException e) {
            return CompletableFuture.completedFuture(Resolved.tempfail("not a valid domain name: " + name));
        }
        seen.add(name);
        int qtype = Type.value(type.name());
        return query(qname, qtype, 0).thenCompose(outcome -> {
            if (outcome instanceof String) {
                return CompletableFuture.completedFuture(Resolved.tempfail((String) outcome));
            }
            return interpret((Message) outcome, qname, type, start, hops, seen);
        });
    }

    /** One attempt per server in turn; completes with the response {@link Message} or a problem text. */
    private CompletableFuture<Object> query(Name qname, int qtype, int attempt) {
        SimpleResolver resolver = resolvers.get(attempt % resolvers.size());
        Message query = Message.newQuery(Record.newRecord(qname, qtype, DClass.IN));
        CompletableFuture<Message> sent;
        try {
            sent = resolver.sendAsync(query, executor).toCompletableFuture();
        } catch (RuntimeException e) {
            sent = CompletableFuture.failedFuture(e);
        }
        // dnsjava checks its timeouts only as often as its selector wakes (up to a second apart).
        long timeoutMillis = settings.timeout().toMillis();
        return sent.orTimeout(timeoutMillis, TimeUnit.MILLISECONDS).handleAsync((response, failure) -> {
            String problem;
            if (failure != null) {
                problem = describe(failure, timeoutMillis);
            } else {
                int rcode = response.getRcode();
                if (rcode == Rcode.NOERROR || rcode == Rcode.NXDOMAIN) {
                    return CompletableFuture.<Object>completedFuture(response);
                }
                problem = Rcode.string(rcode);
            }
            problem = problem + " querying " + server(resolver) + " for " + qname + " " + Type.string(qtype);
            if (attempt < settings.retries()) {
                LOG.debug("{}; retrying", problem);
                return query(qname, qtype, attempt + 1);
            }
            return CompletableFuture.<Object>completedFuture(
                    attempt == 0 ? problem : problem + " (" + (attempt + 1) + " attempts)");
        }, executor).thenCompose(f -> f);
    }

    /**
     * Reads a NOERROR or NXDOMAIN response: the records at the end of the CNAME chain that starts
     * at the question, or a negative answer for that end (RFC 6604: the RCODE speaks of the
     * chain's last name).
     */
    private CompletableFuture<Resolved> interpret(Message response, Name qname, RecordType type, String start,
            int hops, Set<String> seen) {
        List<Record> answer = response.getSection(Section.ANSWER);
        int qtype = Type.value(type.name());
        long ttl = settings.maxTtl().getSeconds();
        Name current = qname;
        int chain = hops;
        while (true) {
            List<DnsRecord> found = new ArrayList<>();
            CNAMERecord cname = null;
            for (Record r : answer) {
                if (r.getDClass() != DClass.IN || !r.getName().equals(current)) {
                    continue;
                }
                if (r.getType() == qtype) {
                    found.add(DnsjavaRecords.convert(r));
                    ttl = Math.min(ttl, r.getTTL());
                } else if (r instanceof CNAMERecord && cname == null) {
                    cname = (CNAMERecord) r;
                }
            }
            if (!found.isEmpty()) {
                return done(new Resolved(DnsAnswer.of(found), ttl));
            }
            if (cname == null) {
                break;
            }
            ttl = Math.min(ttl, cname.getTTL());
            if (++chain > MAX_CNAME_CHAIN) {
                return done(Resolved.tempfail("CNAME chain longer than " + MAX_CNAME_CHAIN + " at " + start));
            }
            current = cname.getTarget();
            if (!seen.add(DomainName.canonical(current.toString()))) {
                return done(Resolved.tempfail("CNAME loop at " + current));
            }
        }
        long negativeTtl = Math.min(ttl, negativeTtl(response));
        if (response.getRcode() == Rcode.NXDOMAIN) {
            return done(new Resolved(DnsAnswer.nxdomain(), negativeTtl));
        }
        if (current.equals(qname) || soa(response) != null) {
            return done(new Resolved(DnsAnswer.nodata(), negativeTtl));
        }
        // The chain leaves the answer without a verdict on its end, as an authoritative server
        // for the alias's zone alone answers: ask for the end itself.
        long chainTtl = ttl;
        return chase(DomainName.canonical(current.toString()), type, start, chain, seen).thenApply(r -> r.ttlAtMost(chainTtl));
    }

    private CompletableFuture<Resolved> chase(String target, RecordType type, String start, int hops,
            Set<String> seen) {
        DnsCache.Key key = new DnsCache.Key(target, type);
        long now = clock.millis();
        DnsCache.Cached cached = cache.peek(key, now);
        if (cached != null) {
            return done(new Resolved(cached.answer, cached.remainingSeconds(now)));
        }
        // Not shared with lookups in flight: two aliases of each other would wait on each other.
        return resolve(target, type, start, hops, seen).thenApply(r -> {
            cache.put(key, r.answer, r.ttlSeconds, clock.millis());
            return r;
        });
    }

    /** RFC 2308 §5: the smaller of the SOA's TTL and MINIMUM, capped; no SOA, no negative caching. */
    private long negativeTtl(Message response) {
        SOARecord soa = soa(response);
        if (soa == null) {
            return 0;
        }
        return Math.min(Math.min(soa.getTTL(), soa.getMinimum()), settings.maxNegativeTtl().getSeconds());
    }

    private static SOARecord soa(Message response) {
        for (Record r : response.getSection(Section.AUTHORITY)) {
            if (r instanceof SOARecord) {
                return (SOARecord) r;
            }
        }
        return null;
    }

    private static CompletableFuture<Resolved> done(Resolved r) {
        return CompletableFuture.completedFuture(r);
    }

    private static String server(SimpleResolver r) {
        InetSocketAddress a = r.getAddress();
        String host = a.getAddress().getHostAddress();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + a.getPort();
    }

    private static String describe(Throwable failure, long timeoutMillis) {
        Throwable t = failure;
        while (t instanceof CompletionException && t.getCause() != null) {
            t = t.getCause();
        }
        if (t instanceof TimeoutException || t instanceof java.net.SocketTimeoutException) {
            return "timed out after " + timeoutMillis + " ms";
        }
        String message = t.getMessage();
        return t.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }

    private static String internalError(Throwable failure) {
        LOG.warn("DNS lookup failed inside the resolver", failure);
        return "resolver error: " + failure;
    }
}
