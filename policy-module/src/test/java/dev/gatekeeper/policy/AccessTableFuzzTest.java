package dev.gatekeeper.policy;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.gatekeeper.dns.IpAddresses;
import dev.gatekeeper.mail.Mailbox;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

/**
 * Table files as an administrator (or a broken script) may write them: a file either loads or is
 * refused with a {@link PolicyConfigException} naming file and line, never another exception;
 * lookups in a loaded table never throw, whatever the client sends; a hit's reply is sendable
 * (see {@link ReplyInvariants}). {@code mvn verify} fuzzes this for a few seconds (see the pom);
 * inputs that once found a bug stay in {@code AccessTableFuzzTestInputs/}.
 */
class AccessTableFuzzTest {

    private static final Path FILE = tableFile();
    private static final Clock CLOCK = Clock.systemUTC();

    @FuzzTest(maxDuration = "5s")
    void loadsOrRefusesTables(FuzzedDataProvider data) throws IOException {
        AccessTable.Type type = data.pickValue(AccessTable.Type.values());
        Files.write(FILE, data.consumeBytes(4000));
        String key = data.consumeString(300);
        String value = data.consumeRemainingAsString();
        AccessTable table;
        try {
            table = new AccessTable("fuzz", type, FILE, ReplyCatalog.defaults(), CLOCK, Duration.ofHours(1));
        } catch (PolicyConfigException e) {
            assertThat(e.getMessage()).startsWith(FILE + ":");
            return;
        }
        ReplyValues values = ReplyValues.empty().with("sender", value).with("client_name", value);
        check(table.lookupName(key), values);
        Optional<InetAddress> ip = IpAddresses.parse(key);
        if (ip.isPresent()) {
            check(table.lookup(ip.get()), values);
        }
        Mailbox address;
        try {
            address = Mailbox.parse(key);
        } catch (IllegalArgumentException e) {
            return;
        }
        check(table.lookup(address), values);
    }

    private static void check(Optional<TableHit> hit, ReplyValues values) {
        if (hit.isEmpty() || hit.get().action == null) {
            return;
        }
        assertThat(hit.get().location).startsWith(FILE.getFileName() + ":");
        RuleAction action = hit.get().action;
        if (action instanceof ReplyAction) {
            ReplyInvariants.assertSendable(((ReplyAction) action).render(values));
        }
    }

    private static Path tableFile() {
        try {
            Path dir = Files.createTempDirectory("access-table-fuzz");
            dir.toFile().deleteOnExit();
            Path file = dir.resolve("fuzz.table");
            Files.writeString(file, "", StandardCharsets.UTF_8);
            file.toFile().deleteOnExit();
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
