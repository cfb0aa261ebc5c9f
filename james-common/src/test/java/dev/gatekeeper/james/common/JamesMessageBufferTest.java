package dev.gatekeeper.james.common;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.apache.james.server.core.MailImpl;
import org.apache.james.server.core.MimeMessageInputStreamSource;
import org.apache.james.server.core.MimeMessageWrapper;
import org.junit.jupiter.api.Test;

/**
 * The received octets taken from James's own buffer: on James's own mail as its DATA handler makes
 * it (this test runs against James 3.8.1 and, in mailet-tests-james-3.9, against 3.9.0), octet for
 * octet, and never for a message that is no longer what was received.
 */
class JamesMessageBufferTest {

    private static final byte[] RAW = ("Subject: hello\r\nFrom: alice@example.org\r\n\r\nbody\r\n")
            .getBytes(StandardCharsets.US_ASCII);

    @Test
    void jamesOwnReceivedMessageIsWrittenFromItsBuffer() throws Exception {
        MailImpl mail = Mails.jamesMail(RAW);
        byte[] into = new byte[10 + RAW.length];

        int written = JamesMessageBuffer.writeInto(mail.getMessage(), into, 10, RAW.length);

        assertThat(written).isEqualTo(RAW.length);
        assertThat(Arrays.copyOfRange(into, 10, 10 + RAW.length)).isEqualTo(RAW);
        assertThat(Arrays.copyOfRange(into, 0, 10)).containsOnly(0);
        // Written, not taken: the message reads as before.
        assertThat(MessageRewrite.receivedOctets(mail).readAllBytes()).isEqualTo(RAW);
    }

    @Test
    void moreOctetsThanTheRoomAreNotWrittenPastIt() throws Exception {
        MailImpl mail = Mails.jamesMail(RAW);
        byte[] into = new byte[RAW.length];

        int written = JamesMessageBuffer.writeInto(mail.getMessage(), into, 0, RAW.length - 1);

        assertThat(written).isEqualTo(RAW.length);
        assertThat(into[RAW.length - 1]).isZero();
    }

    @Test
    void aMessageChangedSinceItWasReceivedIsNotTakenFromTheBuffer() throws Exception {
        MailImpl mail = Mails.jamesMail(RAW);
        mail.getMessage().addHeader("X-Earlier-Hook", "yes");

        assertThat(JamesMessageBuffer.writeInto(mail.getMessage(), new byte[1024], 0, 1024)).isEqualTo(-1);
    }

    @Test
    void aMessageJamesKeepsInAFileIsNotTakenFromTheBuffer() throws Exception {
        byte[] large = new byte[(int) InMemoryMessageSource.THRESHOLD + 1];
        Arrays.fill(large, (byte) 'x');
        MimeMessageWrapper message = new MimeMessageWrapper(MimeMessageInputStreamSource.create("m2", new ByteArrayInputStream(large)));
        try {
            assertThat(JamesMessageBuffer.writeInto(message, new byte[large.length], 0, large.length)).isEqualTo(-1);
        } finally {
            message.dispose();
        }
    }

    @Test
    void receivedOctetsComeFromTheBufferWithTheRoomAboveThem() throws Exception {
        MailImpl mail = Mails.jamesMail(RAW);

        ReceivedOctets received = ReceivedOctets.read(mail).orElseThrow();

        assertThat(received.length()).isEqualTo(RAW.length);
        assertThat(Arrays.copyOfRange(received.array(), received.offset(), received.offset() + received.length())).isEqualTo(RAW);
    }
}
