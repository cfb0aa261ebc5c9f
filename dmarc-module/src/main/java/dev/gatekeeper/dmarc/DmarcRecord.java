package dev.gatekeeper.dmarc;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A DMARC policy record (RFC 7489 §6.3, §6.4), parsed leniently as §6.3 asks: unknown tags are
 * ignored, an invalid value of an optional tag falls back to the tag's default, and each such
 * slip is kept as a {@link #problems() problem} for the logs. Whether a record with an invalid
 * or missing {@code p} (or an invalid {@code sp}) is used at all is the evaluator's decision
 * (§6.6.3 step 6, see {@link #policyUsable()} and {@link #hasValidReportUri()}).
 *
 * <p>Where RFC 7489 is silent: a tag given twice keeps its first value (the later one is a
 * problem); tags after {@code v} are read in any order (§6.3 asks only that {@code v} be first,
 * and receivers commonly accept {@code p} anywhere).
 *
 * <p>Immutable.
 */
public final class DmarcRecord {

    /** RFC 7489 §6.3 {@code pct}: 0 to 100, default 100. */
    static final int MAX_PCT = 100;
    static final int DEFAULT_PCT = 100;
    /** RFC 7489 §6.3 {@code ri}: a 32-bit unsigned integer of seconds, default one day. */
    static final long MAX_RI = 0xFFFF_FFFFL;
    static final long DEFAULT_RI = 86_400;
    /** RFC 7489 §6.3 defaults of {@code fo} and {@code rf}. */
    static final String DEFAULT_FO = "0";
    static final String DEFAULT_RF = "afrf";

    /**
     * RFC 7489 §6.4: {@code dmarc-version = "v" *WSP "=" *WSP %x44 %x4d %x41 %x52 %x43 %x31}: the
     * tag name is an ABNF string (case-insensitive), {@code DMARC1} is given octet by octet
     * (case-sensitive), and the next thing is the end or a separator.
     */
    private static final Pattern VERSION = Pattern.compile("^[vV][ \\t]*=[ \\t]*DMARC1[ \\t]*(;.*)?$", Pattern.DOTALL);
    private static final Pattern TAG_NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_]*");
    private static final Pattern FO = Pattern.compile("[01ds]( *: *[01ds])*");
    private static final Pattern RF = Pattern.compile("[A-Za-z0-9]+( *: *[A-Za-z0-9]+)*");
    /** RFC 7489 §6.4 {@code dmarc-uri}: the size limit after the last {@code !}. */
    private static final Pattern SIZE_LIMIT = Pattern.compile("![0-9]+[kmgtKMGT]?$");

    private final String text;
    private final Policy policy;
    private final Policy subdomainPolicy;
    private final boolean subdomainPolicyInvalid;
    private final Policy nonexistentPolicy;
    private final Alignment dkimAlignment;
    private final Alignment spfAlignment;
    private final int pct;
    private final String fo;
    private final List<String> rua;
    private final List<String> ruf;
    private final String rf;
    private final long ri;
    private final List<String> problems;

    private DmarcRecord(Builder b) {
        this.text = b.text;
        this.policy = b.policy;
        this.subdomainPolicy = b.subdomainPolicy;
        this.subdomainPolicyInvalid = b.subdomainPolicyInvalid;
        this.nonexistentPolicy = b.nonexistentPolicy;
        this.dkimAlignment = b.dkimAlignment;
        this.spfAlignment = b.spfAlignment;
        this.pct = b.pct;
        this.fo = b.fo;
        this.rua = List.copyOf(b.rua);
        this.ruf = List.copyOf(b.ruf);
        this.rf = b.rf;
        this.ri = b.ri;
        this.problems = List.copyOf(b.problems);
    }

    /**
     * Whether a TXT record is a DMARC record at all: RFC 7489 §6.6.3 steps 2 and 4 discard those
     * that do not start with {@code v=DMARC1}.
     */
    public static boolean isDmarcRecord(String text) {
        return VERSION.matcher(text).matches();
    }

    /** The record, or empty when the text is no DMARC record ({@link #isDmarcRecord}). Never throws. */
    public static Optional<DmarcRecord> parse(String text) {
        if (!isDmarcRecord(text)) {
            return Optional.empty();
        }
        Builder b = new Builder(text);
        int semicolon = text.indexOf(';');
        if (semicolon >= 0) {
            Set<String> seen = new HashSet<>();
            for (String part : text.substring(semicolon + 1).split(";", -1)) {
                String spec = trimWsp(part);
                if (spec.isEmpty()) {
                    continue;
                }
                int eq = spec.indexOf('=');
                String name = eq < 0 ? spec : trimWsp(spec.substring(0, eq));
                if (eq < 0 || !TAG_NAME.matcher(name).matches()) {
                    b.problems.add("not a tag: " + spec);
                    continue;
                }
                name = name.toLowerCase(Locale.ROOT);
                if (!seen.add(name)) {
                    b.problems.add("tag given again, ignored: " + spec);
                    continue;
                }
                b.tag(name, trimWsp(spec.substring(eq + 1)));
            }
        }
        if (b.policy == null && b.problems.stream().noneMatch(p -> p.startsWith("p="))) {
            b.problems.add("p= missing");
        }
        return Optional.of(new DmarcRecord(b));
    }

    /** The text of the record as published. */
    public String text() {
        return text;
    }

    /** {@code p}: empty when missing or invalid. */
    public Optional<Policy> policy() {
        return Optional.ofNullable(policy);
    }

    /** {@code sp}: empty when absent or invalid ({@link #policyUsable()} tells which). */
    public Optional<Policy> subdomainPolicy() {
        return Optional.ofNullable(subdomainPolicy);
    }

    /**
     * {@code np} of RFC 9091 §4.1 (kept by DMARCbis): the policy for author domains that do not
     * exist. Empty when absent or invalid.
     */
    public Optional<Policy> nonexistentPolicy() {
        return Optional.ofNullable(nonexistentPolicy);
    }

    /**
     * Whether the record carries a valid {@code p} and no invalid {@code sp}: RFC 7489 §6.6.3
     * step 6 gives a record failing this test special treatment.
     */
    public boolean policyUsable() {
        return policy != null && !subdomainPolicyInvalid;
    }

    /** {@code adkim}, default relaxed. */
    public Alignment dkimAlignment() {
        return dkimAlignment;
    }

    /** {@code aspf}, default relaxed. */
    public Alignment spfAlignment() {
        return spfAlignment;
    }

    /** {@code pct}: the percentage of failing mail the policy is to be applied to, default 100. */
    public int pct() {
        return pct;
    }

    /** {@code fo}: failure reporting options as written (colon-separated), default {@code 0}. */
    public String failureOptions() {
        return fo;
    }

    /** {@code rua}: the syntactically valid aggregate report URIs, each with its size limit if any. */
    public List<String> aggregateReportUris() {
        return rua;
    }

    /**
     * Whether {@code rua} has at least one syntactically valid URI: RFC 7489 §6.6.3 step 6.1.
     */
    public boolean hasValidReportUri() {
        return !rua.isEmpty();
    }

    /** {@code ruf}: the syntactically valid failure report URIs. */
    public List<String> failureReportUris() {
        return ruf;
    }

    /** {@code rf}: failure report formats as written, default {@code afrf}. */
    public String reportFormat() {
        return rf;
    }

    /** {@code ri}: seconds between aggregate reports, default 86400. */
    public long reportInterval() {
        return ri;
    }

    /** What was ignored or replaced by a default, one line each; empty for a clean record. */
    public List<String> problems() {
        return problems;
    }

    @Override
    public String toString() {
        return text;
    }

    private static String trimWsp(String s) {
        int start = 0;
        int end = s.length();
        while (start < end && isWsp(s.charAt(start))) {
            start++;
        }
        while (end > start && isWsp(s.charAt(end - 1))) {
            end--;
        }
        return s.substring(start, end);
    }

    private static boolean isWsp(char c) {
        // WSP of RFC 5234, plus CR and LF in case a publisher's tool folded the record.
        return c == ' ' || c == '\t' || c == '\r' || c == '\n';
    }

    /** One report URI ({@code dmarc-uri}): an absolute URI with an optional {@code !size}. */
    static boolean isReportUri(String value) {
        String uri = SIZE_LIMIT.matcher(value).replaceFirst("");
        // RFC 7489 §6.2: a "!" or "," of the URI itself must be percent-encoded.
        if (uri.isEmpty() || uri.indexOf('!') >= 0 || uri.indexOf(',') >= 0) {
            return false;
        }
        try {
            URI parsed = new URI(uri);
            return parsed.isAbsolute() && parsed.getSchemeSpecificPart() != null && !parsed.getSchemeSpecificPart().isEmpty();
        } catch (URISyntaxException e) {
            return false;
        }
    }

    private static final class Builder {
        final String text;
        Policy policy;
        Policy subdomainPolicy;
        boolean subdomainPolicyInvalid;
        Policy nonexistentPolicy;
        Alignment dkimAlignment = Alignment.RELAXED;
        Alignment spfAlignment = Alignment.RELAXED;
        int pct = DEFAULT_PCT;
        String fo = DEFAULT_FO;
        final List<String> rua = new ArrayList<>();
        final List<String> ruf = new ArrayList<>();
        String rf = DEFAULT_RF;
        long ri = DEFAULT_RI;
        final List<String> problems = new ArrayList<>();

        Builder(String text) {
            this.text = text;
        }

        void tag(String name, String value) {
            switch (name) {
                case "p":
                    policy = Policy.fromKeyword(value).orElse(null);
                    invalidIf(policy == null, name, value);
                    break;
                case "sp":
                    subdomainPolicy = Policy.fromKeyword(value).orElse(null);
                    subdomainPolicyInvalid = subdomainPolicy == null;
                    invalidIf(subdomainPolicyInvalid, name, value);
                    break;
                case "np":
                    nonexistentPolicy = Policy.fromKeyword(value).orElse(null);
                    invalidIf(nonexistentPolicy == null, name, value);
                    break;
                case "adkim":
                    dkimAlignment = Alignment.fromKeyword(value).orElse(Alignment.RELAXED);
                    invalidIf(Alignment.fromKeyword(value).isEmpty(), name, value);
                    break;
                case "aspf":
                    spfAlignment = Alignment.fromKeyword(value).orElse(Alignment.RELAXED);
                    invalidIf(Alignment.fromKeyword(value).isEmpty(), name, value);
                    break;
                case "pct":
                    pct = (int) number(name, value, MAX_PCT, DEFAULT_PCT);
                    break;
                case "ri":
                    ri = number(name, value, MAX_RI, DEFAULT_RI);
                    break;
                case "fo":
                    boolean foValid = FO.matcher(value).matches();
                    fo = foValid ? value : DEFAULT_FO;
                    invalidIf(!foValid, name, value);
                    break;
                case "rf":
                    boolean rfValid = RF.matcher(value).matches();
                    rf = rfValid ? value : DEFAULT_RF;
                    invalidIf(!rfValid, name, value);
                    break;
                case "rua":
                    uris(name, value, rua);
                    break;
                case "ruf":
                    uris(name, value, ruf);
                    break;
                case "v":
                    problems.add("v= not first, ignored");
                    break;
                default:
                    // RFC 7489 §6.3: unknown tags MUST be ignored (DMARCbis adds psd= and t=).
                    break;
            }
        }

        private void invalidIf(boolean invalid, String name, String value) {
            if (invalid) {
                problems.add(name + "=" + value + " invalid");
            }
        }

        private long number(String name, String value, long max, long fallback) {
            // Leading zeros are digits like any other; ten digits cover every 32-bit value.
            if (value.isEmpty() || value.length() > 10 || !value.chars().allMatch(c -> c >= '0' && c <= '9')) {
                invalidIf(true, name, value);
                return fallback;
            }
            long n = Long.parseLong(value);
            if (n > max) {
                invalidIf(true, name, value);
                return fallback;
            }
            return n;
        }

        /** Adds the valid URIs of a comma-separated list. */
        private void uris(String name, String value, List<String> into) {
            for (String item : value.split(",", -1)) {
                String uri = trimWsp(item);
                if (isReportUri(uri)) {
                    into.add(uri);
                } else {
                    problems.add(name + " URI invalid, ignored: " + uri);
                }
            }
        }
    }
}
