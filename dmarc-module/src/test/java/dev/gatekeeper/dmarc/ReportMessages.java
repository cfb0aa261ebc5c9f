package dev.gatekeeper.dmarc;

import dev.gatekeeper.dkim.DkimSettings;
import dev.gatekeeper.dkim.DkimVerifier;
import dev.gatekeeper.dkim.Rfc8463Example;
import dev.gatekeeper.dns.TxtRecord;
import dev.gatekeeper.dns.ZoneResolver;
import java.io.ByteArrayInputStream;
import java.net.InetAddress;
import java.util.concurrent.TimeUnit;
import javax.xml.XMLConstants;
import javax.xml.transform.stream.StreamSource;
import javax.xml.validation.Schema;
import javax.xml.validation.SchemaFactory;

/**
 * Messages judged for the report tests: RFC 8463 Appendix A's message (signed by
 * football.example.com with Ed25519 and RSA) through the real DKIM verifier and DMARC evaluator,
 * under a DMARC record of the test's choice; and the Appendix C schema to validate reports with.
 */
final class ReportMessages {

    static final String DOMAIN = "football.example.com";
    static final String REPORTING = "v=DMARC1; p=reject; rua=mailto:dmarc-rua@football.example.com";
    static final String FORGED = Rfc8463Example.MESSAGE.replace("We lost the game.", "We won the game.");
    static final String UNSIGNED = Rfc8463Example.HEADERS + "\r\n" + Rfc8463Example.BODY;

    private ReportMessages() {
    }

    /** The message judged under {@code record} at {@code _dmarc.football.example.com}; {@code sample} drives pct. */
    static MessageAuthentication judge(String record, String message, SpfEvidence spf, int sample) throws Exception {
        ZoneResolver zone = Rfc8463Example.zone().add("_dmarc." + DOMAIN, TxtRecord.of(record)).build();
        MessageAuthenticator authenticator = new MessageAuthenticator(
                new DkimVerifier(zone, DkimSettings.builder().clock(Rfc8463Example.CLOCK).build()),
                DmarcEvaluator.builder(zone).sampler(() -> sample).build());
        return authenticator.authenticate(new ByteArrayInputStream(Rfc8463Example.bytes(message)), spf)
                .toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    static MessageAuthentication judge(String record, String message) throws Exception {
        return judge(record, message, SpfEvidence.of("bounces.example.net", "softfail"), 0);
    }

    static DmarcReportRecord row(MessageAuthentication m, String ip) throws Exception {
        return DmarcReportRecord.of(m, InetAddress.getByName(ip), "bounces.example.net", "",
                SpfAuthResult.mailFrom("bounces.example.net", "softfail")).orElseThrow();
    }

    /** RFC 7489 Appendix C's schema, as src/test/resources writes it out. */
    static Schema appendixC() throws Exception {
        SchemaFactory f = SchemaFactory.newInstance(XMLConstants.W3C_XML_SCHEMA_NS_URI);
        return f.newSchema(new StreamSource(ReportMessages.class.getResource("rfc7489-aggregate-report.xsd").toExternalForm()));
    }
}
