package dev.gatekeeper.james.matchers;

import static dev.gatekeeper.james.common.Mails.init;
import static dev.gatekeeper.james.common.Mails.mail;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import org.apache.james.core.MailAddress;
import org.apache.james.core.MaybeSender;
import org.apache.mailet.base.test.FakeMail;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TableMatchersTest {

    @TempDir
    Path dir;

    private Path write(String name, String content) throws Exception {
        Path p = dir.resolve(name);
        Files.writeString(p, content);
        return p;
    }

    @Test
    void remoteAddressInCidrTable() throws Exception {
        Path f = write("clients.cidr", "127.0.0.7 DUNNO\n127.0.0.0/24\n");
        RemoteAddrInTable m = init(new RemoteAddrInTable(), "RemoteAddrInTable", "file://" + f);
        assertThat(m.match(mail("a@x.example", "r@gatekeeper.test").remoteAddr("127.0.0.8").build())).hasSize(1);
        assertThat(m.match(mail("a@x.example", "r@gatekeeper.test").remoteAddr("127.0.0.7").build())).as("DUNNO").isNull();
        assertThat(m.match(mail("a@x.example", "r@gatekeeper.test").remoteAddr("127.0.1.1").build())).isNull();
        assertThat(m.match(mail("a@x.example", "r@gatekeeper.test").remoteAddr("localhost").build())).as("not an IP").isNull();
    }

    @Test
    void senderInAddressTableIncludingTheNullSender() throws Exception {
        Path f = write("senders.access", "spammer@x.example\n.bad.example\n<>\n");
        SenderInTable m = init(new SenderInTable(), "SenderInTable", f.toString());
        assertThat(m.match(mail("Spammer@X.example", "r@gatekeeper.test").build())).hasSize(1);
        assertThat(m.match(mail("a@mail.bad.example", "r@gatekeeper.test").build())).hasSize(1);
        assertThat(m.match(mail("a@x.example", "r@gatekeeper.test").build())).isNull();
        FakeMail bounce = FakeMail.builder().name("b").sender(MaybeSender.nullSender()).recipients("r@gatekeeper.test").build();
        assertThat(m.match(bounce)).hasSize(1);
    }

    @Test
    void recipientTableReturnsOnlyMatchingRecipientsAndIsReloaded() throws Exception {
        Path f = write("rcpts", "alice@gatekeeper.test\n");
        RecipientInTable m = init(new RecipientInTable(), "RecipientInTable", "file://" + f + " check=0s");
        FakeMail mail = mail("a@x.example", "alice@gatekeeper.test", "bob@gatekeeper.test").build();
        assertThat(m.match(mail)).containsExactly(new MailAddress("alice@gatekeeper.test"));
        Files.writeString(f, "bob@gatekeeper.test\n# changed\n");
        Files.setLastModifiedTime(f, FileTime.from(Instant.now().plusSeconds(60)));
        m.match(mail); // sees the change; takes it once it stood still for one check
        assertThat(m.match(mail)).containsExactly(new MailAddress("bob@gatekeeper.test"));
    }

    @Test
    void domainAndRegexpTypes() throws Exception {
        Path d = write("domains", ".gatekeeper.test\n");
        RecipientInTable byDomain = init(new RecipientInTable(), "RecipientInTable", d + " type=domain");
        assertThat(byDomain.match(mail("a@x.example", "a@sub.gatekeeper.test", "b@gatekeeper.test").build()))
                .containsExactly(new MailAddress("a@sub.gatekeeper.test"));
        Path r = write("regexp", "/^list-.*@/\n");
        SenderInTable byRegexp = init(new SenderInTable(), "SenderInTable", r + " type=regexp");
        assertThat(byRegexp.match(mail("list-news@x.example", "r@gatekeeper.test").build())).hasSize(1);
    }

    @Test
    void badConfigurationsNameTheValue() throws Exception {
        Path bad = write("bad.cidr", "127.0.0.0/40\n");
        assertThatThrownBy(() -> init(new RemoteAddrInTable(), "RemoteAddrInTable", "file://" + bad))
                .hasMessageStartingWith("RemoteAddrInTable: " + bad + ":1: ");
        assertThatThrownBy(() -> init(new RemoteAddrInTable(), "RemoteAddrInTable", "file://" + dir.resolve("none.cidr")))
                .hasMessage("RemoteAddrInTable: " + dir.resolve("none.cidr") + ": cannot read table file");
        assertThatThrownBy(() -> init(new RemoteAddrInTable(), "RemoteAddrInTable", "classpath://x.cidr"))
                .hasMessage("RemoteAddrInTable: 'classpath://x.cidr': only file:// locations and paths are supported");
        Path ok = write("ok", "a@b.example\n");
        assertThatThrownBy(() -> init(new SenderInTable(), "SenderInTable", ok + " type=cidr"))
                .hasMessage("SenderInTable: type 'cidr' cannot be used here (use address, domain, regexp)");
        assertThatThrownBy(() -> init(new SenderInTable(), "SenderInTable", ok + " type=hash"))
                .hasMessage("unknown table type 'hash' (cidr, domain, address, regexp)");
        assertThatThrownBy(() -> init(new SenderInTable(), "SenderInTable", ok + " check=later"))
                .hasMessageStartingWith("check");
    }
}
