package dev.gatekeeper.dmarc;

import static dev.gatekeeper.dmarc.ReportMessages.FORGED;
import static dev.gatekeeper.dmarc.ReportMessages.REPORTING;
import static dev.gatekeeper.dmarc.ReportMessages.judge;
import static dev.gatekeeper.dmarc.ReportMessages.row;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatekeeper.dkim.Rfc8463Example;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.transform.stream.StreamSource;
import javax.xml.xpath.XPath;
import javax.xml.xpath.XPathFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;

/** The report's XML, validated against RFC 7489 Appendix C's schema and read back. */
class AggregateReportTest {

    private static final LocalDate DAY = LocalDate.parse("2026-12-04");

    private static byte[] xml(AggregateReport report) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        report.writeTo(out);
        return out.toByteArray();
    }

    private static Document validated(byte[] xml) throws Exception {
        ReportMessages.appendixC().newValidator().validate(new StreamSource(new ByteArrayInputStream(xml)));
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(false);
        return f.newDocumentBuilder().parse(new ByteArrayInputStream(xml));
    }

    private static String at(Document d, String path) throws Exception {
        XPath x = XPathFactory.newInstance().newXPath();
        return x.evaluate(path, d);
    }

    private static Map<DmarcReportRecord, Long> sample() throws Exception {
        Map<DmarcReportRecord, Long> rows = new LinkedHashMap<>();
        rows.put(row(judge(REPORTING, Rfc8463Example.MESSAGE), "192.0.2.1"), 3L);
        rows.put(row(judge(REPORTING, FORGED), "2001:db8::25"), 1L);
        // pct=50 and a sample of 99: the failing message was let through as quarantine, not rejected.
        MessageAuthentication sampled = judge("v=DMARC1; p=reject; pct=50; adkim=s; fo=1; rua=mailto:a@football.example.com",
                FORGED, SpfEvidence.none(), 99);
        rows.put(DmarcReportRecord.of(sampled, InetAddress.getByName("127.0.0.1"), "", "example.org",
                SpfAuthResult.helo("mx.example.net", "none")).orElseThrow(), 2L);
        return rows;
    }

    @Test
    void aReportOfPassFailAndSampledOutRowsIsValidAppendixCXml() throws Exception {
        AggregateReport report = AggregateReport.of("Example Receiver", "postmaster@example.org", "football.example.com", DAY, DAY,
                sample());
        Document d = validated(xml(report));

        assertThat(at(d, "/feedback/version")).isEqualTo("1.0");
        assertThat(at(d, "/feedback/report_metadata/org_name")).isEqualTo("Example Receiver");
        assertThat(at(d, "/feedback/report_metadata/report_id")).isEqualTo("football.example.com.1796342400.1796428799");
        assertThat(at(d, "/feedback/report_metadata/date_range/begin")).isEqualTo("1796342400"); // 2026-12-04T00:00:00Z
        assertThat(at(d, "/feedback/report_metadata/date_range/end")).isEqualTo("1796428799");
        // The record most messages were evaluated under (3 + 1 of 6).
        assertThat(at(d, "/feedback/policy_published/p")).isEqualTo("reject");
        assertThat(at(d, "/feedback/policy_published/sp")).isEqualTo("reject");
        assertThat(at(d, "/feedback/policy_published/pct")).isEqualTo("100");
        assertThat(at(d, "/feedback/policy_published/adkim")).isEqualTo("r");
        assertThat(at(d, "/feedback/policy_published/fo")).isEqualTo("0");
        assertThat(at(d, "count(/feedback/record)")).isEqualTo("3");

        String first = "/feedback/record[1]";
        assertThat(at(d, first + "/row/source_ip")).isEqualTo("192.0.2.1");
        assertThat(at(d, first + "/row/count")).isEqualTo("3");
        assertThat(at(d, first + "/row/policy_evaluated/disposition")).isEqualTo("none");
        assertThat(at(d, first + "/row/policy_evaluated/dkim")).isEqualTo("pass");
        assertThat(at(d, first + "/row/policy_evaluated/spf")).isEqualTo("fail");
        assertThat(at(d, first + "/identifiers/header_from")).isEqualTo("football.example.com");
        assertThat(at(d, first + "/identifiers/envelope_from")).isEqualTo("bounces.example.net");
        assertThat(at(d, "count(" + first + "/identifiers/envelope_to)")).isEqualTo("0");
        assertThat(at(d, "count(" + first + "/auth_results/dkim)")).isEqualTo("2");
        assertThat(at(d, first + "/auth_results/dkim[1]/selector")).isEqualTo("brisbane");
        assertThat(at(d, first + "/auth_results/dkim[1]/result")).isEqualTo("pass");
        assertThat(at(d, first + "/auth_results/spf/scope")).isEqualTo("mfrom");
        assertThat(at(d, first + "/auth_results/spf/result")).isEqualTo("softfail");

        String sampled = "/feedback/record[2]";
        assertThat(at(d, sampled + "/row/source_ip")).isEqualTo("127.0.0.1");
        assertThat(at(d, sampled + "/row/policy_evaluated/disposition")).isEqualTo("quarantine");
        assertThat(at(d, sampled + "/row/policy_evaluated/reason/type")).isEqualTo("sampled_out");
        assertThat(at(d, sampled + "/identifiers/envelope_to")).isEqualTo("example.org");
        assertThat(at(d, sampled + "/identifiers/envelope_from")).isEmpty();
        assertThat(at(d, sampled + "/auth_results/spf/scope")).isEqualTo("helo");

        String forged = "/feedback/record[3]";
        assertThat(at(d, forged + "/row/source_ip")).isEqualTo("2001:db8:0:0:0:0:0:25");
        assertThat(at(d, forged + "/row/policy_evaluated/disposition")).isEqualTo("reject");
        assertThat(at(d, forged + "/row/policy_evaluated/dkim")).isEqualTo("fail");
        assertThat(at(d, forged + "/auth_results/dkim[2]/result")).isEqualTo("fail");

        assertThat(report.messages()).isEqualTo(6);
        assertThat(report.rua()).containsExactly("mailto:dmarc-rua@football.example.com");
        assertThat(report.fileName("example.org")).isEqualTo("example.org!football.example.com!1796342400!1796428799.xml");
    }

    /**
     * RFC 7489 §7.2.1's override reasons: a forged message accepted because a trusted forwarder's
     * ARC pass vouched for it, one accepted by another rule of ours, one refused though DMARC asked
     * only for quarantine; each row keeps its reason through the store's text form.
     */
    @Test
    void whatTheReceiverDidInsteadIsReportedWithItsReason() throws Exception {
        DmarcReportRecord forged = row(judge(REPORTING, FORGED), "192.0.2.9");
        assertThat(forged.disposition()).isEqualTo(Policy.REJECT);
        DmarcReportRecord forwarded = forged.applied(Policy.NONE, true);
        DmarcReportRecord local = forged.applied(Policy.NONE, false);
        DmarcReportRecord asked = forged.applied(Policy.REJECT, true);
        assertThat(asked).isSameAs(forged);
        assertThat(forwarded.override()).isEqualTo(DmarcReportRecord.TRUSTED_FORWARDER);
        assertThat(local.override()).isEqualTo(DmarcReportRecord.LOCAL_POLICY);
        assertThat(forged.applied(Policy.QUARANTINE, false).applied(Policy.REJECT, true).override())
                .as("stricter than asked is never the forwarder's doing").isEqualTo(DmarcReportRecord.LOCAL_POLICY);
        assertThat(DmarcReportRecord.decode(forwarded.key())).contains(forwarded);

        Map<DmarcReportRecord, Long> rows = new LinkedHashMap<>();
        rows.put(forwarded, 2L);
        rows.put(local, 1L);
        Document d = validated(xml(AggregateReport.of("Example Receiver", "postmaster@example.org", "football.example.com", DAY, DAY,
                rows)));
        assertThat(at(d, "/feedback/record[1]/row/policy_evaluated/disposition")).isEqualTo("none");
        assertThat(at(d, "/feedback/record[1]/row/policy_evaluated/reason/type")).isEqualTo("trusted_forwarder");
        assertThat(at(d, "/feedback/record[2]/row/policy_evaluated/reason/type")).isEqualTo("local_policy");
    }

    @Test
    void markupAndControlCharactersInWhatTheReportQuotesStayText() throws Exception {
        AggregateReport report = AggregateReport.of("Ex <&> \"Receiver\" \u0001", "postmaster@example.org", "football.example.com",
                DAY, DAY.plusDays(2), sample());
        byte[] xml = xml(report);
        Document d = validated(xml);
        assertThat(at(d, "/feedback/report_metadata/org_name")).isEqualTo("Ex <&> \"Receiver\" \uFFFD");
        assertThat(new String(xml, StandardCharsets.UTF_8)).contains("Ex &lt;&amp;&gt;");
        assertThat(at(d, "/feedback/report_metadata/date_range/end")).isEqualTo(Long.toString(1796342400L + 3 * 86400 - 1));
    }

    @Test
    void theSchemaRefusesWhatAppendixCForbids() throws Exception {
        String valid = new String(xml(AggregateReport.of("R", "r@example.org", "football.example.com", DAY, DAY, sample())),
                StandardCharsets.UTF_8);
        for (String broken : new String[] {
            valid.replace("<disposition>none</disposition>", "<disposition>discard</disposition>"),
            valid.replace("<source_ip>192.0.2.1</source_ip>", "<source_ip>192.0.2.256</source_ip>"),
            valid.replaceFirst("<spf>\\s*<domain>bounces.example.net</domain>", "<spf><domain>x</domain><domain>y</domain>"),
            valid.replace("<version>1.0</version>", ""),
        }) {
            assertThatThrownBy(() -> ReportMessages.appendixC().newValidator()
                    .validate(new StreamSource(new ByteArrayInputStream(broken.getBytes(StandardCharsets.UTF_8)))))
                    .isInstanceOf(org.xml.sax.SAXException.class);
        }
    }

    @Test
    void aReportHoldsOneDomainsRowsOnly() throws Exception {
        Map<DmarcReportRecord, Long> rows = sample();
        assertThatThrownBy(() -> AggregateReport.of("R", "r@example.org", "example.com", DAY, DAY, rows))
                .hasMessageContaining("a row for football.example.com in the report of example.com");
        assertThatThrownBy(() -> AggregateReport.of("R", "r@example.org", "example.com", DAY, DAY, Map.of()))
                .hasMessageContaining("no rows");
    }
}
