package dev.gatekeeper.spf;

import dev.gatekeeper.dns.IpAddresses;
import dev.gatekeeper.dns.AddressRecord;
import dev.gatekeeper.dns.DnsAnswer;
import dev.gatekeeper.dns.DnsNames;
import dev.gatekeeper.dns.DnsRecord;
import dev.gatekeeper.dns.DnsResolver;
import dev.gatekeeper.dns.MxRecord;
import dev.gatekeeper.dns.PtrRecord;
import dev.gatekeeper.dns.RecordType;
import dev.gatekeeper.dns.TxtRecord;
import dev.gatekeeper.mail.DomainName;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One run of check_host() (RFC 7208 §4) with its counters. Steps are chained on the resolver's
 * completion stages; a step runs only after the previous one completed, so the counters need no
 * locking. Once the verdict is out (or the time budget is spent) no further query is sent.
 */
final class CheckHostRun implements MacroSource {

    /** RFC 7208 §4.3 and §4.8: a domain name is at most 253 octets, a label at most 63 (RFC 1035's limits). */
    static final int MAX_DOMAIN_LENGTH = DomainName.MAX_LENGTH;
    static final int MAX_LABEL_LENGTH = DomainName.MAX_LABEL;

    private static final DnsAnswer BUDGET_SPENT = DnsAnswer.tempfail("time budget exceeded");

    private final SpfEvaluator engine;
    private final DnsResolver resolver;
    private final SpfSettings settings;
    private final byte[] ip;
    private final boolean ipv4;
    private final RecordType addressType;
    final String sender;
    final String localPart;
    final String senderDomain;
    final String helo;
    private final long deadline;

    int dnsTerms;
    int voidLookups;
    volatile boolean finished;
    volatile boolean budgetSpent;
    /**
     * The top-level fail, once its mechanism matched within the budget and only its {@code exp=}
     * explanation is still being looked up: from then on the result is decided (RFC 7208 §6.2),
     * whatever becomes of that lookup or the budget.
     */
    volatile CheckHostResult decided;

    private String dottedIp;
    private String pDomain;
    private String pValue;

    CheckHostRun(SpfEvaluator engine, DnsResolver resolver, SpfSettings settings, byte[] ip, String sender,
               String localPart, String senderDomain, String helo) {
        this.engine = engine;
        this.resolver = resolver;
        this.settings = settings;
        this.ip = ip;
        this.ipv4 = ip.length == 4;
        this.addressType = ipv4 ? RecordType.A : RecordType.AAAA;
        this.sender = sender;
        this.localPart = localPart;
        this.senderDomain = senderDomain;
        this.helo = helo;
        this.deadline = settings.clock().millis() + settings.timeBudget().toMillis();
    }

    long deadline() {
        return deadline;
    }

    // ---- DNS ----

    private CompletionStage<DnsAnswer> lookup(String name, RecordType type) {
        if (finished || budgetSpent) {
            return CompletableFuture.completedFuture(BUDGET_SPENT);
        }
        if (settings.clock().millis() > deadline) {
            budgetSpent = true;
            return CompletableFuture.completedFuture(BUDGET_SPENT);
        }
        return resolver.lookup(name, type);
    }

    private static CompletionStage<CheckHostResult> done(CheckHostResult o) {
        return CompletableFuture.completedFuture(o);
    }

    // ---- check_host() ----

    /** §4: fetch and select the record of a domain, then evaluate it. */
    CompletionStage<CheckHostResult> checkHost(String domain, boolean nested) {
        return lookup(domain, RecordType.TXT).thenCompose(answer -> evaluateRecord(domain, answer, nested));
    }

    private CompletionStage<CheckHostResult> evaluateRecord(String domain, DnsAnswer answer, boolean nested) {
        if (answer.isTempfail()) {
            return done(CheckHostResult.temperror("DNS failure looking up TXT of " + domain + ": " + answer.problem()));
        }
        String found = null;
        int count = 0;
        for (DnsRecord r : answer.records()) {
            if (r instanceof TxtRecord) {
                String text = ((TxtRecord) r).text();
                if (SpfRecord.isSpfRecord(text)) {
                    count++;
                    found = text;
                }
            }
        }
        if (count == 0) {
            return done(CheckHostResult.none("no SPF record at " + domain));
        }
        if (count > 1) {
            return done(CheckHostResult.permerror("more than one SPF record at " + domain + " (RFC 7208 §4.5)"));
        }
        SpfRecord record = engine.parsed(found);
        if (record.error != null) {
            return done(CheckHostResult.permerror(record.error + " (SPF record of " + domain + ")"));
        }
        return evaluateFrom(record, domain, 0, nested);
    }

    /** §4.6.2: mechanisms left to right, the first match decides; then redirect, then neutral (§4.7). */
    private CompletionStage<CheckHostResult> evaluateFrom(SpfRecord record, String domain, int index, boolean nested) {
        Mechanism[] ms = record.mechanisms;
        for (int i = index; i < ms.length; i++) {
            Mechanism m = ms[i];
            switch (m.kind) {
                case ALL:
                    return matched(record, m, domain, nested);
                case IP4:
                case IP6:
                    if (m.matchesIp(ip)) {
                        return matched(record, m, domain, nested);
                    }
                    break;
                default:
                    if (++dnsTerms > settings.maxDnsTerms()) {
                        return done(tooManyTerms());
                    }
                    final int next = i + 1;
                    return evaluateDnsMechanism(m, domain).thenCompose(r -> {
                        if (r == CheckHostResult.MATCH) {
                            return matched(record, m, domain, nested);
                        }
                        if (r == CheckHostResult.NO_MATCH) {
                            return evaluateFrom(record, domain, next, nested);
                        }
                        return done(r);
                    });
            }
        }
        if (record.redirect == null) {
            return done(CheckHostResult.NEUTRAL_DEFAULT);
        }
        if (++dnsTerms > settings.maxDnsTerms()) {
            return done(tooManyTerms());
        }
        return targetName(record.redirect, domain).thenCompose(target -> {
            if (target == null) {
                return done(CheckHostResult.permerror("redirect target of " + domain + " is not a valid domain name"));
            }
            // §6.1: the redirect target's result is the result, its own exp= applies
            return checkHost(target, nested).thenApply(o -> o.result == SpfResult.NONE
                    ? CheckHostResult.permerror("redirect=" + target + " has no SPF record (RFC 7208 §6.1)") : o);
        });
    }

    private CheckHostResult tooManyTerms() {
        return CheckHostResult.permerror("more than " + settings.maxDnsTerms()
                + " DNS-querying mechanisms and modifiers (RFC 7208 §4.6.4)");
    }

    private CompletionStage<CheckHostResult> matched(SpfRecord record, Mechanism m, String domain, boolean nested) {
        CheckHostResult outcome = CheckHostResult.matched(m.result, m.text, null);
        // Not nested: an include's fail is only a no-match (§5.2); a redirect's target result is final (§6.1).
        if (m.result != SpfResult.FAIL || nested || record.exp == null || budgetSpent) {
            return done(outcome);
        }
        decided = outcome;
        return boundedExplanation(record.exp, domain)
                .thenApply(text -> text == null ? outcome : CheckHostResult.matched(SpfResult.FAIL, m.text, text));
    }

    private CompletionStage<CheckHostResult> evaluateDnsMechanism(Mechanism m, String domain) {
        if (m.domain == null) {
            return evaluateAt(m, domain, domain);
        }
        if (m.domain.usesP()) {
            return validatedName(domain).thenCompose(p -> evaluateAt(m, checkedName(m.domain.expand(this, domain)), domain));
        }
        return evaluateAt(m, checkedName(m.domain.expand(this, domain)), domain);
    }

    private CompletionStage<CheckHostResult> evaluateAt(Mechanism m, String target, String domain) {
        switch (m.kind) {
            case INCLUDE:
                return include(target);
            case A:
                if (target == null) {
                    return done(CheckHostResult.NO_MATCH);
                }
                return lookup(target, addressType).thenApply(answer -> {
                    if (answer.isTempfail()) {
                        return CheckHostResult.temperror("DNS failure looking up " + addressType + " of " + target + ": "
                                + answer.problem());
                    }
                    if (answer.isEmpty()) {
                        return voidLookup(target);
                    }
                    return anyAddressMatches(answer, ipv4 ? m.cidr4 : m.cidr6) ? CheckHostResult.MATCH : CheckHostResult.NO_MATCH;
                });
            case MX:
                return target == null ? done(CheckHostResult.NO_MATCH) : mx(m, target);
            case PTR:
                return target == null ? done(CheckHostResult.NO_MATCH) : ptr(target);
            case EXISTS:
            default:
                if (target == null) {
                    return done(CheckHostResult.NO_MATCH);
                }
                // §5.7: always an A query, whatever the client's address family
                return lookup(target, RecordType.A).thenApply(answer -> {
                    if (answer.isTempfail()) {
                        return CheckHostResult.temperror("DNS failure looking up A of " + target + ": " + answer.problem());
                    }
                    return answer.isEmpty() ? voidLookup(target) : CheckHostResult.MATCH;
                });
        }
    }

    private CheckHostResult voidLookup(String name) {
        if (++voidLookups > settings.maxVoidLookups()) {
            return CheckHostResult.permerror("more than " + settings.maxVoidLookups() + " void lookups (RFC 7208 §4.6.4), last at "
                    + name);
        }
        return CheckHostResult.NO_MATCH;
    }

    /** §5.2: pass matches; fail, softfail and neutral do not; none is a permerror. */
    private CompletionStage<CheckHostResult> include(String target) {
        if (target == null) {
            return done(CheckHostResult.permerror("include target is not a valid domain name"));
        }
        return checkHost(target, true).thenApply(o -> {
            switch (o.result) {
                case PASS:
                    return CheckHostResult.MATCH;
                case FAIL:
                case SOFTFAIL:
                case NEUTRAL:
                    return CheckHostResult.NO_MATCH;
                case NONE:
                    return CheckHostResult.permerror("include:" + target + " has no SPF record (RFC 7208 §5.2)");
                default:
                    return o;
            }
        });
    }

    private boolean anyAddressMatches(DnsAnswer answer, int bits) {
        for (DnsRecord r : answer.records()) {
            if (r instanceof AddressRecord
                    && IpAddresses.sameNetwork(ip, ((AddressRecord) r).address().getAddress(), bits)) {
                return true;
            }
        }
        return false;
    }

    /** §5.4: the MX names' addresses, at most 10 names (§4.6.4), the null MX (RFC 7505) skipped. */
    private CompletionStage<CheckHostResult> mx(Mechanism m, String target) {
        return lookup(target, RecordType.MX).thenCompose(answer -> {
            if (answer.isTempfail()) {
                return done(CheckHostResult.temperror("DNS failure looking up MX of " + target + ": " + answer.problem()));
            }
            if (answer.isEmpty()) {
                return done(voidLookup(target));
            }
            List<String> hosts = new ArrayList<>();
            for (DnsRecord r : answer.records()) {
                if (r instanceof MxRecord && !((MxRecord) r).exchange().isEmpty()) {
                    hosts.add(((MxRecord) r).exchange());
                }
            }
            if (hosts.size() > settings.maxMxNames()) {
                return done(CheckHostResult.permerror("mx:" + target + " has more than " + settings.maxMxNames()
                        + " MX names (RFC 7208 §4.6.4)"));
            }
            return anyHostMatches(hosts, ipv4 ? m.cidr4 : m.cidr6, true);
        });
    }

    /** §5.5: validated reverse names equal to or under the target; DNS errors make a name not match. */
    private CompletionStage<CheckHostResult> ptr(String target) {
        return reverseNames().thenCompose(names -> {
            if (names == null) {
                return done(CheckHostResult.NO_MATCH);
            }
            if (names.isEmpty()) {
                return done(voidLookup("reverse name of " + IpAddresses.readable(ip)));
            }
            String t = DomainName.canonical(target);
            List<String> candidates = new ArrayList<>(names.size());
            for (String n : names) {
                if (isSameOrSubdomain(n, t)) {
                    candidates.add(n);
                }
            }
            if (candidates.isEmpty()) {
                return done(CheckHostResult.NO_MATCH);
            }
            return anyHostMatches(candidates, ipv4 ? 32 : 128, false);
        });
    }

    /** The first names (§4.6.4 limit) of the PTR answer; null on a DNS error; empty when void. */
    private CompletionStage<List<String>> reverseNames() {
        String reverse = DnsNames.reverseName(IpAddresses.toInetAddress(ip));
        return lookup(reverse, RecordType.PTR).thenApply(answer -> {
            if (answer.isTempfail()) {
                return null;
            }
            List<String> names = new ArrayList<>();
            for (DnsRecord r : answer.records()) {
                if (r instanceof PtrRecord && names.size() < settings.maxPtrNames()) {
                    names.add(((PtrRecord) r).target());
                }
            }
            return names;
        });
    }

    /**
     * Looks up the hosts' addresses together and answers MATCH as soon as one is in the network.
     * A DNS failure is a temperror when {@code failuresCount}, otherwise the host is skipped.
     */
    private CompletionStage<CheckHostResult> anyHostMatches(List<String> hosts, int bits, boolean failuresCount) {
        if (hosts.isEmpty()) {
            return done(CheckHostResult.NO_MATCH);
        }
        CompletableFuture<CheckHostResult> result = new CompletableFuture<>();
        AtomicInteger remaining = new AtomicInteger(hosts.size());
        AtomicReference<String> failure = new AtomicReference<>();
        for (String host : hosts) {
            if (result.isDone()) {
                break;
            }
            lookup(host, addressType).whenComplete((answer, error) -> {
                if (answer != null && answer.status() == DnsAnswer.Status.RECORDS && anyAddressMatches(answer, bits)) {
                    result.complete(CheckHostResult.MATCH);
                } else if (answer == null || answer.isTempfail()) {
                    failure.compareAndSet(null, "DNS failure looking up " + addressType + " of " + host + ": "
                            + (answer == null ? String.valueOf(error) : answer.problem()));
                }
                if (remaining.decrementAndGet() == 0) {
                    String f = failure.get();
                    result.complete(f != null && failuresCount ? CheckHostResult.temperror(f) : CheckHostResult.NO_MATCH);
                }
            });
        }
        return result;
    }

    static boolean isSameOrSubdomain(String name, String domain) {
        return name.equals(domain)
                || name.length() > domain.length() && name.endsWith(domain)
                && name.charAt(name.length() - domain.length() - 1) == '.';
    }

    // ---- macros ----

    /**
     * %{p} (§7.3): a validated reverse name, preferring the domain itself or a subdomain of it;
     * "unknown" when none validates. Computed once per domain and evaluation.
     */
    private CompletionStage<String> validatedName(String domain) {
        if (domain.equals(pDomain)) {
            return CompletableFuture.completedFuture(pValue);
        }
        return reverseNames().thenCompose(names -> {
            if (names == null || names.isEmpty()) {
                return CompletableFuture.completedFuture(remember(domain, "unknown"));
            }
            @SuppressWarnings("unchecked")
            CompletableFuture<Boolean>[] checks = new CompletableFuture[names.size()];
            for (int i = 0; i < checks.length; i++) {
                checks[i] = lookup(names.get(i), addressType).toCompletableFuture()
                        .thenApply(a -> a.status() == DnsAnswer.Status.RECORDS && anyAddressMatches(a, ipv4 ? 32 : 128));
            }
            return CompletableFuture.allOf(checks).handle((ignored, error) -> {
                String d = DomainName.canonical(domain);
                String first = null;
                for (int i = 0; i < checks.length; i++) {
                    if (Boolean.TRUE.equals(checks[i].getNow(Boolean.FALSE))) {
                        if (isSameOrSubdomain(names.get(i), d)) {
                            return remember(domain, names.get(i));
                        }
                        if (first == null) {
                            first = names.get(i);
                        }
                    }
                }
                return remember(domain, first == null ? "unknown" : first);
            });
        });
    }

    private String remember(String domain, String value) {
        pValue = value;
        pDomain = domain;
        return value;
    }

    @Override
    public String macroValue(char letter, String domain) {
        switch (letter) {
            case 's':
                return sender;
            case 'l':
                return localPart;
            case 'o':
                return senderDomain;
            case 'd':
                return domain;
            case 'i':
                if (dottedIp == null) {
                    dottedIp = IpAddresses.dotted(ip);
                }
                return dottedIp;
            case 'p':
                return pValue == null ? "unknown" : pValue;
            case 'v':
                return ipv4 ? "in-addr" : "ip6";
            case 'h':
                return helo;
            case 'c':
                return IpAddresses.readable(ip);
            case 'r':
                return settings.receiver();
            case 't':
                return Long.toString(settings.clock().millis() / 1000);
            default:
                return "";
        }
    }

    /** A domain-spec expanded to a name to query, or null when the result is not a usable name. */
    private CompletionStage<String> targetName(MacroString spec, String domain) {
        if (spec.usesP()) {
            return validatedName(domain).thenApply(p -> checkedName(spec.expand(this, domain)));
        }
        return CompletableFuture.completedFuture(checkedName(spec.expand(this, domain)));
    }

    /**
     * §4.8 and §7.3: an expansion longer than 253 octets loses labels on the left until it fits.
     * A name with an empty or over-long label cannot exist, so it is not queried (null): the
     * mechanism does not match (the suite's preferred reading of the undefined case).
     */
    static String checkedName(String name) {
        int end = name.length();
        if (end > 0 && name.charAt(end - 1) == '.') {
            end--;
        }
        int start = 0;
        while (end - start > MAX_DOMAIN_LENGTH) {
            int dot = name.indexOf('.', start);
            if (dot < 0 || dot >= end) {
                return null;
            }
            start = dot + 1;
        }
        if (start >= end) {
            return null;
        }
        int labelStart = start;
        for (int i = start; i <= end; i++) {
            if (i == end || name.charAt(i) == '.') {
                int len = i - labelStart;
                if (len == 0 || len > MAX_LABEL_LENGTH) {
                    return null;
                }
                labelStart = i + 1;
            }
        }
        return start == 0 && end == name.length() ? name : name.substring(start, end);
    }

    // ---- explanation ----

    /**
     * The explanation, or null (the default) when it is not there within
     * {@link SpfSettings#explanationTimeout()} or what is left of the budget, whichever ends first.
     * A derived stage: a resolver's query shared with other checks is never completed from here.
     */
    private CompletionStage<String> boundedExplanation(MacroString spec, String domain) {
        long left = deadline - settings.clock().millis();
        long bound = Math.min(settings.explanationTimeout().toMillis(), left);
        if (bound <= 0) {
            return CompletableFuture.completedFuture(null);
        }
        CompletableFuture<String> text = new CompletableFuture<>();
        try {
            explanation(spec, domain).whenComplete((t, error) -> text.complete(error == null ? t : null));
        } catch (RuntimeException e) {
            text.complete(null);
        }
        return text.completeOnTimeout(null, bound, TimeUnit.MILLISECONDS);
    }

    /** §6.2: the one TXT record at the exp= target, expanded; null (use the default) on any problem. */
    private CompletionStage<String> explanation(MacroString spec, String domain) {
        return targetName(spec, domain).thenCompose(name -> {
            if (name == null) {
                return CompletableFuture.completedFuture(null);
            }
            return lookup(name, RecordType.TXT).thenCompose(answer -> {
                List<TxtRecord> txts = answer.records(TxtRecord.class);
                if (answer.status() != DnsAnswer.Status.RECORDS || txts.size() != 1) {
                    return CompletableFuture.completedFuture(null);
                }
                MacroString text;
                try {
                    text = MacroString.parseExplanation(txts.get(0).text());
                } catch (SpfSyntaxException e) {
                    return CompletableFuture.completedFuture(null);
                }
                if (text.usesP()) {
                    return validatedName(domain).thenApply(p -> sanitize(text.expand(this, domain)));
                }
                return CompletableFuture.completedFuture(sanitize(text.expand(this, domain)));
            });
        });
    }

    /** Expands the configured default explanation (no %{p}, so synchronously). */
    String defaultExplanation() {
        return sanitize(settings.parsedDefaultExplanation().expand(this, senderDomain));
    }

    /** Macro values come from the SMTP client: nothing below 0x20 or at 0x7f reaches a reply or header. */
    static String sanitize(String s) {
        StringBuilder sb = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean bad = c < 0x20 || c == 0x7f || c >= 0x80 && c < 0xa0;
            if (bad && sb == null) {
                sb = new StringBuilder(s.length());
                sb.append(s, 0, i);
            }
            if (sb != null && !bad) {
                sb.append(c);
            }
        }
        return sb == null ? s : sb.toString();
    }
}
