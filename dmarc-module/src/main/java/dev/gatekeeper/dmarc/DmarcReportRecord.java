package dev.gatekeeper.dmarc;

import dev.gatekeeper.dkim.DkimResult;
import dev.gatekeeper.dkim.DkimStatus;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * What an aggregate report says about one evaluated message (RFC 7489 §7.2, Appendix C
 * {@code RecordType}): the connecting IP, the identifiers (header From, MAIL FROM and, if known,
 * recipient domain), SPF's and every DKIM signature's result as found, and the DMARC policy
 * published and evaluated. Messages with equal records are one row of the report, counted:
 * {@link DmarcReportStore} keeps {@link #key()} with a count, not one entry per message.
 *
 * <p>Built with {@link #of} only for a DMARC pass or fail under a record that asks for
 * aggregate reports ({@code rua=}); the report is for that record's domain. Immutable.
 */
public final class DmarcReportRecord {

    /** Signatures listed per row: a message's signatures are verified up to a limit anyway (DKIM's default 5). */
    static final int MAX_SIGNATURES = 8;

    /** One DKIM signature's result as found (Appendix C {@code DKIMAuthResultType}). */
    public static final class DkimAuth {
        private final String domain;
        private final String selector;
        private final DkimStatus result;

        DkimAuth(String domain, String selector, DkimStatus result) {
            this.domain = domain;
            this.selector = selector;
            this.result = result;
        }

        /** {@code d=}. */
        public String domain() {
            return domain;
        }

        /** {@code s=}; empty when the signature did not say. */
        public String selector() {
            return selector;
        }

        public DkimStatus result() {
            return result;
        }
    }

    /**
     * The record the message was evaluated under, as the report's {@code policy_published}
     * gives it, and its {@code rua=} URIs, where the report is to be sent (§7.2.1).
     */
    public static final class PolicyPublished {
        private final String domain;
        private final Alignment adkim;
        private final Alignment aspf;
        private final Policy p;
        private final Policy sp;
        private final int pct;
        private final String fo;
        private final List<String> rua;

        PolicyPublished(String domain, Alignment adkim, Alignment aspf, Policy p, Policy sp, int pct, String fo, List<String> rua) {
            this.domain = domain;
            this.adkim = adkim;
            this.aspf = aspf;
            this.p = p;
            this.sp = sp;
            this.pct = pct;
            this.fo = fo;
            this.rua = List.copyOf(rua);
        }

        /** Where the record was found: the author domain or its Organizational Domain. */
        public String domain() {
            return domain;
        }

        public Alignment adkim() {
            return adkim;
        }

        public Alignment aspf() {
            return aspf;
        }

        /** {@code p=}; {@code none} when it was invalid and the record was read as p=none (§6.6.3 step 6.1). */
        public Policy p() {
            return p;
        }

        /** {@code sp=}, or {@code p=} when absent. */
        public Policy sp() {
            return sp;
        }

        public int pct() {
            return pct;
        }

        public String fo() {
            return fo;
        }

        /** The aggregate report URIs, with any size limit ({@code !10m}). */
        public List<String> rua() {
            return rua;
        }
    }

    private final String sourceIp;
    private final String headerFrom;
    private final String envelopeFrom;
    private final String envelopeTo;
    private final SpfAuthResult spf;
    private final List<DkimAuth> dkim;
    private final PolicyPublished published;
    private final Policy disposition;
    private final boolean dkimAligned;
    private final boolean spfAligned;
    private final boolean sampledOut;
    /** RFC 7489 §7.2.1's PolicyOverrideType when the receiver did not do what DMARC asked: "" when it did. */
    private final String override;
    private final String key;

    private DmarcReportRecord(String sourceIp, String headerFrom, String envelopeFrom, String envelopeTo, SpfAuthResult spf,
            List<DkimAuth> dkim, PolicyPublished published, Policy disposition, boolean dkimAligned, boolean spfAligned,
            boolean sampledOut, String override) {
        this.sourceIp = sourceIp;
        this.headerFrom = headerFrom;
        this.envelopeFrom = envelopeFrom;
        this.envelopeTo = envelopeTo;
        this.spf = spf;
        this.dkim = List.copyOf(dkim);
        this.published = published;
        this.disposition = disposition;
        this.dkimAligned = dkimAligned;
        this.spfAligned = spfAligned;
        this.sampledOut = sampledOut;
        this.override = override;
        this.key = encode();
    }

    /** The override reason that says a trusted forwarder's ARC pass outweighed the policy. */
    public static final String TRUSTED_FORWARDER = "trusted_forwarder";
    /** The override reason for any other rule of the receiver's own (RFC 7489 §7.2.1). */
    public static final String LOCAL_POLICY = "local_policy";

    /**
     * The row as the receiver acted: {@code applied} instead of the disposition DMARC asked for,
     * with the override reason of RFC 7489 §7.2.1 when they differ ({@code trusted_forwarder}
     * when a milder treatment rests on an ARC pass, RFC 8617 §7.2; {@code local_policy} otherwise).
     */
    public DmarcReportRecord applied(Policy applied, boolean arcPassed) {
        if (applied == disposition) {
            return this;
        }
        String reason = !applied.stricterThan(disposition) && arcPassed ? TRUSTED_FORWARDER : LOCAL_POLICY;
        return new DmarcReportRecord(sourceIp, headerFrom, envelopeFrom, envelopeTo, spf, dkim, published, applied, dkimAligned,
                spfAligned, sampledOut, reason);
    }

    /** Why the disposition is not what DMARC asked ({@link #TRUSTED_FORWARDER}, {@link #LOCAL_POLICY}), or "". */
    public String override() {
        return override;
    }

    /**
     * The report record of one message, or empty when there is nothing to report: DMARC did not
     * apply a record (none, temperror, permerror), or the record has no valid {@code rua=}.
     *
     * @param source the connecting client
     * @param envelopeFrom the MAIL FROM domain; empty for the null reverse-path
     * @param envelopeTo a recipient domain, or empty to leave {@code envelope_to} out (§7.2.1.1
     *     lets a receiver omit it, and a report naming one recipient domain tells the sender
     *     little about a message that had several)
     * @param spf SPF's result for the identity it checked
     */
    public static Optional<DmarcReportRecord> of(MessageAuthentication message, InetAddress source, String envelopeFrom,
            String envelopeTo, SpfAuthResult spf) {
        DmarcResult dmarc = message.dmarc();
        if (dmarc.outcome() != DmarcOutcome.PASS && dmarc.outcome() != DmarcOutcome.FAIL) {
            return Optional.empty();
        }
        Optional<DmarcRecord> found = dmarc.record();
        if (found.isEmpty() || !found.get().hasValidReportUri()) {
            return Optional.empty();
        }
        DmarcRecord record = found.get();
        Policy p = record.policyUsable() ? record.policy().orElse(Policy.NONE) : Policy.NONE;
        Policy sp = record.policyUsable() ? record.subdomainPolicy().orElse(p) : Policy.NONE;
        PolicyPublished published = new PolicyPublished(dmarc.policyDomain(), record.dkimAlignment(), record.spfAlignment(), p, sp,
                record.pct(), record.failureOptions(), record.aggregateReportUris());
        List<DkimAuth> signatures = new ArrayList<>();
        for (DkimResult r : message.dkim()) {
            if (!r.domain().isEmpty() && signatures.size() < MAX_SIGNATURES) {
                signatures.add(new DkimAuth(r.domain().toLowerCase(Locale.ROOT), r.selector(), r.status()));
            }
        }
        // §6.6.4: a failing message that pct left out was treated one step milder than asked.
        boolean sampledOut = dmarc.outcome() == DmarcOutcome.FAIL && dmarc.policy().isPresent()
                && dmarc.policy().get() != dmarc.disposition();
        return Optional.of(new DmarcReportRecord(address(source), dmarc.authorDomain(), lower(envelopeFrom), lower(envelopeTo), spf,
                signatures, published, dmarc.disposition(), dmarc.dkimAligned(), dmarc.spfAligned(), sampledOut, ""));
    }

    /** Appendix C's {@code IPAddress}: dotted quad, or IPv6 as eight groups (as Java writes it), no scope. */
    private static String address(InetAddress a) {
        String text = a.getHostAddress();
        int scope = text.indexOf('%');
        return a instanceof Inet6Address && scope >= 0 ? text.substring(0, scope) : text;
    }

    private static String lower(String s) {
        return Objects.requireNonNull(s).toLowerCase(Locale.ROOT);
    }

    public String sourceIp() {
        return sourceIp;
    }

    /** The RFC5322.From domain (the author domain DMARC evaluated). */
    public String headerFrom() {
        return headerFrom;
    }

    /** The RFC5321.MailFrom domain; empty for the null reverse-path. */
    public String envelopeFrom() {
        return envelopeFrom;
    }

    /** A recipient domain; empty when not reported. */
    public String envelopeTo() {
        return envelopeTo;
    }

    public SpfAuthResult spf() {
        return spf;
    }

    public List<DkimAuth> dkim() {
        return dkim;
    }

    public PolicyPublished published() {
        return published;
    }

    /**
     * What the receiver did: DMARC's disposition (§6.6.4, after pct; none for a pass), or what
     * {@link #applied} says it did instead, with {@link #override()} saying why.
     */
    public Policy disposition() {
        return disposition;
    }

    /** DMARC's DKIM verdict: an aligned signature passed. */
    public boolean dkimAligned() {
        return dkimAligned;
    }

    /** DMARC's SPF verdict: SPF passed for an aligned domain. */
    public boolean spfAligned() {
        return spfAligned;
    }

    /** The failing message was not selected by {@code pct} (reported as reason {@code sampled_out}). */
    public boolean sampledOut() {
        return sampledOut;
    }

    /** The domain the report is for: where the record was found. */
    public String reportDomain() {
        return published.domain;
    }

    /**
     * The row as one line of text: equal for equal records, so that the store counts it under
     * one field. {@code name=value} pairs joined by {@code &}, values URL-encoded (UTF-8), so
     * nothing a client sends can break the line apart.
     */
    String key() {
        return key;
    }

    private String encode() {
        StringBuilder out = new StringBuilder(160);
        pair(out, "ip", sourceIp);
        pair(out, "hf", headerFrom);
        pair(out, "ef", envelopeFrom);
        pair(out, "et", envelopeTo);
        raw(out, "spf", enc(spf.domain()) + ":" + spf.scope().keyword() + ":" + spf.result().keyword());
        for (DkimAuth d : dkim) {
            raw(out, "dkim", enc(d.domain) + ":" + enc(d.selector) + ":" + d.result.keyword());
        }
        pair(out, "pd", published.domain);
        pair(out, "p", published.p.keyword());
        pair(out, "sp", published.sp.keyword());
        pair(out, "pct", Integer.toString(published.pct));
        pair(out, "adkim", published.adkim.keyword());
        pair(out, "aspf", published.aspf.keyword());
        pair(out, "fo", published.fo);
        for (String uri : published.rua) {
            pair(out, "rua", uri);
        }
        pair(out, "dis", disposition.keyword());
        pair(out, "da", dkimAligned ? "1" : "0");
        pair(out, "sa", spfAligned ? "1" : "0");
        pair(out, "so", sampledOut ? "1" : "0");
        if (!override.isEmpty()) {
            pair(out, "ovr", override);
        }
        return out.toString();
    }

    private static void pair(StringBuilder out, String name, String value) {
        raw(out, name, enc(value));
    }

    private static void raw(StringBuilder out, String name, String encoded) {
        if (out.length() > 0) {
            out.append('&');
        }
        out.append(name).append('=').append(encoded);
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static String dec(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    /**
     * The record a {@link #key()} stands for; empty when the text is not one (written by another
     * version, or damaged), which the store leaves out of the report.
     */
    static Optional<DmarcReportRecord> decode(String key) {
        try {
            String ip = null;
            String hf = null;
            String ef = "";
            String et = "";
            SpfAuthResult spf = null;
            List<DkimAuth> dkim = new ArrayList<>();
            String pd = null;
            Policy p = null;
            Policy sp = null;
            int pct = DmarcRecord.DEFAULT_PCT;
            Alignment adkim = Alignment.RELAXED;
            Alignment aspf = Alignment.RELAXED;
            String fo = DmarcRecord.DEFAULT_FO;
            List<String> rua = new ArrayList<>();
            Policy dis = null;
            boolean da = false;
            boolean sa = false;
            boolean so = false;
            String ovr = "";
            for (String pairText : key.split("&", -1)) {
                int eq = pairText.indexOf('=');
                if (eq < 0) {
                    return Optional.empty();
                }
                String name = pairText.substring(0, eq);
                String value = pairText.substring(eq + 1);
                switch (name) {
                    case "ip": ip = dec(value); break;
                    case "hf": hf = dec(value); break;
                    case "ef": ef = dec(value); break;
                    case "et": et = dec(value); break;
                    case "spf": {
                        String[] parts = value.split(":", -1);
                        spf = SpfAuthResult.of(dec(parts[0]), SpfAuthResult.Scope.valueOf(parts[1].toUpperCase(Locale.ROOT)),
                                SpfAuthResult.Result.fromKeyword(parts[2]));
                        break;
                    }
                    case "dkim": {
                        String[] parts = value.split(":", -1);
                        dkim.add(new DkimAuth(dec(parts[0]), dec(parts[1]), DkimStatus.valueOf(parts[2].toUpperCase(Locale.ROOT))));
                        break;
                    }
                    case "pd": pd = dec(value); break;
                    case "p": p = Policy.fromKeyword(value).orElseThrow(); break;
                    case "sp": sp = Policy.fromKeyword(value).orElseThrow(); break;
                    case "pct": pct = Integer.parseInt(value); break;
                    case "adkim": adkim = Alignment.fromKeyword(value).orElseThrow(); break;
                    case "aspf": aspf = Alignment.fromKeyword(value).orElseThrow(); break;
                    case "fo": fo = dec(value); break;
                    case "rua": rua.add(dec(value)); break;
                    case "dis": dis = Policy.fromKeyword(value).orElseThrow(); break;
                    case "da": da = value.equals("1"); break;
                    case "sa": sa = value.equals("1"); break;
                    case "so": so = value.equals("1"); break;
                    case "ovr": ovr = dec(value); break;
                    default: break; // a later version's addition: the rest still reports
                }
            }
            if (ip == null || hf == null || spf == null || pd == null || p == null || sp == null || dis == null) {
                return Optional.empty();
            }
            return Optional.of(new DmarcReportRecord(ip, hf, ef, et, spf, dkim,
                    new PolicyPublished(pd, adkim, aspf, p, sp, pct, fo, rua), dis, da, sa, so, ovr));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DmarcReportRecord && ((DmarcReportRecord) o).key.equals(key);
    }

    @Override
    public int hashCode() {
        return key.hashCode();
    }

    @Override
    public String toString() {
        return key;
    }
}
