package dev.gatekeeper.dmarc;

import dev.gatekeeper.dns.DnsAnswer;
import dev.gatekeeper.dns.DnsResolver;
import dev.gatekeeper.dns.RecordType;
import dev.gatekeeper.dns.TxtRecord;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.IntSupplier;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * The RFC 7489 DMARC check of one message, given what SPF and DKIM found: author domains from
 * the From field (§6.6.1), policy discovery at {@code _dmarc.<author domain>} and then at
 * {@code _dmarc.<Organizational Domain>} (§6.6.3), identifier alignment (§3.1), and the policy
 * and disposition with {@code pct} sampling (§6.6.4).
 *
 * <p>Asynchronous: each DNS query is chained on the resolver's completion stages. A returned
 * stage never completes exceptionally; any failure of ours or of the DNS is a temperror, so that
 * mail is deferred rather than refused for it.
 *
 * <p>Organizational Domains come from the Public Suffix List, as RFC 7489 §3.2 says; DMARCbis's
 * DNS tree walk is not implemented (README-dmarc.md). Thread safe; share one instance.
 */
public final class DmarcEvaluator {

    /** RFC 7489 §6.1: the policy record's owner name is the domain under this label. */
    static final String DMARC_PREFIX = "_dmarc.";
    /** RFC 7489 §6.6.4 / §6.3 {@code pct}: a sample is a number in [0, 100) below pct. */
    static final int PCT_RANGE = 100;

    private final DnsResolver resolver;
    private final PublicSuffixList suffixes;
    private final IntSupplier sampler;
    private final boolean nonexistentPolicy;

    private DmarcEvaluator(Builder b) {
        this.resolver = b.resolver;
        this.suffixes = b.suffixes;
        this.sampler = b.sampler;
        this.nonexistentPolicy = b.nonexistentPolicy;
    }

    /** A builder with the bundled Public Suffix List and a {@link ThreadLocalRandom} sampler. */
    public static Builder builder(DnsResolver resolver) {
        return new Builder(resolver);
    }

    /**
     * Evaluates a message.
     *
     * @param fromFieldValues the values of the message's From header fields, in order (normally one)
     * @param spf the SPF result for the MAIL FROM (or HELO) domain, {@link SpfEvidence#none()} if none
     * @param dkim every DKIM signature's verdict, in any order
     */
    public CompletionStage<DmarcResult> evaluate(List<String> fromFieldValues, SpfEvidence spf, List<DkimEvidence> dkim) {
        return evaluate(AuthorDomains.fromFields(fromFieldValues), spf, dkim);
    }

    /**
     * Evaluates author domains already read. With several (one From field listing mailboxes of
     * several domains), RFC 7489 §6.6.1 has each evaluated and the strictest policy among those
     * that fail applied: the result is the failing one with the strictest policy; else a
     * temperror, if any (a policy we could not read might have failed); else a pass, if any;
     * else none.
     */
    public CompletionStage<DmarcResult> evaluate(AuthorDomains authors, SpfEvidence spf, List<DkimEvidence> dkim) {
        Objects.requireNonNull(spf, "spf");
        List<DkimEvidence> signatures = List.copyOf(dkim);
        if (authors.problem().isPresent()) {
            return CompletableFuture.completedFuture(DmarcResult.permerror(authors.problem().get()));
        }
        List<CompletableFuture<DmarcResult>> each = new ArrayList<>();
        for (String domain : authors.domains()) {
            each.add(guarded(domain, () -> evaluateDomain(domain, spf, signatures)));
        }
        if (each.size() == 1) {
            return each.get(0);
        }
        return CompletableFuture.allOf(each.toArray(new CompletableFuture<?>[0]))
                .thenApply(done -> combine(each.stream().map(CompletableFuture::join).collect(Collectors.toList())));
    }

    /** {@link #evaluate(List, SpfEvidence, List)} for callers that block: a temperror after {@code timeout}. */
    public DmarcResult evaluateBlocking(List<String> fromFieldValues, SpfEvidence spf, List<DkimEvidence> dkim, Duration timeout) {
        try {
            return evaluate(fromFieldValues, spf, dkim).toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return DmarcResult.temperror("", "interrupted");
        } catch (TimeoutException e) {
            return DmarcResult.temperror("", "no verdict within " + timeout.toMillis() + " ms");
        } catch (ExecutionException e) {
            return DmarcResult.temperror("", "internal error: " + e.getCause());
        }
    }

    /** The Organizational Domain of a normalized domain name (RFC 7489 §3.2). */
    public String organizationalDomain(String domain) {
        return suffixes.organizationalDomain(domain);
    }

    private CompletableFuture<DmarcResult> guarded(String domain, Supplier<CompletionStage<DmarcResult>> work) {
        CompletionStage<DmarcResult> stage;
        try {
            stage = work.get();
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(DmarcResult.temperror(domain, "internal error: " + e));
        }
        return stage.toCompletableFuture().exceptionally(e -> DmarcResult.temperror(domain, "internal error: " + e));
    }

    private CompletionStage<DmarcResult> evaluateDomain(String author, SpfEvidence spf, List<DkimEvidence> dkim) {
        String organization = suffixes.organizationalDomain(author);
        return discover(author, organization).thenCompose(found -> {
            if (found.result != null) {
                return CompletableFuture.completedFuture(found.result);
            }
            return applyRecord(author, organization, found.domain, found.record, spf, dkim);
        });
    }

    /** What policy discovery gave: a record and where it was found, or a final result. */
    private static final class Discovery {
        final DmarcRecord record;
        final String domain;
        final DmarcResult result;

        private Discovery(DmarcRecord record, String domain, DmarcResult result) {
            this.record = record;
            this.domain = domain;
            this.result = result;
        }
    }

    /** RFC 7489 §6.6.3 steps 1 to 5. */
    private CompletionStage<Discovery> discover(String author, String organization) {
        return records(author).thenCompose(atAuthor -> {
            if (atAuthor.isTempfail()) {
                return done(DmarcResult.temperror(author, "DNS " + atAuthor.problem() + " at " + DMARC_PREFIX + author));
            }
            List<DmarcRecord> found = dmarcRecords(atAuthor);
            if (found.size() > 1) {
                // Step 5, read with step 3: the Organizational Domain is asked only when the set is empty.
                return done(DmarcResult.none(author, found.size() + " DMARC records at " + DMARC_PREFIX + author));
            }
            if (found.size() == 1) {
                return CompletableFuture.completedFuture(new Discovery(found.get(0), author, null));
            }
            if (organization.equals(author)) {
                return done(DmarcResult.none(author, "no DMARC record at " + DMARC_PREFIX + author));
            }
            return records(organization).thenApply(atOrganization -> {
                if (atOrganization.isTempfail()) {
                    return new Discovery(null, organization,
                            DmarcResult.temperror(author, "DNS " + atOrganization.problem() + " at " + DMARC_PREFIX + organization));
                }
                List<DmarcRecord> inherited = dmarcRecords(atOrganization);
                if (inherited.size() != 1) {
                    String what = inherited.isEmpty() ? "no DMARC record" : inherited.size() + " DMARC records";
                    return new Discovery(null, organization, DmarcResult.none(author,
                            what + " at " + DMARC_PREFIX + organization + " (none at " + DMARC_PREFIX + author + ")"));
                }
                return new Discovery(inherited.get(0), organization, null);
            });
        });
    }

    private static CompletionStage<Discovery> done(DmarcResult result) {
        return CompletableFuture.completedFuture(new Discovery(null, "", result));
    }

    private CompletionStage<DnsAnswer> records(String domain) {
        if (!DomainNames.fits(DMARC_PREFIX, domain)) {
            // Longer than a DNS name may be (RFC 1035 §2.3.4): no record can be there.
            return CompletableFuture.completedFuture(DnsAnswer.nxdomain());
        }
        return resolver.lookup(DMARC_PREFIX + domain, RecordType.TXT);
    }

    /** Steps 2 and 4: TXT records that are not DMARC records are discarded. */
    private static List<DmarcRecord> dmarcRecords(DnsAnswer answer) {
        List<DmarcRecord> out = new ArrayList<>();
        for (TxtRecord txt : answer.records(TxtRecord.class)) {
            DmarcRecord.parse(txt.text()).ifPresent(out::add);
        }
        return out;
    }

    private CompletionStage<DmarcResult> applyRecord(String author, String organization, String policyDomain,
            DmarcRecord record, SpfEvidence spf, List<DkimEvidence> dkim) {
        Policy requested;
        Policy subdomain;
        String note = "";
        if (record.policyUsable()) {
            requested = record.policy().orElseThrow();
            subdomain = record.subdomainPolicy().orElse(requested);
        } else if (record.hasValidReportUri()) {
            // Step 6.1: act as if the record said p=none, so that reports still flow.
            requested = Policy.NONE;
            subdomain = Policy.NONE;
            note = "; invalid p= or sp= read as p=none (RFC 7489 §6.6.3)";
        } else {
            return CompletableFuture.completedFuture(DmarcResult.none(author,
                    "DMARC record at " + DMARC_PREFIX + policyDomain + " without valid p= or with invalid sp=, and no valid rua="));
        }
        boolean inherited = !policyDomain.equals(author);
        boolean spfAligned = spf.passed() && aligned(author, spf.domain(), record.spfAlignment());
        boolean dkimAligned = false;
        for (DkimEvidence d : dkim) {
            if (d.passed() && aligned(author, d.domain(), record.dkimAlignment())) {
                dkimAligned = true;
                break;
            }
        }
        String source = "record at " + DMARC_PREFIX + policyDomain + note;
        if (!inherited) {
            return CompletableFuture.completedFuture(verdict(author, policyDomain, record, requested, spfAligned, dkimAligned, source));
        }
        Optional<Policy> np = record.nonexistentPolicy();
        boolean pass = spfAligned || dkimAligned;
        if (!nonexistentPolicy || np.isEmpty() || pass || !record.policyUsable()) {
            return CompletableFuture.completedFuture(verdict(author, policyDomain, record, subdomain, spfAligned, dkimAligned, source));
        }
        // RFC 9091 §4.1: np= applies when the author domain does not exist (NXDOMAIN, RFC 8020).
        // An address query is enough to tell; a failed query keeps sp=.
        final boolean spfOk = spfAligned;
        final boolean dkimOk = dkimAligned;
        return resolver.lookup(author, RecordType.A).thenApply(answer -> {
            boolean nonexistent = answer.status() == DnsAnswer.Status.NXDOMAIN;
            return verdict(author, policyDomain, record, nonexistent ? np.get() : subdomain, spfOk, dkimOk,
                    source + (nonexistent ? "; author domain does not exist, np= applied" : ""));
        });
    }

    private DmarcResult verdict(String author, String policyDomain, DmarcRecord record, Policy policy,
            boolean spfAligned, boolean dkimAligned, String source) {
        Policy disposition = policy;
        String reason;
        if (spfAligned || dkimAligned) {
            reason = (spfAligned ? "SPF" : "DKIM") + " aligned; " + source;
        } else {
            reason = "no aligned SPF or DKIM pass; " + source;
            if (!sampled(record.pct())) {
                disposition = policy.milder();
                reason += "; not selected by pct=" + record.pct();
            }
        }
        return DmarcResult.evaluated(author, policyDomain, record, policy, disposition, spfAligned, dkimAligned, reason);
    }

    /** RFC 7489 §6.6.4: the policy applies to pct percent of failing mail, chosen at random. */
    private boolean sampled(int pct) {
        if (pct >= PCT_RANGE) {
            return true;
        }
        if (pct <= 0) {
            return false;
        }
        return Math.floorMod(sampler.getAsInt(), PCT_RANGE) < pct;
    }

    /**
     * RFC 7489 §3.1.1 and §3.1.2: strict wants the same name; relaxed the same Organizational
     * Domain. A name that is no host name aligns with nothing.
     */
    boolean aligned(String author, String identifier, Alignment mode) {
        Optional<String> name = DomainNames.normalize(identifier);
        if (name.isEmpty()) {
            return false;
        }
        if (mode == Alignment.STRICT) {
            return name.get().equals(author);
        }
        return suffixes.organizationalDomain(name.get()).equals(suffixes.organizationalDomain(author));
    }

    private static DmarcResult combine(List<DmarcResult> results) {
        DmarcResult chosen = null;
        for (DmarcResult r : results) {
            if (r.outcome() == DmarcOutcome.FAIL && (chosen == null || stricter(r, chosen))) {
                chosen = r;
            }
        }
        for (DmarcOutcome next : new DmarcOutcome[] {DmarcOutcome.TEMPERROR, DmarcOutcome.PASS, DmarcOutcome.NONE}) {
            for (DmarcResult r : results) {
                if (chosen == null && r.outcome() == next) {
                    chosen = r;
                }
            }
        }
        if (chosen == null) {
            chosen = results.get(0);
        }
        return chosen.withReason(chosen.reason() + "; of " + results.size() + " author domains (RFC 7489 §6.6.1)");
    }

    private static boolean stricter(DmarcResult a, DmarcResult b) {
        Policy pa = a.policy().orElse(Policy.NONE);
        Policy pb = b.policy().orElse(Policy.NONE);
        return pa.stricterThan(pb) || (pa == pb && a.disposition().stricterThan(b.disposition()));
    }

    /** Builds an evaluator; only the resolver is required. */
    public static final class Builder {
        private final DnsResolver resolver;
        private PublicSuffixList suffixes;
        private IntSupplier sampler = () -> ThreadLocalRandom.current().nextInt(PCT_RANGE);
        private boolean nonexistentPolicy = true;

        private Builder(DnsResolver resolver) {
            this.resolver = Objects.requireNonNull(resolver, "resolver");
        }

        /** The list of public suffixes; the bundled copy by default. */
        public Builder publicSuffixList(PublicSuffixList value) {
            this.suffixes = Objects.requireNonNull(value, "value");
            return this;
        }

        /** A newer list an administrator keeps, read now (a missing or unreadable file fails here, at start-up). */
        public Builder publicSuffixList(Path file) throws IOException {
            return publicSuffixList(PublicSuffixList.load(file));
        }

        /**
         * The random source of {@code pct} sampling: each call gives a number, taken modulo 100;
         * a failing message is subject to the policy when it is below pct. Called only for
         * failing mail under a record with 0 &lt; pct &lt; 100.
         */
        public Builder sampler(IntSupplier value) {
            this.sampler = Objects.requireNonNull(value, "value");
            return this;
        }

        /**
         * Whether {@code np=} (RFC 9091, DMARCbis) is honoured: for a record inherited from the
         * Organizational Domain, one A query tells whether the author domain exists. On by default.
         */
        public Builder nonexistentPolicy(boolean value) {
            this.nonexistentPolicy = value;
            return this;
        }

        public DmarcEvaluator build() {
            if (suffixes == null) {
                suffixes = PublicSuffixList.bundled();
            }
            return new DmarcEvaluator(this);
        }
    }
}
