package dev.gatekeeper.james.common;

import dev.gatekeeper.dns.LoopbackDnsServer;
import dev.gatekeeper.dns.ZoneFile;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import javax.mail.MessagingException;
import org.apache.james.server.core.MailImpl;
import org.apache.james.server.core.MimeMessageInputStreamSource;
import org.apache.mailet.Matcher;
import org.apache.mailet.base.test.FakeMail;
import org.apache.mailet.base.test.FakeMailContext;
import org.apache.mailet.base.test.FakeMatcherConfig;

/** Test helpers shared by the matcher tests (the mailets' tests use them too, through the test-jar). */
public final class Mails {

    /** SPF test zone: pass for 127.0.0.10, softfail, fail, and a HELO name. */
    public static final String ZONE = String.join("\n",
            "$ORIGIN gk.test.",
            "$TTL 60",
            "@ IN SOA ns.gk.test. hostmaster.gk.test. 1 3600 600 86400 60",
            "pass TXT \"v=spf1 ip4:127.0.0.10 -all\"",
            "soft TXT \"v=spf1 ip4:127.0.0.10 ~all\"",
            "fail TXT \"v=spf1 ip4:127.0.0.10 -all\"",
            "mta.pass TXT \"v=spf1 a -all\"",
            "mta.pass A 127.0.0.10",
            "");

    private Mails() {
    }

    public static LoopbackDnsServer dns() throws IOException {
        return LoopbackDnsServer.start(ZoneFile.parse(ZONE, "gk.test.zone"));
    }

    /** A mail as James's DATA handler makes it: its message source holds exactly these octets. */
    public static MailImpl jamesMail(byte[] octets) throws MessagingException {
        MailImpl mail = MailImpl.builder().name("m1").sender("alice@example.org").addRecipient("bob@example.net").build();
        mail.setMessageContent(MimeMessageInputStreamSource.create("m1", new ByteArrayInputStream(octets)));
        return mail;
    }

    public static FakeMail.Builder mail(String sender, String... recipients) throws MessagingException {
        return FakeMail.builder().name("m1").sender(sender).recipients(recipients);
    }

    public static <M extends Matcher> M init(M matcher, String name, String condition) throws MessagingException {
        matcher.init(FakeMatcherConfig.builder().matcherName(name).condition(condition)
                .mailetContext(FakeMailContext.defaultContext()).build());
        return matcher;
    }
}
