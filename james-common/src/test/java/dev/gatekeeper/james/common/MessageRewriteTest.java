package dev.gatekeeper.james.common;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.apache.james.server.core.MailImpl;
import org.apache.james.server.core.MimeMessageInputStreamSource;
import org.apache.james.server.core.MimeMessageSource;
import org.apache.james.server.core.MimeMessageWrapper;
import org.junit.jupiter.api.Test;

/**
 * The prepend on James's own mail: octet for octet, unmodified afterwards, and held in memory only
 * below James's threshold (100 KiB unless {@code james.message.memory.threshold} says otherwise).
 */
class MessageRewriteTest {

    private static final String HEAD = "Subject: hello\r\nFrom: alice@example.org\r\n"
            + "Authentication-Results: mx.example.net; spf=pass\r\n\r\n";
    private static final List<String> TOP = List.of("Received-SPF: pass (mx.example.net: é)",
            "Authentication-Results: mx.example.net; spf=pass smtp.mailfrom=example.org");

    @Test
    void aSmallMessageKeepsItsOctetsBelowTheNewFieldsInMemory() throws Exception {
        String raw = HEAD + "body\r\n";
        MailImpl mail = jamesMail(raw);

        int forged = MessageRewrite.prepend(mail, TOP, Optional.empty());

        assertThat(forged).isZero();
        String expected = String.join("\r\n", TOP) + "\r\n" + raw;
        assertThat(octets(mail)).isEqualTo(expected);
        assertThat(mail.getMessageSize()).isEqualTo(expected.getBytes(StandardCharsets.UTF_8).length);
        assertThat(((MimeMessageWrapper) mail.getMessage()).isModified()).isFalse();
        assertThat(sourceOf(mail)).isInstanceOf(InMemoryMessageSource.class);
        // Read twice: the queue and each delivery read the source again.
        assertThat(octets(mail)).isEqualTo(expected);
        assertThat(mail.getMessage().getHeader("Subject", null)).isEqualTo("hello");
    }

    @Test
    void theForgedFieldLeavesAndTheCountSaysSo() throws Exception {
        MailImpl mail = jamesMail(HEAD + "body\r\n");

        int forged = MessageRewrite.prepend(mail, TOP,
                Optional.of(new ForgedAuthenticationResults("mx.example.net", ForgedAuthenticationResults.Handling.REMOVE)));

        assertThat(forged).isEqualTo(1);
        assertThat(octets(mail)).isEqualTo(String.join("\r\n", TOP) + "\r\n"
                + "Subject: hello\r\nFrom: alice@example.org\r\n\r\nbody\r\n");
        assertThat(sourceOf(mail)).isInstanceOf(InMemoryMessageSource.class);
    }

    @Test
    void aMessageAboveJamessThresholdGoesToJamessOwnSource() throws Exception {
        String raw = HEAD + "x".repeat(78).concat("\r\n").repeat((int) (InMemoryMessageSource.THRESHOLD / 80) + 1);
        MailImpl mail = jamesMail(raw);

        MessageRewrite.prepend(mail, TOP, Optional.empty());

        assertThat(sourceOf(mail)).isInstanceOf(MimeMessageInputStreamSource.class);
        assertThat(octets(mail)).isEqualTo(String.join("\r\n", TOP) + "\r\n" + raw);
    }

    @Test
    void octetsReadOnceBecomeTheNewMessageWithTheFieldsInTheRoomAboveThem() throws Exception {
        String raw = HEAD + "body\r\n";
        MailImpl mail = jamesMail(raw);
        ReceivedOctets received = ReceivedOctets.read(mail).orElseThrow();
        assertThat(new String(received.array(), received.offset(), received.length(), StandardCharsets.UTF_8)).isEqualTo(raw);

        int forged = MessageRewrite.prepend(received, TOP,
                Optional.of(new ForgedAuthenticationResults("mx.other.test", ForgedAuthenticationResults.Handling.REMOVE)));

        assertThat(forged).isZero();
        String expected = String.join("\r\n", TOP) + "\r\n" + raw;
        assertThat(octets(mail)).isEqualTo(expected);
        // Read twice: the queue and each delivery read the source again.
        assertThat(octets(mail)).isEqualTo(expected);
        assertThat(mail.getMessageSize()).isEqualTo(expected.getBytes(StandardCharsets.UTF_8).length);
        assertThat(((MimeMessageWrapper) mail.getMessage()).isModified()).isFalse();
        assertThat(mail.getMessage().getHeader("Subject", null)).isEqualTo("hello");
        // The same array: the message was not copied for its new fields.
        assertThat(arrayOf((InMemoryMessageSource) sourceOf(mail))).isSameAs(received.array());
    }

    @Test
    void aForgedFieldInOctetsReadOnceStillLeaves() throws Exception {
        MailImpl mail = jamesMail(HEAD + "body\r\n");
        ReceivedOctets received = ReceivedOctets.read(mail).orElseThrow();

        int forged = MessageRewrite.prepend(received, TOP,
                Optional.of(new ForgedAuthenticationResults("mx.example.net", ForgedAuthenticationResults.Handling.REMOVE)));

        assertThat(forged).isEqualTo(1);
        assertThat(octets(mail)).isEqualTo(String.join("\r\n", TOP) + "\r\n"
                + "Subject: hello\r\nFrom: alice@example.org\r\n\r\nbody\r\n");
    }

    @Test
    void fieldsLongerThanTheRoomGoOnACopy() throws Exception {
        String raw = HEAD + "body\r\n";
        MailImpl mail = jamesMail(raw);
        ReceivedOctets received = ReceivedOctets.read(mail).orElseThrow();
        List<String> top = List.of("Authentication-Results: mx.example.net; spf=pass;\r\n\t" + "x".repeat(ReceivedOctets.HEAD_ROOM));

        MessageRewrite.prepend(received, top, Optional.empty());

        assertThat(octets(mail)).isEqualTo(top.get(0) + "\r\n" + raw);
        assertThat(arrayOf((InMemoryMessageSource) sourceOf(mail))).isNotSameAs(received.array());
    }

    @Test
    void theRoomIsGivenOnceAndTheFirstMessageKeepsItsFields() throws Exception {
        String raw = HEAD + "body\r\n";
        MailImpl mail = jamesMail(raw);
        ReceivedOctets received = ReceivedOctets.read(mail).orElseThrow();
        MessageRewrite.prepend(received, List.of("X-First: 1"), Optional.empty());
        MimeMessageSource first = (MimeMessageSource) sourceOf(mail);

        MessageRewrite.prepend(received, List.of("X-Second: 2"), Optional.empty());

        assertThat(octets(mail)).isEqualTo("X-Second: 2\r\n" + raw);
        try (InputStream in = first.getInputStream()) {
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("X-First: 1\r\n" + raw);
        }
    }

    @Test
    void aLargeMessageOrAnotherMailIsStreamedAndAChangedOneIsReadAsJamesWouldStoreIt() throws Exception {
        String large = HEAD + "x".repeat(78).concat("\r\n").repeat((int) (InMemoryMessageSource.THRESHOLD / 80));
        assertThat(ReceivedOctets.read(jamesMail(large))).isEmpty();

        MailImpl changed = jamesMail(HEAD + "body\r\n");
        changed.getMessage().addHeader("X-Earlier-Hook", "yes");
        // James writes the changed header block above the body: what is read is what James would store.
        ReceivedOctets read = ReceivedOctets.read(changed).orElseThrow();
        assertThat(new String(read.array(), read.offset(), read.length(), StandardCharsets.UTF_8))
                .contains("X-Earlier-Hook: yes").endsWith("\r\n\r\nbody\r\n");

        assertThat(ReceivedOctets.read(Mails.mail("alice@example.org", "bob@example.net")
                .mimeMessage(jamesMail(HEAD + "body\r\n").getMessage()).build())).isEmpty();
    }

    @Test
    void theThresholdIsReadAsJamesReadsIt() {
        assertThat(InMemoryMessageSource.threshold(null)).isEqualTo(100 * 1024);
        assertThat(InMemoryMessageSource.threshold("2 MiB")).isEqualTo(2 * 1024 * 1024);
        assertThat(InMemoryMessageSource.threshold("4096")).isEqualTo(4096);
        assertThat(InMemoryMessageSource.threshold("lots")).isEqualTo(100 * 1024);
        assertThat(InMemoryMessageSource.threshold("4 GiB")).isEqualTo(Integer.MAX_VALUE - 8);
    }

    private static MailImpl jamesMail(String raw) throws Exception {
        return Mails.jamesMail(raw.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] arrayOf(InMemoryMessageSource source) throws Exception {
        java.lang.reflect.Field octets = InMemoryMessageSource.class.getDeclaredField("octets");
        octets.setAccessible(true);
        return (byte[]) octets.get(source);
    }

    private static Object sourceOf(MailImpl mail) throws Exception {
        java.lang.reflect.Field source = MimeMessageWrapper.class.getDeclaredField("source");
        source.setAccessible(true);
        return source.get(mail.getMessage());
    }

    private static String octets(MailImpl mail) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (InputStream in = MessageRewrite.receivedOctets(mail)) {
            in.transferTo(out);
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
