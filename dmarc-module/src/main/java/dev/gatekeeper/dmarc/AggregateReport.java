package dev.gatekeeper.dmarc;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;

/**
 * One DMARC aggregate report (RFC 7489 §7.2, the XML of Appendix C) for one report domain and a
 * range of whole UTC days: {@code feedback} with {@code version}, {@code report_metadata},
 * {@code policy_published} and one {@code record} per row with its count. Written with the JDK's
 * StAX writer, which escapes markup; characters XML 1.0 cannot carry at all are replaced by
 * U+FFFD first. Immutable.
 *
 * <p>The elements are in RFC 7489 Appendix C's namespace, {@value #NAMESPACE}, with
 * {@code <version>1.0</version>}; the schema in the tests is transcribed from the appendix.
 */
public final class AggregateReport {

    /** RFC 7489 Appendix C's target namespace. */
    public static final String NAMESPACE = "http://dmarc.org/dmarc-xml/0.1";
    static final String VERSION = "1.0";
    private static final long SECONDS_PER_DAY = 86_400;

    private final String orgName;
    private final String email;
    private final String domain;
    private final LocalDate since;
    private final LocalDate until;
    private final List<Map.Entry<DmarcReportRecord, Long>> rows;
    private final DmarcReportRecord.PolicyPublished published;

    private AggregateReport(String orgName, String email, String domain, LocalDate since, LocalDate until,
            List<Map.Entry<DmarcReportRecord, Long>> rows, DmarcReportRecord.PolicyPublished published) {
        this.orgName = orgName;
        this.email = email;
        this.domain = domain;
        this.since = since;
        this.until = until;
        this.rows = rows;
        this.published = published;
    }

    /**
     * The report of {@code domain}'s {@code rows} (as {@link DmarcReportStore#rows} gives them)
     * for the days from {@code since} to {@code until}, both included. Its
     * {@code policy_published} is the record most of the messages were evaluated under (a
     * domain that changed its record within the range has rows of both in one report).
     *
     * @param orgName the reporting organisation ({@code org_name})
     * @param email where the domain owner can write about the report ({@code email})
     * @throws IllegalArgumentException when there are no rows, or one is for another domain
     */
    public static AggregateReport of(String orgName, String email, String domain, LocalDate since, LocalDate until,
            Map<DmarcReportRecord, Long> rows) {
        Objects.requireNonNull(orgName, "orgName");
        Objects.requireNonNull(email, "email");
        if (rows.isEmpty()) {
            throw new IllegalArgumentException("no rows for " + domain);
        }
        if (until.isBefore(since)) {
            throw new IllegalArgumentException("until " + until + " is before since " + since);
        }
        Map<String, Long> perPolicy = new HashMap<>();
        Map<String, DmarcReportRecord.PolicyPublished> policies = new HashMap<>();
        for (Map.Entry<DmarcReportRecord, Long> e : rows.entrySet()) {
            if (!e.getKey().reportDomain().equals(domain)) {
                throw new IllegalArgumentException("a row for " + e.getKey().reportDomain() + " in the report of " + domain);
            }
            String policyKey = policyKey(e.getKey().published());
            perPolicy.merge(policyKey, e.getValue(), Long::sum);
            policies.putIfAbsent(policyKey, e.getKey().published());
        }
        String most = perPolicy.entrySet().stream()
                .max(Map.Entry.<String, Long>comparingByValue().thenComparing(Map.Entry.comparingByKey(Comparator.reverseOrder())))
                .orElseThrow().getKey();
        List<Map.Entry<DmarcReportRecord, Long>> sorted = new ArrayList<>(new LinkedHashMap<>(rows).entrySet());
        sorted.sort(Map.Entry.<DmarcReportRecord, Long>comparingByValue().reversed()
                .thenComparing(e -> e.getKey().key()));
        return new AggregateReport(orgName, email, domain, since, until, List.copyOf(sorted), policies.get(most));
    }

    private static String policyKey(DmarcReportRecord.PolicyPublished p) {
        return String.join(";", p.domain(), p.adkim().keyword(), p.aspf().keyword(), p.p().keyword(), p.sp().keyword(),
                Integer.toString(p.pct()), p.fo(), String.join(",", p.rua()));
    }

    /** The report domain: where the policy record was found. */
    public String domain() {
        return domain;
    }

    /** Where the domain asks reports sent ({@code rua=} of {@code policy_published}'s record). */
    public List<String> rua() {
        return published.rua();
    }

    /** {@code date_range}'s begin: the first second of {@code since}, UTC, in seconds since the epoch. */
    public long begin() {
        return since.toEpochSecond(java.time.LocalTime.MIDNIGHT, ZoneOffset.UTC);
    }

    /** {@code date_range}'s end: the last second of {@code until}, UTC. */
    public long end() {
        return until.plusDays(1).toEpochSecond(java.time.LocalTime.MIDNIGHT, ZoneOffset.UTC) - 1;
    }

    /** The same for the same domain and days, so that a report written again is recognised as the same one. */
    public String reportId() {
        return domain + "." + begin() + "." + end();
    }

    /** Messages in the report. */
    public long messages() {
        return rows.stream().mapToLong(Map.Entry::getValue).sum();
    }

    /**
     * RFC 7489 §7.2.1.1's file name: {@code receiver!policy-domain!begin!end.xml}, where the
     * receiver is the reporting organisation's domain.
     */
    public String fileName(String receiverDomain) {
        return receiverDomain + "!" + domain + "!" + begin() + "!" + end() + ".xml";
    }

    /** Writes the report as UTF-8 XML; {@code out} is left open. */
    public void writeTo(OutputStream out) throws IOException {
        try {
            XMLStreamWriter w = XMLOutputFactory.newFactory().createXMLStreamWriter(out, StandardCharsets.UTF_8.name());
            w.writeStartDocument(StandardCharsets.UTF_8.name(), "1.0");
            newline(w, 0);
            w.setDefaultNamespace(NAMESPACE);
            w.writeStartElement(NAMESPACE, "feedback");
            w.writeDefaultNamespace(NAMESPACE);
            text(w, 1, "version", VERSION);
            start(w, 1, "report_metadata");
            text(w, 2, "org_name", orgName);
            text(w, 2, "email", email);
            text(w, 2, "report_id", reportId());
            start(w, 2, "date_range");
            text(w, 3, "begin", Long.toString(begin()));
            text(w, 3, "end", Long.toString(end()));
            end(w, 2);
            end(w, 1);
            start(w, 1, "policy_published");
            text(w, 2, "domain", published.domain());
            text(w, 2, "adkim", published.adkim().keyword());
            text(w, 2, "aspf", published.aspf().keyword());
            text(w, 2, "p", published.p().keyword());
            text(w, 2, "sp", published.sp().keyword());
            text(w, 2, "pct", Integer.toString(published.pct()));
            text(w, 2, "fo", published.fo());
            end(w, 1);
            for (Map.Entry<DmarcReportRecord, Long> e : rows) {
                record(w, e.getKey(), e.getValue());
            }
            newline(w, 0);
            w.writeEndElement();
            newline(w, 0);
            w.writeEndDocument();
            w.flush();
            w.close();
        } catch (XMLStreamException e) {
            throw new IOException("writing the aggregate report of " + domain + ": " + e.getMessage(), e);
        }
    }

    private static void record(XMLStreamWriter w, DmarcReportRecord r, long count) throws XMLStreamException {
        start(w, 1, "record");
        start(w, 2, "row");
        text(w, 3, "source_ip", r.sourceIp());
        text(w, 3, "count", Long.toString(count));
        start(w, 3, "policy_evaluated");
        text(w, 4, "disposition", r.disposition().keyword());
        text(w, 4, "dkim", r.dkimAligned() ? "pass" : "fail");
        text(w, 4, "spf", r.spfAligned() ? "pass" : "fail");
        if (r.sampledOut()) {
            start(w, 4, "reason");
            text(w, 5, "type", "sampled_out");
            end(w, 4);
        }
        if (!r.override().isEmpty()) {
            start(w, 4, "reason");
            text(w, 5, "type", r.override());
            end(w, 4);
        }
        end(w, 3);
        end(w, 2);
        start(w, 2, "identifiers");
        if (!r.envelopeTo().isEmpty()) {
            text(w, 3, "envelope_to", r.envelopeTo());
        }
        text(w, 3, "envelope_from", r.envelopeFrom());
        text(w, 3, "header_from", r.headerFrom());
        end(w, 2);
        start(w, 2, "auth_results");
        for (DmarcReportRecord.DkimAuth d : r.dkim()) {
            start(w, 3, "dkim");
            text(w, 4, "domain", d.domain());
            if (!d.selector().isEmpty()) {
                text(w, 4, "selector", d.selector());
            }
            text(w, 4, "result", d.result().keyword());
            end(w, 3);
        }
        start(w, 3, "spf");
        text(w, 4, "domain", r.spf().domain());
        text(w, 4, "scope", r.spf().scope().keyword());
        text(w, 4, "result", r.spf().result().keyword());
        end(w, 3);
        end(w, 2);
        end(w, 1);
    }

    private static void start(XMLStreamWriter w, int depth, String name) throws XMLStreamException {
        newline(w, depth);
        w.writeStartElement(NAMESPACE, name);
    }

    private static void end(XMLStreamWriter w, int depth) throws XMLStreamException {
        newline(w, depth);
        w.writeEndElement();
    }

    private static void text(XMLStreamWriter w, int depth, String name, String value) throws XMLStreamException {
        newline(w, depth);
        w.writeStartElement(NAMESPACE, name);
        w.writeCharacters(xmlChars(value));
        w.writeEndElement();
    }

    private static void newline(XMLStreamWriter w, int depth) throws XMLStreamException {
        w.writeCharacters("\n" + "  ".repeat(depth));
    }

    /** XML 1.0 §2.2 Char: a control character (or a lone surrogate) cannot be written even escaped. */
    static String xmlChars(String s) {
        StringBuilder out = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean ok;
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                if (out != null) {
                    out.append(c).append(s.charAt(i + 1));
                }
                i++;
                continue;
            }
            ok = c == 0x9 || c == 0xA || c == 0xD || (c >= 0x20 && c <= 0xD7FF) || (c >= 0xE000 && c <= 0xFFFD);
            if (!ok && out == null) {
                out = new StringBuilder(s.length()).append(s, 0, i);
            }
            if (out != null) {
                out.append(ok ? c : '\uFFFD');
            }
        }
        return out == null ? s : out.toString();
    }
}
