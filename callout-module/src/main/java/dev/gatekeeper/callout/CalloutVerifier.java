package dev.gatekeeper.callout;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.gatekeeper.dns.DnsResolver;
import dev.gatekeeper.mail.Mailbox;
import dev.gatekeeper.state.SharedState;
import java.net.InetAddress;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * The callout engine: asks an address's own mail host whether it would accept mail for it.
 *
 * <p>A verification validates the address before any DNS or socket work, answers from the cache
 * when it can, joins a probe already in flight for the same address, checks the probe limits
 * (per target domain, per minute, per SMTP client), and otherwise runs one probe on the engine's
 * own bounded pool of threads. The returned stage completes by the overall timeout at the latest,
 * never exceptionally: every failure of ours or of a peer is a {@code tempfail}.
 *
 * <p>Thread-safe. {@link #close()} stops the probe threads.
 */
public final class CalloutVerifier implements AutoCloseable {

    private final CalloutSettings settings;
    private final MailHostResolver hosts;
    private final SmtpProbe probe;
    private final CalloutCache cache;
    private final ProbeLimits limits;
    private final ThreadPoolExecutor executor;
    private final ScheduledThreadPoolExecutor watchdog;
    private final ConcurrentHashMap<String, CompletableFuture<CalloutVerdict>> inFlight = new ConcurrentHashMap<>();
    private final LongAdder probes = new LongAdder();

    private CalloutVerifier(Builder b) {
        this.settings = b.settings;
        this.hosts = new MailHostResolver(b.dns, b.random);
        this.cache = new CalloutCache(settings, b.ticker, b.shared);
        this.limits = new ProbeLimits(settings, b.ticker);
        this.watchdog = new ScheduledThreadPoolExecutor(1, threads("gatekeeper-callout-watchdog"));
        this.watchdog.setRemoveOnCancelPolicy(true);
        this.probe = new SmtpProbe(settings, b.random, watchdog);
        this.executor = new ThreadPoolExecutor(settings.probeThreads(), settings.probeThreads(), 60, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(settings.probeQueue()), threads("gatekeeper-callout-probe"));
        this.executor.allowCoreThreadTimeOut(true);
    }

    /** A verifier with the system's time and randomness. */
    public static CalloutVerifier create(CalloutSettings settings, DnsResolver dns) {
        return builder(settings, dns).build();
    }

    /** For tests and benchmarks that inject time and randomness. */
    public static Builder builder(CalloutSettings settings, DnsResolver dns) {
        return new Builder(settings, dns);
    }

    /**
     * Verifies an address on behalf of an SMTP client, whose probes are limited per minute.
     *
     * @param address the mailbox, with or without angle brackets; {@code <>} or empty is {@code skipped}
     * @param client the SMTP client that gave us the address; null for none (no per-client limit)
     */
    public CompletionStage<CalloutVerdict> verify(String address, InetAddress client) {
        Mailbox mailbox;
        try {
            mailbox = ProbeAddress.parse(address);
        } catch (ProbeAddress.InvalidAddressException e) {
            if (address != null && (address.isEmpty() || address.equals("<>"))) {
                // The null reverse-path (bounces) has no mail host to ask; a policy decides what to do with it.
                return CompletableFuture.completedFuture(CalloutVerdict.skipped("null reverse-path: nothing to verify"));
            }
            return CompletableFuture.completedFuture(CalloutVerdict.of(CalloutResult.INVALID, e.getMessage()));
        }
        // Without a shared store the lookup is complete at once and the rest runs inline, as it always did.
        return cache.lookup(mailbox).thenCompose(cached -> cached.isPresent()
                ? CompletableFuture.completedFuture(cached.get()) : joinOrProbe(mailbox, client));
    }

    private CompletionStage<CalloutVerdict> joinOrProbe(Mailbox mailbox, InetAddress client) {
        CompletableFuture<CalloutVerdict> mine = new CompletableFuture<>();
        CompletableFuture<CalloutVerdict> running;
        while ((running = inFlight.putIfAbsent(mailbox.address(), mine)) != null) {
            if (!running.isDone()) {
                return running.copy(); // a copy: no caller can complete the shared probe for the others
            }
            // Completed, and its clean-up has not run yet: its answer (if cacheable) is in the cache already.
            inFlight.remove(mailbox.address(), running);
        }
        mine.whenComplete((o, e) -> inFlight.remove(mailbox.address(), mine));
        // A probe may have finished between the cache look-up and our registration: its answer is cached by now.
        Optional<CalloutVerdict> late = cache.peek(mailbox);
        if (late.isPresent()) {
            mine.complete(late.get());
            return mine.copy();
        }
        start(mailbox, client, mine);
        return mine.copy();
    }

    /** Verifies an address with no SMTP client behind it (command line, tools): no per-client limit. */
    public CompletionStage<CalloutVerdict> verify(String address) {
        return verify(address, null);
    }

    private void start(Mailbox mailbox, InetAddress client, CompletableFuture<CalloutVerdict> result) {
        ProbeLimits.Result permit = limits.acquire(mailbox.domain(), client);
        if (permit.permit().isEmpty()) {
            result.complete(CalloutVerdict.tempfail(permit.refusal()));
            return;
        }
        long overall = settings.overallTimeout().toNanos();
        long deadline = System.nanoTime() + overall;
        result.completeOnTimeout(CalloutVerdict.tempfail("overall timeout of " + settings.overallTimeout().toMillis()
                + " ms reached"), overall, TimeUnit.NANOSECONDS);
        ProbeLimits.Permit p = permit.permit().get();
        try {
            executor.execute(() -> {
                CalloutVerdict outcome;
                try {
                    outcome = run(mailbox, deadline);
                } catch (RuntimeException | Error e) {
                    // Our own bug: the client gets a 4xx and retries; mail is never lost to our failure.
                    outcome = CalloutVerdict.tempfail("internal error: " + e);
                } finally {
                    p.close();
                }
                cache.put(mailbox, outcome);
                inFlight.remove(mailbox.address(), result); // before completing: callers that wake up must not join it
                result.complete(outcome);
            });
            probes.increment();
        } catch (RejectedExecutionException e) {
            p.close();
            result.complete(CalloutVerdict.tempfail(executor.isShutdown() ? "verifier closed"
                    : "all " + settings.probeThreads() + " probe threads busy and " + settings.probeQueue()
                    + " probes queued"));
        }
    }

    private CalloutVerdict run(Mailbox mailbox, long deadline) {
        if (System.nanoTime() - deadline >= 0) {
            return CalloutVerdict.tempfail("overall timeout reached while queued");
        }
        List<MailHost> candidates;
        if (mailbox.literal().isPresent()) {
            // RFC 5321 §4.1.3: an address literal names the host itself; no DNS.
            candidates = List.of(new MailHost(mailbox.domain(), mailbox.literal().get()));
        } else {
            MailHostResolver.Result r = hosts.resolve(mailbox.domain(), deadline);
            if (r.outcome != null) {
                return r.outcome;
            }
            candidates = r.hosts;
        }
        List<MailHost> allowed = new ArrayList<>();
        for (MailHost h : candidates) {
            if (settings.allowPrivateTargets() || !MailHost.isPrivate(h.address())) {
                allowed.add(h);
            }
        }
        if (allowed.isEmpty()) {
            return CalloutVerdict.skipped("every mail host of " + mailbox.domain()
                    + " is on a loopback, private or reserved address");
        }
        List<String> transcript = new ArrayList<>();
        List<String> reasons = new ArrayList<>();
        SmtpProbe.HostResult lastRefusal = null;
        boolean allRefused = true;
        int tried = 0;
        for (MailHost host : allowed) {
            if (tried >= settings.maxHostsTried()) {
                reasons.add("stopped after " + tried + " hosts");
                break;
            }
            if (System.nanoTime() - deadline >= 0) {
                reasons.add("overall timeout reached");
                break;
            }
            tried++;
            SmtpProbe.HostResult r = probe.probe(host, mailbox, true, deadline, transcript);
            if (r.kind == SmtpProbe.HostResult.Kind.RETRY_PLAIN) {
                reasons.add(r.reason);
                r = probe.probe(host, mailbox, false, deadline, transcript);
            }
            if (r.kind == SmtpProbe.HostResult.Kind.DEFINITE) {
                return withTranscript(r.outcome, transcript);
            }
            reasons.add(r.reason);
            if (r.refusal == null) {
                allRefused = false;
            } else {
                lastRefusal = r;
            }
        }
        if (allRefused && lastRefusal != null) {
            CalloutVerdict refused = CalloutVerdict.fromReply(CalloutResult.PROBE_REFUSED, lastRefusal.refusal, "",
                    lastRefusal.reason);
            return withTranscript(refused, transcript);
        }
        return withTranscript(CalloutVerdict.tempfail(String.join("; ", reasons)), transcript);
    }

    private CalloutVerdict withTranscript(CalloutVerdict o, List<String> transcript) {
        if (!settings.keepTranscript()) {
            return o;
        }
        synchronized (transcript) {
            return o.withTranscript(transcript);
        }
    }

    /** The settings this verifier runs with. */
    public CalloutSettings settings() {
        return settings;
    }

    /** Verifications answered from the cache so far. */
    public long cacheHits() {
        return cache.hits();
    }

    /** Verifications the cache could not answer so far (coalesced or probed). */
    public long cacheMisses() {
        return cache.misses();
    }

    /** Probes started so far (one per verification that was neither cached nor coalesced nor limited). */
    public long probesStarted() {
        return probes.sum();
    }

    /** Stops the probe threads; verifications still running end as {@code tempfail}. */
    @Override
    public void close() {
        executor.shutdownNow();
        watchdog.shutdownNow();
    }

    private static ThreadFactory threads(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    /** Builds a {@link CalloutVerifier}, optionally with injected time and randomness. */
    public static final class Builder {
        private final CalloutSettings settings;
        private final DnsResolver dns;
        private Ticker ticker = Ticker.systemTicker();
        private Random random = new SecureRandom();
        private SharedState shared;

        private Builder(CalloutSettings settings, DnsResolver dns) {
            this.settings = Objects.requireNonNull(settings, "settings");
            this.dns = Objects.requireNonNull(dns, "dns");
        }

        /** The time source of cache lifetimes and rate limits (not of socket timeouts). */
        public Builder ticker(Ticker value) {
            ticker = Objects.requireNonNull(value, "ticker");
            return this;
        }

        /** Randomness for the order of equal-preference MX hosts and for random local parts. */
        public Builder random(Random value) {
            random = Objects.requireNonNull(value, "random");
            return this;
        }

        /**
         * A store shared with the other James nodes (Redis): outcomes found here are written there
         * with the same lifetimes, and read from there when this node has none. The caller owns it.
         * Probes in flight are still joined per node only.
         */
        public Builder sharedState(SharedState value) {
            shared = Objects.requireNonNull(value, "shared");
            return this;
        }

        public CalloutVerifier build() {
            return new CalloutVerifier(this);
        }
    }
}
