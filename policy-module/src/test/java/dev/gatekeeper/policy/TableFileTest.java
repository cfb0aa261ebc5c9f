package dev.gatekeeper.policy;

import static dev.gatekeeper.policy.Policies.ip;
import static dev.gatekeeper.policy.Policies.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatekeeper.mail.Mailbox;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TableFileTest {

    @TempDir
    Path dir;

    private final AccessTableTest.MutableClock clock = new AccessTableTest.MutableClock();

    @Test
    void cidrTableAnswersTheMatchingLineAndDunnoIsNotFound() {
        Path f = write(dir, "clients.cidr", "192.0.2.7 DUNNO\n192.0.2.0/24\n");
        TableFile t = TableFile.open(f, TableFile.Type.CIDR, Duration.ofSeconds(5), clock);
        assertThat(t.find(ip("192.0.2.8"))).isEqualTo(Optional.of("clients.cidr:2: 192.0.2.0/24"));
        assertThat(t.find(ip("192.0.2.7"))).isEmpty();
        assertThat(t.find(ip("198.51.100.1"))).isEmpty();
    }

    @Test
    void addressTableTriesAddressThenDomainThenLocalPart() {
        Path f = write(dir, "senders", "alice@example.com\n.example.net\npostmaster@\n");
        TableFile t = TableFile.open(f, TableFile.Type.of("Address"), Duration.ofSeconds(5), clock);
        assertThat(t.find(Mailbox.parse("<Alice@EXAMPLE.com>"))).contains("senders:1: alice@example.com");
        assertThat(t.find(Mailbox.parse("<bob@example.com>"))).isEmpty();
        assertThat(t.find(Mailbox.parse("<x@mail.example.net>"))).contains("senders:2: .example.net");
        assertThat(t.find(Mailbox.parse("<postmaster@anywhere.example>"))).contains("senders:3: postmaster@");
    }

    @Test
    void aChangedFileIsReadOnceItStoodStillForOneInterval() throws Exception {
        Path f = write(dir, "rcpts", "alice@example.com\n");
        TableFile t = TableFile.open(f, TableFile.Type.ADDRESS, Duration.ofSeconds(5), clock);
        Files.writeString(f, "bob@example.com\n");
        Files.setLastModifiedTime(f, FileTime.from(Instant.parse("2026-01-02T00:00:00Z")));
        Mailbox bob = Mailbox.parse("<bob@example.com>");
        assertThat(t.find(bob)).isEmpty();
        clock.advance(Duration.ofSeconds(5));
        assertThat(t.find(bob)).as("first look sees the change, waits").isEmpty();
        clock.advance(Duration.ofSeconds(5));
        assertThat(t.find(bob)).contains("rcpts:1: bob@example.com");
        assertThat(t.find(Mailbox.parse("<alice@example.com>"))).as("the whole new version is in force").isEmpty();
    }

    @Test
    void refusalsNameTheBadValue() {
        assertThatThrownBy(() -> TableFile.Type.of("hash"))
                .hasMessage("unknown table type 'hash' (cidr, domain, address, regexp)");
        Path f = write(dir, "bad.cidr", "192.0.2.0/33\n");
        assertThatThrownBy(() -> TableFile.open(f, TableFile.Type.CIDR, Duration.ofSeconds(5)))
                .isInstanceOf(PolicyConfigException.class).hasMessageStartingWith(f + ":1: ");
        assertThatThrownBy(() -> TableFile.open(dir.resolve("missing"), TableFile.Type.CIDR, Duration.ofSeconds(5)))
                .isInstanceOf(PolicyConfigException.class).hasMessage(dir.resolve("missing") + ": cannot read table file");
    }
}
