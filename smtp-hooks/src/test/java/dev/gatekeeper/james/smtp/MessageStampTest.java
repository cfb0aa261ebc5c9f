package dev.gatekeeper.james.smtp;

import dev.gatekeeper.dkim.DkimSettings;
import dev.gatekeeper.dkim.DkimVerifier;
import dev.gatekeeper.dkim.Rfc8463Example;
import dev.gatekeeper.dmarc.DmarcEvaluator;
import dev.gatekeeper.dmarc.DmarcReportRecord;
import dev.gatekeeper.dmarc.DmarcReportStore;
import dev.gatekeeper.dmarc.MessageAuthentication;
import dev.gatekeeper.dmarc.MessageAuthenticator;
import dev.gatekeeper.dmarc.SpfEvidence;
import dev.gatekeeper.dns.MutableClock;
import dev.gatekeeper.dns.TxtRecord;
import dev.gatekeeper.dns.ZoneResolver;
import dev.gatekeeper.james.common.GatekeeperAttributes;
import dev.gatekeeper.state.SharedState;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatekeeper.dns.ZoneFile;
import dev.gatekeeper.james.common.ForgedAuthenticationResults;
import dev.gatekeeper.james.common.ReceivedOctets;
import dev.gatekeeper.spf.SpfEvaluator;
import dev.gatekeeper.spf.SpfVerdict;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import javax.mail.Session;
import javax.mail.internet.MimeMessage;
import org.apache.james.server.core.MailImpl;
import org.apache.james.server.core.MimeMessageInputStreamSource;
import org.apache.james.server.core.MimeMessageWrapper;
import org.apache.mailet.Mail;
import org.apache.mailet.base.test.FakeMail;
import org.junit.jupiter.api.Test;

class MessageStampTest {

    /** As received: folded header, 8-bit body, no Date header (javax.mail would add one on saveChanges). */
    private static final String RECEIVED = "Received: from client.example.org ([192.0.2.7])\r\n"
            + "\tby mx.example.net; Sun, 29 Nov 2026 06:00:00 +0000\r\n"
            + "Subject: =?UTF-8?Q?caf=C3=A9?=\r\n"
            + "From: alice@example.org\r\n"
            + "\r\n"
            + "Body line one.\r\n"
            + "Caf\u00e9 in 8 bits, kept as it came.\r\n";

    private final SpfVerdict pass = passFor("alice@example.org");

    @Test
    void jamesMailGetsTheHeadersOnTopAndEveryReceivedOctetUnchanged() throws Exception {
        MailImpl mail = jamesMail(RECEIVED);

        stamp(mail, Optional.empty());

        String written = written(mail.getMessage());
        List<String> lines = written.lines().collect(Collectors.toList());
        assertThat(lines.get(0)).startsWith("Received-SPF: pass ").contains("client-ip=192.0.2.7");
        assertThat(lines.get(1)).startsWith("Authentication-Results: mx.example.net; spf=pass")
                .contains("smtp.mailfrom=alice@example.org");
        assertThat(written.substring(written.indexOf("\r\n", written.indexOf("Authentication-Results")) + 2))
                .isEqualTo(RECEIVED);
        // Unmodified for James: later writes stream the source, no javax.mail re-serialisation.
        assertThat(((MimeMessageWrapper) mail.getMessage()).isModified()).isFalse();
        assertThat(mail.getMessage().getHeader("Received-SPF")).hasSize(1);
        assertThat(mail.getMessage().getHeader("Date")).isNull();
        assertThat(mail.getMessageSize()).isEqualTo(written.getBytes(StandardCharsets.UTF_8).length);
        mail.dispose();
    }

    @Test
    void aHeaderAnEarlierHookAddedThroughTheApiIsKept() throws Exception {
        MailImpl mail = jamesMail(RECEIVED);
        mail.getMessage().addHeader("X-Earlier-Hook", "yes");

        stamp(mail, Optional.empty());

        String written = written(mail.getMessage());
        assertThat(written).startsWith("Received-SPF: pass ");
        assertThat(mail.getMessage().getHeader("X-Earlier-Hook")).containsExactly("yes");
        assertThat(written).endsWith("\r\n\r\nBody line one.\r\nCaf\u00e9 in 8 bits, kept as it came.\r\n");
        mail.dispose();
    }

    @Test
    void otherMailsGetTheHeaderBlockRebuiltWithOursFirst() throws Exception {
        MimeMessage message = new MimeMessage(Session.getDefaultInstance(System.getProperties()),
                new ByteArrayInputStream(RECEIVED.getBytes(StandardCharsets.UTF_8)));
        FakeMail mail = FakeMail.builder().name("m1").mimeMessage(message).build();

        stamp(mail, Optional.empty());

        List<String> names = Collections.list(mail.getMessage().getAllHeaderLines()).stream()
                .map(l -> l.substring(0, l.indexOf(':'))).collect(Collectors.toList());
        assertThat(names).containsExactly("Received-SPF", "Authentication-Results", "Received", "Subject", "From");
    }

    /** The headers a client wrote: one in our name (folded), one of another authserv-id. */
    private static final String FORGED = "Authentication-Results: mx.example.net;\r\n"
            + "\tspf=pass smtp.mailfrom=alice@example.org\r\n";
    private static final String FOREIGN = "Authentication-Results: other.example.com; dkim=pass header.d=example.org\r\n";
    private static final String WITH_FORGED = FORGED + FOREIGN + RECEIVED;

    @Test
    void anOutsideClientsFieldInOurNameGoesBeforeOursIsAdded() throws Exception {
        MailImpl mail = jamesMail(WITH_FORGED);

        int removed = stamp(mail, Optional.of(new ForgedAuthenticationResults("mx.example.net", ForgedAuthenticationResults.Handling.REMOVE)));

        assertThat(removed).isEqualTo(1);
        String written = written(mail.getMessage());
        String ours = written.substring(0, written.indexOf("\r\n", written.indexOf("Authentication-Results")) + 2);
        assertThat(ours).startsWith("Received-SPF: pass ");
        assertThat(written.substring(ours.length())).isEqualTo(FOREIGN + RECEIVED);
        assertThat(mail.getMessage().getHeader("Authentication-Results")).containsExactly(
                "mx.example.net; spf=pass smtp.mailfrom=alice@example.org",
                "other.example.com; dkim=pass header.d=example.org");
        assertThat(((MimeMessageWrapper) mail.getMessage()).isModified()).isFalse();
        mail.dispose();
    }

    @Test
    void renamedItStaysForForensics() throws Exception {
        MailImpl mail = jamesMail(WITH_FORGED);

        stamp(mail, Optional.of(new ForgedAuthenticationResults("mx.example.net", ForgedAuthenticationResults.Handling.RENAME)));

        String written = written(mail.getMessage());
        assertThat(written).endsWith("\r\nX-Gatekeeper-Forged-Authentication-Results: mx.example.net;\r\n"
                + "\tspf=pass smtp.mailfrom=alice@example.org\r\n" + FOREIGN + RECEIVED);
        assertThat(mail.getMessage().getHeader("Authentication-Results")).hasSize(2);
        mail.dispose();
    }

    @Test
    void anInsideClientsFieldsStayAsTheyAre() throws Exception {
        MailImpl mail = jamesMail(WITH_FORGED);

        assertThat(stamp(mail, Optional.empty())).isZero();

        assertThat(written(mail.getMessage())).endsWith("\r\n" + WITH_FORGED);
        assertThat(mail.getMessage().getHeader("Authentication-Results")).hasSize(3);
        mail.dispose();
    }

    @Test
    void otherMailsLoseTheForgedLineInTheRebuiltBlock() throws Exception {
        MimeMessage message = new MimeMessage(Session.getDefaultInstance(System.getProperties()),
                new ByteArrayInputStream(WITH_FORGED.getBytes(StandardCharsets.UTF_8)));
        FakeMail mail = FakeMail.builder().name("m1").mimeMessage(message).build();

        stamp(mail, Optional.of(new ForgedAuthenticationResults("mx.example.net", ForgedAuthenticationResults.Handling.REMOVE)));

        List<String> names = Collections.list(mail.getMessage().getAllHeaderLines()).stream()
                .map(l -> l.substring(0, l.indexOf(':'))).collect(Collectors.toList());
        assertThat(names).containsExactly("Received-SPF", "Authentication-Results", "Authentication-Results", "Received",
                "Subject", "From");
        assertThat(mail.getMessage().getHeader("Authentication-Results")[1]).startsWith("other.example.com;");
    }

    /**
     * DKIM reads James's stored octets, as received: RFC 8463's example, signed twice, verifies
     * through a real MailImpl, and its results become one folded Authentication-Results field
     * under SPF's, above the untouched signed message.
     */
    @Test
    void dkimAndDmarcVerifyTheReceivedOctetsAndJoinSpfInOneField() throws Exception {
        ZoneResolver zone = Rfc8463Example.zone().add("_dmarc.football.example.com", TxtRecord.of("v=DMARC1; p=reject")).build();
        MessageAuthenticator authenticator = new MessageAuthenticator(
                new DkimVerifier(zone, DkimSettings.builder().clock(Rfc8463Example.CLOCK).build()), DmarcEvaluator.builder(zone).build());
        MailImpl mail = jamesMail(Rfc8463Example.MESSAGE);
        // As the handler does: read once, verified where it lies, the fields put in the room above it.
        Optional<ReceivedOctets> received = MessageStamp.readOnce("s1", mail);
        assertThat(received).isPresent();

        MessageAuthentication verified = MessageStamp.authenticate(authenticator, mail, received,
                CompletableFuture.completedFuture(SpfEvidence.none())).toCompletableFuture().get(10, TimeUnit.SECONDS);
        MessageStamp.prependHeaders(mail, received, "mx.example.net", "mx.example.net", pass, verified, Optional.empty());
        MessageStamp.setAttributes(mail, verified);

        String written = written(mail.getMessage());
        assertThat(written).startsWith("Received-SPF: pass ");
        String field = written.substring(written.indexOf("Authentication-Results:"), written.indexOf("DKIM-Signature:"));
        assertThat(field.split("\r\n\t")).hasSize(5);
        assertThat(field).contains("; spf=pass", ";\r\n\tdkim=pass header.d=football.example.com header.s=brisbane",
                ";\r\n\tdkim=pass header.d=football.example.com header.s=test",
                ";\r\n\tarc=none;\r\n\tdmarc=pass (p=reject dis=none) header.from=football.example.com\r\n");
        assertThat(written).endsWith(Rfc8463Example.MESSAGE);
        assertThat(mail.getMessage().getHeader("Authentication-Results")).hasSize(1);
        assertThat(GatekeeperAttributes.strings(mail, GatekeeperAttributes.DKIM_RESULTS)).hasSize(2);
        assertThat(GatekeeperAttributes.string(mail, GatekeeperAttributes.DMARC_RESULT)).contains("pass");
        assertThat(GatekeeperAttributes.string(mail, GatekeeperAttributes.DMARC_POLICY)).contains("none");
        assertThat(GatekeeperAttributes.string(mail, GatekeeperAttributes.DMARC_DOMAIN)).contains("football.example.com");
        mail.dispose();
    }

    /** The end of DATA counts a message for the aggregate report of its record's domain, only when the record has rua=. */
    @Test
    void aVerifiedMessageIsCountedForTheReportOnlyWhenItsRecordAsksForReports() throws Exception {
        MutableClock clock = new MutableClock(Instant.parse("2026-12-04T12:00:00Z"));
        DmarcReportStore reports = new DmarcReportStore(SharedState.local(clock, 100), clock);
        LocalDate day = LocalDate.parse("2026-12-04");
        for (String record : new String[] {"v=DMARC1; p=reject", "v=DMARC1; p=reject; rua=mailto:r@football.example.com"}) {
            ZoneResolver zone = Rfc8463Example.zone().add("_dmarc.football.example.com", TxtRecord.of(record)).build();
            MessageAuthenticator authenticator = new MessageAuthenticator(
                    new DkimVerifier(zone, DkimSettings.builder().clock(Rfc8463Example.CLOCK).build()), DmarcEvaluator.builder(zone).build());
            MailImpl mail = jamesMail(Rfc8463Example.MESSAGE);
            MessageAuthentication verified = MessageStamp.authenticate(authenticator, mail, MessageStamp.readOnce("s1", mail),
                    CompletableFuture.completedFuture(SpfEvidence.none())).toCompletableFuture().get(10, TimeUnit.SECONDS);
            MessageStamp.countForReports(reports, "s1", InetAddress.getByName("127.0.0.1"), mail, pass, verified,
                    MessageStamp.appliedWhenAccepted(verified));
            mail.dispose();
        }
        Map<DmarcReportRecord, Long> rows = reports.rows("football.example.com", day, day)
                .toCompletableFuture().get(5, TimeUnit.SECONDS);
        assertThat(rows).hasSize(1).containsValue(1L);
        DmarcReportRecord row = rows.keySet().iterator().next();
        assertThat(row.sourceIp()).isEqualTo("127.0.0.1");
        assertThat(row.envelopeFrom()).isEqualTo("example.org");
        assertThat(row.headerFrom()).isEqualTo("football.example.com");
        assertThat(row.spf().result().keyword()).isEqualTo("pass");
        assertThat(row.spf().scope().keyword()).isEqualTo("mfrom");
        assertThat(row.dkim()).hasSize(2);
        assertThat(row.published().rua()).containsExactly("mailto:r@football.example.com");
        assertThat(row.override()).as("a pass was treated as DMARC asked").isEmpty();
    }

    /** What an accepted message's disposition became: a reject was not done, a quarantine is the pipeline's. */
    @Test
    void anAcceptedMessageWasNotRejectedWhateverDmarcAsked() throws Exception {
        ZoneResolver zone = Rfc8463Example.zone()
                .add("_dmarc.football.example.com", TxtRecord.of("v=DMARC1; p=reject; rua=mailto:r@football.example.com")).build();
        MessageAuthenticator authenticator = new MessageAuthenticator(
                new DkimVerifier(zone, DkimSettings.builder().clock(Rfc8463Example.CLOCK).build()), DmarcEvaluator.builder(zone).build());
        MailImpl mail = jamesMail(Rfc8463Example.MESSAGE.replace("We lost", "We won"));
        // Streamed, as a message above James's memory threshold is.
        MessageAuthentication forged = MessageStamp.authenticate(authenticator, mail, Optional.empty(),
                CompletableFuture.completedFuture(SpfEvidence.none())).toCompletableFuture().get(10, TimeUnit.SECONDS);
        mail.dispose();
        assertThat(forged.dmarc().disposition().keyword()).isEqualTo("reject");
        assertThat(MessageStamp.appliedWhenAccepted(forged).keyword()).isEqualTo("none");
    }

    /** The SPF fields on top, as the handler puts them: over the octets read once when James's mail allows. */
    private int stamp(Mail mail, Optional<ForgedAuthenticationResults> forged) throws Exception {
        return MessageStamp.prependHeaders(mail, MessageStamp.readOnce("s1", mail), "mx.example.net", "mx.example.net", pass, null,
                forged);
    }

    private static MailImpl jamesMail(String raw) throws Exception {
        MailImpl mail = MailImpl.builder().name("m1").sender("alice@example.org").addRecipient("bob@example.net").build();
        mail.setMessageContent(MimeMessageInputStreamSource.create("m1",
                new ByteArrayInputStream(raw.getBytes(StandardCharsets.UTF_8))));
        return mail;
    }

    private static String written(MimeMessage message) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        message.writeTo(out);
        return out.toString(StandardCharsets.UTF_8);
    }

    private static SpfVerdict passFor(String sender) {
        try {
            return new SpfEvaluator(ZoneFile.parse("example.org. 300 IN TXT \"v=spf1 ip4:192.0.2.0/24 -all\"\n", "test")
                    .resolver()).checkMailFromBlocking(InetAddress.getByName("192.0.2.7"), "client.example.org", sender);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
