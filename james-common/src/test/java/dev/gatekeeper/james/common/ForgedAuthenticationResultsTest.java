package dev.gatekeeper.james.common;

import static dev.gatekeeper.james.common.ForgedAuthenticationResults.Handling.REMOVE;
import static dev.gatekeeper.james.common.ForgedAuthenticationResults.Handling.RENAME;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.List;
import javax.mail.Session;
import javax.mail.internet.MimeMessage;
import org.apache.james.server.core.MailImpl;
import org.apache.james.server.core.MimeMessageWrapper;
import org.apache.mailet.base.test.FakeMail;
import org.junit.jupiter.api.Test;

/**
 * RFC 8601 §5 on whole messages, octet for octet (ISO-8859-1 strings, so that each char is one
 * octet and 8-bit bodies compare exactly). Ours is {@code mx.example.net}.
 */
class ForgedAuthenticationResultsTest {

    private static final String OURS = "mx.example.net";

    private static final String RECEIVED = "Received: from client.example.org ([192.0.2.7])\r\n"
            + "\tby relay.example.org; Sun, 29 Nov 2026 06:00:00 +0000\r\n";
    private static final String FOREIGN = "Authentication-Results: other.example.com;\r\n"
            + "\tdkim=pass header.d=example.org\r\n";
    /** Ours, folded over three lines, in another case, with nested comments and a version. */
    private static final String FORGED_FOLDED = "authentication-results: (forged (nested))\r\n"
            + "  MX.Example.NET 1;\r\n"
            + "\tspf=pass smtp.mailfrom=alice@example.org\r\n";
    /** Ours as a quoted-string, with the obsolete white space before the colon (RFC 5322 §4.5.8). */
    private static final String FORGED_QUOTED = "Authentication-Results : \"mx.example.net\"; dkim=pass\r\n";
    private static final String LOOK_ALIKES = "Authentication-Results: mx.example.net.evil; spf=pass\r\n"
            + "Authentication-Results: evil.mx.example.net; spf=pass\r\n";
    private static final String NOT_OURS = "X-Authentication-Results: mx.example.net; spf=pass\r\n"
            + "ARC-Authentication-Results: i=1; mx.example.net; spf=pass\r\n"
            + "Authentication-Results: (unclosed mx.example.net; spf=pass\r\n"
            + "Authentication-Results:\r\n";
    private static final String REST_OF_HEADER = "Subject: =?UTF-8?Q?caf=C3=A9?=\r\nFrom: alice@example.org\r\n";
    /** A header line in the body is text, never a field. */
    private static final String BODY = "\r\nAuthentication-Results: mx.example.net; spf=pass\r\n"
            + "Caf\u00e9 in 8 bits, kept as it came.\r\n";

    private static final String RECEIVED_MESSAGE = RECEIVED + FOREIGN + FORGED_FOLDED + LOOK_ALIKES + FORGED_QUOTED
            + NOT_OURS + REST_OF_HEADER + BODY;
    private static final String WITHOUT_FORGED = RECEIVED + FOREIGN + LOOK_ALIKES + NOT_OURS + REST_OF_HEADER + BODY;

    @Test
    void removeLeavesOutOurFieldsAndKeepsEveryOtherOctet() throws Exception {
        assertThat(filtered(RECEIVED_MESSAGE, REMOVE, 8192)).isEqualTo(WITHOUT_FORGED);
        assertThat(count(RECEIVED_MESSAGE, REMOVE)).isEqualTo(2);
    }

    @Test
    void renameKeepsTheirBodiesUnderAnotherName() throws Exception {
        assertThat(filtered(RECEIVED_MESSAGE, RENAME, 8192)).isEqualTo(RECEIVED + FOREIGN
                + "X-Gatekeeper-Forged-Authentication-Results: (forged (nested))\r\n"
                + "  MX.Example.NET 1;\r\n"
                + "\tspf=pass smtp.mailfrom=alice@example.org\r\n"
                + LOOK_ALIKES
                + "X-Gatekeeper-Forged-Authentication-Results : \"mx.example.net\"; dkim=pass\r\n"
                + NOT_OURS + REST_OF_HEADER + BODY);
        assertThat(count(RECEIVED_MESSAGE, RENAME)).isEqualTo(2);
    }

    @Test
    void theSameWhateverSizesTheOctetsArriveIn() throws Exception {
        for (int chunk = 1; chunk <= 40; chunk++) {
            assertThat(filtered(RECEIVED_MESSAGE, REMOVE, chunk)).as("chunks of %d", chunk).isEqualTo(WITHOUT_FORGED);
        }
    }

    @Test
    void aMessageWithoutForgedFieldsIsCopiedAsItIs() throws Exception {
        assertThat(filtered(WITHOUT_FORGED, REMOVE, 8192)).isEqualTo(WITHOUT_FORGED);
        assertThat(count(WITHOUT_FORGED, REMOVE)).isZero();
        String headerOnly = "From: a@example.org\r\nSubject: no body";
        assertThat(filtered(headerOnly, REMOVE, 3)).isEqualTo(headerOnly);
    }

    @Test
    void bareLineFeedsAndAHeaderSectionThatEndsWithoutAnEmptyLine() throws Exception {
        assertThat(filtered("From: a@example.org\nAuthentication-Results: mx.example.net;\n spf=pass\nSubject: x\n\nbody\n",
                REMOVE, 5)).isEqualTo("From: a@example.org\nSubject: x\n\nbody\n");
        assertThat(filtered("From: a@example.org\r\nAuthentication-Results: mx.example.net; spf=pass", REMOVE, 7))
                .isEqualTo("From: a@example.org\r\n");
        assertThat(filtered("Authentication-Results: mx.example.net; spf=pass\r\n", RENAME, 1))
                .isEqualTo("X-Gatekeeper-Forged-Authentication-Results: mx.example.net; spf=pass\r\n");
    }

    @Test
    void jamesMailGetsANewSourceOnlyWhenSomethingIsForged() throws Exception {
        MailImpl clean = jamesMail(WITHOUT_FORGED);
        MimeMessage before = clean.getMessage();
        assertThat(new ForgedAuthenticationResults(OURS, REMOVE).apply(clean)).isZero();
        assertThat(clean.getMessage()).isSameAs(before);
        clean.dispose();

        MailImpl mail = jamesMail(RECEIVED_MESSAGE);
        assertThat(new ForgedAuthenticationResults(OURS, REMOVE).apply(mail)).isEqualTo(2);
        assertThat(written(mail.getMessage())).isEqualTo(WITHOUT_FORGED);
        assertThat(((MimeMessageWrapper) mail.getMessage()).isModified()).isFalse();
        mail.dispose();
    }

    @Test
    void otherMailsGetTheirHeaderBlockRebuilt() throws Exception {
        FakeMail mail = FakeMail.builder().name("m1").mimeMessage(mimeMessage(RECEIVED_MESSAGE)).build();
        assertThat(new ForgedAuthenticationResults(OURS, RENAME).apply(mail)).isEqualTo(2);
        List<String> lines = Collections.list(mail.getMessage().getAllHeaderLines());
        assertThat(lines).contains("X-Gatekeeper-Forged-Authentication-Results : \"mx.example.net\"; dkim=pass",
                "Authentication-Results: other.example.com;\r\n\tdkim=pass header.d=example.org");
        assertThat(lines).noneMatch(l -> l.startsWith("authentication-results: (forged"));
        assertThat(mail.getMessage().getHeader("Authentication-Results")).hasSize(5);
        assertThat(mail.getMessage().getHeader(ForgedAuthenticationResults.RENAMED)).hasSize(2);
    }

    @Test
    void handlingWords() {
        assertThat(ForgedAuthenticationResults.Handling.parse(" Rename ")).isEqualTo(RENAME);
        assertThat(ForgedAuthenticationResults.Handling.parse("remove")).isEqualTo(REMOVE);
        assertThatThrownBy(() -> ForgedAuthenticationResults.Handling.parse("drop"))
                .hasMessage("'drop' is neither remove nor rename");
    }

    private static String filtered(String message, ForgedAuthenticationResults.Handling handling, int chunk) throws Exception {
        return run(message, handling, chunk).toString(StandardCharsets.ISO_8859_1);
    }

    private static int count(String message, ForgedAuthenticationResults.Handling handling) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ForgedAuthenticationResults.HeaderSectionFilter filter = new ForgedAuthenticationResults(OURS, handling).filter(out);
        filter.write(message.getBytes(StandardCharsets.ISO_8859_1));
        filter.finish();
        return filter.count();
    }

    private static ByteArrayOutputStream run(String message, ForgedAuthenticationResults.Handling handling, int chunk)
            throws Exception {
        byte[] octets = message.getBytes(StandardCharsets.ISO_8859_1);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ForgedAuthenticationResults.HeaderSectionFilter filter = new ForgedAuthenticationResults(OURS, handling).filter(out);
        for (int i = 0; i < octets.length; i += chunk) {
            if (chunk == 1) {
                filter.write(octets[i]);
            } else {
                filter.write(octets, i, Math.min(chunk, octets.length - i));
            }
        }
        filter.finish();
        return out;
    }

    private static MailImpl jamesMail(String raw) throws Exception {
        return Mails.jamesMail(raw.getBytes(StandardCharsets.ISO_8859_1));
    }

    private static MimeMessage mimeMessage(String raw) throws Exception {
        return new MimeMessage(Session.getDefaultInstance(System.getProperties()),
                new ByteArrayInputStream(raw.getBytes(StandardCharsets.ISO_8859_1)));
    }

    private static String written(MimeMessage message) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        message.writeTo(out);
        return out.toString(StandardCharsets.ISO_8859_1);
    }
}
