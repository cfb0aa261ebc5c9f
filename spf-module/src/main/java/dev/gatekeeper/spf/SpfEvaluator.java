package dev.gatekeeper.spf;

import dev.gatekeeper.dns.IpAddresses;
import dev.gatekeeper.dns.DnsResolver;
import java.net.InetAddress;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The RFC 7208 checker. Asynchronous throughout: each step is chained on the resolver's
 * completion stages and no thread waits for the DNS. A returned stage never completes
 * exceptionally and completes at the latest when the time budget is spent: with a temperror, or
 * with a fail already decided whose {@code exp=} explanation did not come in time (RFC 7208 §6.2).
 * Thread safe; share one instance.
 */
public final class SpfEvaluator {

    /** Parsed records kept for reuse; the cache is emptied when full, which keeps it simple and bounded. */
    static final int RECORD_CACHE_SIZE = 1024;
    /** Longer records are parsed each time rather than kept. */
    static final int MAX_CACHED_RECORD_LENGTH = 2048;

    private final DnsResolver resolver;
    private final SpfSettings settings;
    private final ConcurrentHashMap<String, SpfRecord> records = new ConcurrentHashMap<>();

    public SpfEvaluator(DnsResolver resolver, SpfSettings settings) {
        this.resolver = Objects.requireNonNull(resolver, "resolver");
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    /** An evaluator with {@link SpfSettings#defaults()}. */
    public SpfEvaluator(DnsResolver resolver) {
        this(resolver, SpfSettings.defaults());
    }

    public SpfSettings settings() {
        return settings;
    }

    /**
     * Checks the MAIL FROM identity. A null or empty sender, or {@code <>}, is the null
     * reverse-path and is checked as {@code postmaster@<helo>} (RFC 7208 §2.4).
     */
    public CompletionStage<SpfVerdict> checkMailFrom(InetAddress client, String helo, String sender) {
        return check(SpfIdentity.MAILFROM, client, helo, sender);
    }

    /** Checks the HELO identity as {@code postmaster@<helo>} (RFC 7208 §2.3). */
    public CompletionStage<SpfVerdict> checkHelo(InetAddress client, String helo) {
        return check(SpfIdentity.HELO, client, helo, null);
    }

    /** {@link #checkMailFrom} for callers that may block; returns within the time budget. */
    public SpfVerdict checkMailFromBlocking(InetAddress client, String helo, String sender) {
        return await(checkMailFrom(client, helo, sender), SpfIdentity.MAILFROM, client, helo);
    }

    /** {@link #checkHelo} for callers that may block; returns within the time budget. */
    public SpfVerdict checkHeloBlocking(InetAddress client, String helo) {
        return await(checkHelo(client, helo), SpfIdentity.HELO, client, helo);
    }

    private SpfVerdict await(CompletionStage<SpfVerdict> stage, SpfIdentity identity, InetAddress client, String helo) {
        try {
            return stage.toCompletableFuture().get(settings.timeBudget().toMillis() + 1000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return failed(identity, client, helo, "interrupted while waiting for the SPF check");
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            return failed(identity, client, helo, "SPF check did not complete: " + e);
        }
    }

    private static SpfVerdict failed(SpfIdentity identity, InetAddress client, String helo, String problem) {
        return new SpfVerdict(SpfResult.TEMPERROR, identity, null, null, client, helo, null, null, problem, 0, 0);
    }

    private CompletionStage<SpfVerdict> check(SpfIdentity identity, InetAddress client, String heloArg, String senderArg) {
        String helo = heloArg == null ? "" : heloArg.trim();
        try {
            if (client == null) {
                return CompletableFuture.completedFuture(failed(identity, null, helo, "no client address given"));
            }
            byte[] ip = IpAddresses.octets(client);
            InetAddress evaluatedIp = ip.length == client.getAddress().length ? client : IpAddresses.toInetAddress(ip);

            String local = "postmaster";
            String domain = helo;
            if (identity == SpfIdentity.MAILFROM && senderArg != null) {
                // RFC 7208 §4.3: split at the last '@' exactly as given, not through Mailbox: the
                // local part reaches %{l} as the client wrote it, and check_host() itself decides
                // what a malformed domain is (§4.3, §4.8), which Mailbox would refuse earlier.
                String s = senderArg.trim();
                if (s.length() >= 2 && s.charAt(0) == '<' && s.charAt(s.length() - 1) == '>') {
                    s = s.substring(1, s.length() - 1);
                }
                if (!s.isEmpty()) {
                    int at = s.lastIndexOf('@');
                    if (at < 0) {
                        domain = s;
                    } else {
                        if (at > 0) {
                            local = s.substring(0, at);
                        }
                        domain = s.substring(at + 1);
                    }
                }
            }
            if (domain.endsWith(".")) {
                domain = domain.substring(0, domain.length() - 1);
            }
            String sender = local + "@" + domain;
            if (!isCheckableDomain(domain)) {
                // §4.3: a malformed domain, a single label or a domain literal: no policy to find
                return CompletableFuture.completedFuture(new SpfVerdict(SpfResult.NONE, identity, domain, sender,
                        evaluatedIp, helo, null, null, null, 0, 0));
            }
            CheckHostRun ev = new CheckHostRun(this, resolver, settings, ip, sender, local, domain, helo);
            return run(ev, identity, domain, evaluatedIp, helo);
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(failed(identity, client, helo, "internal error: " + e));
        }
    }

    private CompletionStage<SpfVerdict> run(CheckHostRun ev, SpfIdentity identity, String domain, InetAddress ip, String helo) {
        CompletableFuture<SpfVerdict> verdict = new CompletableFuture<>();
        CompletionStage<CheckHostResult> outcome;
        try {
            outcome = ev.checkHost(domain, false);
        } catch (RuntimeException e) {
            outcome = CompletableFuture.completedFuture(CheckHostResult.temperror("internal error: " + e));
        }
        outcome.whenComplete((o, error) -> {
            CheckHostResult result = o;
            if (error != null || o == null) {
                result = CheckHostResult.temperror("internal error: " + error);
            } else if (ev.budgetSpent && ev.decided == null) {
                result = budgetSpent(ev);
            }
            verdict.complete(toVerdict(ev, result, identity, domain, ip, helo));
        });
        if (!verdict.isDone()) {
            verdict.orTimeout(Math.max(0, ev.deadline() - settings.clock().millis()), TimeUnit.MILLISECONDS);
        }
        // once answered, the evaluation sends no further query
        verdict.whenComplete((v, e) -> ev.finished = true);
        // Out of time: a fail decided before the budget ran out stays a fail, with the default
        // explanation (§6.2); anything else is a temperror (§4.6.4).
        return verdict.handle((v, timedOut) -> timedOut == null ? v
                : toVerdict(ev, ev.decided != null ? ev.decided : budgetSpent(ev), identity, domain, ip, helo));
    }

    private CheckHostResult budgetSpent(CheckHostRun ev) {
        return CheckHostResult.temperror("time budget of " + settings.timeBudget().toMillis() + " ms exceeded (RFC 7208 §4.6.4)");
    }

    private SpfVerdict toVerdict(CheckHostRun ev, CheckHostResult o, SpfIdentity identity, String domain, InetAddress ip, String helo) {
        String explanation = null;
        if (o.result == SpfResult.FAIL) {
            explanation = o.explanation;
            if (explanation == null) {
                try {
                    explanation = ev.defaultExplanation();
                } catch (RuntimeException e) {
                    explanation = settings.defaultExplanation();
                }
            }
        }
        return new SpfVerdict(o.result, identity, domain, ev.sender, ip, helo, explanation, o.mechanism, o.problem,
                ev.dnsTerms, ev.voidLookups);
    }

    /** The parsed form of a record text, from the cache when possible. */
    SpfRecord parsed(String text) {
        SpfRecord r = records.get(text);
        if (r == null) {
            r = SpfRecord.parse(text);
            if (text.length() <= MAX_CACHED_RECORD_LENGTH) {
                if (records.size() >= RECORD_CACHE_SIZE) {
                    records.clear();
                }
                records.put(text, r);
            }
        }
        return r;
    }

    /**
     * §4.3: a fully qualified name of at most 253 octets with labels of 1 to 63 printable ASCII
     * characters; anything else (domain literals included) cannot have a policy.
     */
    static boolean isCheckableDomain(String domain) {
        int len = domain.length();
        if (len == 0 || len > CheckHostRun.MAX_DOMAIN_LENGTH || domain.indexOf('.') < 0) {
            return false;
        }
        int labelStart = 0;
        for (int i = 0; i <= len; i++) {
            if (i == len || domain.charAt(i) == '.') {
                int l = i - labelStart;
                if (l == 0 || l > CheckHostRun.MAX_LABEL_LENGTH) {
                    return false;
                }
                labelStart = i + 1;
                continue;
            }
            char c = domain.charAt(i);
            if (c <= 0x20 || c >= 0x7f || c == '[' || c == ']' || c == '@') {
                return false;
            }
        }
        return true;
    }
}
