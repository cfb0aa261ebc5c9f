package dev.gatekeeper.reputation;

import dev.gatekeeper.dns.AddressRecord;
import dev.gatekeeper.dns.DnsAnswer;
import dev.gatekeeper.dns.DnsResolver;
import dev.gatekeeper.dns.RecordType;
import dev.gatekeeper.dns.SettingValues;
import dev.gatekeeper.dns.TxtRecord;
import dev.gatekeeper.mail.DomainName;
import java.net.InetAddress;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks every DNS list about one connection at once and adds up the weights of those that list it.
 * Thread-safe; one instance serves a whole server.
 *
 * <p>{@link #check} starts every lookup (one A query per distinct name: an IP list per client
 * address, a domain list per distinct known domain) before it returns, and answers a stage that
 * completes when every list has answered or the {@link DnsListSettings#timeout() timeout} has
 * passed, whichever comes first; a list without an answer by then counts as not listed and is
 * reported as a {@link ListProblem}. The stage never completes exceptionally and is never later
 * than the timeout (plus the scheduler's latency). Callers start the check at connect and read the
 * score where a rule needs it.
 *
 * <p>Caching and coalescing are the resolver's: {@code DnsjavaResolver} caches every answer for its
 * TTL (negative answers per RFC 2308) and shares one query among identical lookups in flight, so
 * this class keeps no cache of its own. Within one check, lists on the same zone (the same zone
 * with two filters, as {@code postscreen_dnsbl_sites} allows) and subjects with the same domain
 * share one lookup.
 *
 * <p>Continuations of the returned stage run on a resolver thread or the scheduler's thread:
 * chain with an {@code *Async} method to leave them.
 */
public final class DnsListChecker {

    private static final Logger LOG = LoggerFactory.getLogger(DnsListChecker.class);

    private static final ScheduledExecutorService SHARED_SCHEDULER = sharedScheduler();

    private final DnsListSettings settings;
    private final List<DnsList> lists;
    private final DnsResolver dns;
    private final ScheduledExecutorService scheduler;
    private final Clock clock;
    private final Map<String, AtomicLong> lastLogged = new ConcurrentHashMap<>();
    /** The settings' timeout, read once: every connection's check schedules it. */
    private final long timeoutMillis;

    private DnsListChecker(Builder b) {
        this.settings = b.settings;
        this.lists = b.lists;
        this.dns = b.dns;
        this.scheduler = b.scheduler;
        this.clock = b.clock;
        this.timeoutMillis = b.settings.timeout().toMillis();
    }

    /**
     * A checker for these lists (names unique), over this resolver; the timeout runs on a daemon
     * thread shared by every checker unless {@link Builder#scheduler} gives another.
     *
     * @throws IllegalArgumentException when two lists share a name
     */
    public static Builder builder(DnsListSettings settings, List<DnsList> lists, DnsResolver dns) {
        return new Builder(settings, lists, dns);
    }

    public DnsListSettings settings() {
        return settings;
    }

    public List<DnsList> lists() {
        return lists;
    }

    /** Starts every lookup for this connection now; see the class comment. */
    public CompletionStage<ReputationScore> check(ReputationQuery query) {
        Objects.requireNonNull(query, "query");
        Map<String, CompletableFuture<DnsAnswer>> byName = new HashMap<>();
        List<Slot> slots = new ArrayList<>();
        for (DnsList list : lists) {
            for (DnsList.Subject subject : list.subjects()) {
                Optional<String> name = queryName(list, subject, query);
                if (name.isEmpty()) {
                    continue;
                }
                Slot slot = new Slot(list, subject, name.get());
                slots.add(slot);
                byName.computeIfAbsent(slot.queryName, n -> lookup(n, RecordType.A)).whenComplete((answer, failure) -> {
                    try {
                        read(slot, failure == null ? answer : DnsAnswer.tempfail("resolver error: " + failure));
                    } catch (RuntimeException e) {
                        // Our bug must not hold the connection until the timeout, nor list anyone.
                        LOG.warn("DNS list {}: cannot read the answer for {}", slot.list.name(), slot.queryName, e);
                        slot.finish(new ListProblem(slot.list, slot.subject, slot.queryName, ListProblem.Kind.TEMPFAIL,
                                "internal error: " + e));
                    }
                });
            }
        }
        if (slots.isEmpty()) {
            return CompletableFuture.completedFuture(new ReputationScore(List.of(), List.of()));
        }
        CompletableFuture<?>[] all = slots.stream().map(s -> s.outcome).toArray(CompletableFuture[]::new);
        ScheduledFuture<?> timer;
        if (CompletableFuture.allOf(all).isDone()) {
            // Every answer came from the cache: no timer to start and cancel.
            timer = null;
        } else {
            try {
                timer = scheduler.schedule(() -> slots.forEach(Slot::expire), timeoutMillis, TimeUnit.MILLISECONDS);
            } catch (RuntimeException e) {
                LOG.warn("DNS lists: cannot schedule the timeout; answering without waiting", e);
                slots.forEach(Slot::expire);
                timer = null;
            }
        }
        ScheduledFuture<?> started = timer;
        return CompletableFuture.allOf(all).thenApply(done -> {
            if (started != null) {
                started.cancel(false);
            }
            List<ListHit> hits = new ArrayList<>();
            List<ListProblem> problems = new ArrayList<>();
            for (Slot s : slots) {
                Object o = s.outcome.join();
                if (o instanceof ListHit) {
                    hits.add((ListHit) o);
                } else if (o instanceof ListProblem) {
                    ListProblem p = (ListProblem) o;
                    problems.add(p);
                    logProblem(p);
                }
            }
            return new ReputationScore(hits, problems);
        });
    }

    private static Optional<String> queryName(DnsList list, DnsList.Subject subject, ReputationQuery query) {
        if (subject == DnsList.Subject.CLIENT_ADDRESS) {
            return Optional.of(QueryNames.forAddress(query.clientAddress(), list.zone()));
        }
        Optional<DomainName> domain = query.domain(subject);
        return domain.isPresent() ? QueryNames.forDomain(domain.get(), list.zone()) : Optional.empty();
    }

    private CompletableFuture<DnsAnswer> lookup(String name, RecordType type) {
        try {
            return dns.lookup(name, type).toCompletableFuture();
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(DnsAnswer.tempfail("resolver error: " + e));
        }
    }

    /** Reads a list's A answer for one slot (see {@link DnsList} for the order of the rules). */
    private void read(Slot slot, DnsAnswer answer) {
        DnsList list = slot.list;
        if (answer.isTempfail()) {
            slot.finish(new ListProblem(list, slot.subject, slot.queryName, ListProblem.Kind.TEMPFAIL, answer.problem()));
            return;
        }
        List<InetAddress> replies = answer.records(AddressRecord.class).stream().map(AddressRecord::address)
                .collect(Collectors.toList());
        if (replies.isEmpty()) {
            slot.finish(Slot.NOT_LISTED);
            return;
        }
        List<InetAddress> errors = replies.stream().filter(list::isErrorReply).collect(Collectors.toList());
        if (!errors.isEmpty()) {
            slot.finish(new ListProblem(list, slot.subject, slot.queryName, ListProblem.Kind.ERROR_REPLY,
                    "answered " + errors.stream().map(InetAddress::getHostAddress).collect(Collectors.joining(", "))));
            return;
        }
        if (replies.stream().noneMatch(list.filter()::matches)) {
            slot.finish(Slot.NOT_LISTED);
            return;
        }
        ListHit hit = new ListHit(list, slot.subject, slot.queryName, replies, List.of());
        if (!settings.fetchTxt()) {
            slot.finish(hit);
            return;
        }
        // The hit stands from now on; the TXT record only adds its text if it comes in time.
        slot.pendingHit.set(hit);
        lookup(slot.queryName, RecordType.TXT).whenComplete((txt, failure) -> {
            List<String> texts = failure != null ? List.of()
                    : txt.records(TxtRecord.class).stream().map(TxtRecord::text).collect(Collectors.toList());
            slot.finish(hit.withTexts(texts));
        });
    }

    private void logProblem(ListProblem p) {
        long interval = settings.problemLogInterval().toMillis();
        long now = clock.millis();
        AtomicLong last = lastLogged.computeIfAbsent(p.list().name(), n -> new AtomicLong(Long.MIN_VALUE));
        long before = last.get();
        if ((before == Long.MIN_VALUE || now - before >= interval) && last.compareAndSet(before, now)) {
            LOG.warn("DNS list {} for {}: counted as not listed (logged at most once per {} and list)", p, p.queryName(),
                    SettingValues.format(settings.problemLogInterval()));
        } else {
            LOG.debug("DNS list {}", p);
        }
    }

    /** One list asked about one subject: completes once, with a hit, a problem or {@link #NOT_LISTED}. */
    private final class Slot {
        static final String NOT_LISTED = "not listed";

        final DnsList list;
        final DnsList.Subject subject;
        final String queryName;
        final CompletableFuture<Object> outcome = new CompletableFuture<>();
        final AtomicReference<ListHit> pendingHit = new AtomicReference<>();

        Slot(DnsList list, DnsList.Subject subject, String queryName) {
            this.list = list;
            this.subject = subject;
            this.queryName = queryName;
        }

        void finish(Object o) {
            outcome.complete(o);
        }

        /** At the timeout: a hit waiting for its TXT stands without it; anything else timed out. */
        void expire() {
            ListHit hit = pendingHit.get();
            outcome.complete(hit != null ? hit : new ListProblem(list, subject, queryName, ListProblem.Kind.TIMEOUT,
                    "no answer within " + SettingValues.format(settings.timeout())));
        }
    }

    private static ScheduledExecutorService sharedScheduler() {
        ScheduledThreadPoolExecutor s = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "gatekeeper-dnslist-timer");
            t.setDaemon(true);
            return t;
        });
        // A check that finishes early cancels its timer: do not keep a million of them queued.
        s.setRemoveOnCancelPolicy(true);
        return s;
    }

    /** Builds a {@link DnsListChecker}. */
    public static final class Builder {
        private final DnsListSettings settings;
        private final List<DnsList> lists;
        private final DnsResolver dns;
        private ScheduledExecutorService scheduler = SHARED_SCHEDULER;
        private Clock clock = Clock.systemUTC();

        private Builder(DnsListSettings settings, List<DnsList> lists, DnsResolver dns) {
            this.settings = Objects.requireNonNull(settings, "settings");
            this.lists = List.copyOf(lists);
            this.dns = Objects.requireNonNull(dns, "dns");
            Set<String> names = new HashSet<>();
            for (DnsList l : this.lists) {
                if (!names.add(l.name())) {
                    throw new IllegalArgumentException("two DNS lists are named '" + l.name() + "'");
                }
            }
        }

        /** Where the timeouts run (its tasks are short: they complete futures). */
        public Builder scheduler(ScheduledExecutorService value) {
            this.scheduler = Objects.requireNonNull(value, "scheduler");
            return this;
        }

        /** The clock of the problem log's interval. */
        public Builder clock(Clock value) {
            this.clock = Objects.requireNonNull(value, "clock");
            return this;
        }

        public DnsListChecker build() {
            return new DnsListChecker(this);
        }
    }
}
