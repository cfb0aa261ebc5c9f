package dev.gatekeeper.policy;

import static dev.gatekeeper.policy.Policies.ip;
import static dev.gatekeeper.policy.Policies.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatekeeper.mail.Mailbox;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AccessTableTest {

    @TempDir
    Path dir;

    /** A clock the test moves by hand, as Caffeine's tests do with their Ticker. */
    static final class MutableClock extends Clock {
        volatile Instant now = Instant.parse("2026-01-01T00:00:00Z");

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    private final MutableClock clock = new MutableClock();

    private AccessTable table(AccessTable.Type type, String content) {
        Path f = write(dir, type.keyword() + ".table", content);
        return new AccessTable("t", type, f, ReplyCatalog.defaults(), clock, Duration.ofSeconds(5));
    }

    private static String entry(Optional<TableHit> hit) {
        return hit.map(h -> h.location + " " + h.entry).orElse("none");
    }

    @Test
    void cidrTablesAreFirstMatch() {
        AccessTable t = table(AccessTable.Type.CIDR, "# trusted first\n192.0.2.7 OK\n192.0.2.0/24 REJECT no\n\n2001:db8::/32 DEFER later\n");
        assertThat(entry(t.lookup(ip("192.0.2.7")))).isEqualTo("cidr.table:2 192.0.2.7 OK");
        assertThat(entry(t.lookup(ip("192.0.2.8")))).isEqualTo("cidr.table:3 192.0.2.0/24 REJECT no");
        assertThat(entry(t.lookup(ip("2001:db8:5::1")))).isEqualTo("cidr.table:5 2001:db8::/32 DEFER later");
        assertThat(entry(t.lookup(ip("198.51.100.1")))).isEqualTo("none");
    }

    @Test
    void domainTablesTellANameFromItsSubdomains() {
        AccessTable t = table(AccessTable.Type.DOMAIN, "example.com REJECT exact\n.example.net REJECT below\n");
        assertThat(entry(t.lookupName("EXAMPLE.com"))).endsWith("exact");
        assertThat(entry(t.lookupName("a.example.com"))).isEqualTo("none");
        assertThat(entry(t.lookupName("example.net"))).isEqualTo("none");
        assertThat(entry(t.lookupName("a.b.example.net"))).endsWith("below");
    }

    @Test
    void addressTablesLookUpAddressThenDomainThenLocalPart() {
        AccessTable t = table(AccessTable.Type.ADDRESS, "Spam@Example.com REJECT address\n@example.com OK\n.example.org DUNNO\n"
                + "postmaster@ OK\n<> REJECT null sender\n");
        assertThat(entry(t.lookup(Mailbox.parse("<spam@example.COM>")))).endsWith("address");
        assertThat(entry(t.lookup(Mailbox.parse("<ham@example.com>")))).endsWith("@example.com OK");
        assertThat(entry(t.lookup(Mailbox.parse("<ham@a.example.org>")))).endsWith("DUNNO");
        assertThat(entry(t.lookup(Mailbox.parse("<Postmaster@anywhere.example>")))).endsWith("postmaster@ OK");
        assertThat(entry(t.lookup(Mailbox.nullPath()))).endsWith("null sender");
        assertThat(entry(t.lookup(Mailbox.parse("<x@y.example>")))).isEqualTo("none");
    }

    @Test
    void regexpTablesAreFirstMatch() {
        AccessTable t = table(AccessTable.Type.REGEXP, "/^[0-9]+@/ REJECT digits\n/\\.(ru|cn)$/i 550 5.7.1 Not here\n/./ DUNNO\n");
        assertThat(entry(t.lookup(Mailbox.parse("<123@x.example>")))).endsWith("digits");
        assertThat(reply(t.lookupName("host.RU"), ReplyValues.empty())).hasToString("550 5.7.1 Not here");
        assertThat(entry(t.lookupName("host.example"))).endsWith("DUNNO");
    }

    @Test
    void entryActionsFollowAccess5() {
        AccessTable t = table(AccessTable.Type.DOMAIN, "a.example OK\nb.example REJECT Go away\nc.example DEFER Busy\n"
                + "d.example 554 5.7.1 Custom\ne.example 450 Custom later\nf.example WARN look\ng.example TAG listed\nh.example\n"
                + "i.example DISCONNECT bye\n");
        ReplyValues v = ReplyValues.empty();
        assertThat(t.lookupName("a.example").orElseThrow().action).isSameAs(PlainAction.ACCEPT);
        assertThat(reply(t.lookupName("b.example"), v)).hasToString("550 5.7.1 Go away");
        assertThat(reply(t.lookupName("c.example"), v)).hasToString("450 4.7.1 Busy");
        assertThat(reply(t.lookupName("d.example"), v)).hasToString("554 5.7.1 Custom");
        assertThat(t.lookupName("e.example").orElseThrow().action.describe()).isEqualTo("defer");
        assertThat(t.lookupName("f.example").orElseThrow().action.describe()).isEqualTo("warn look");
        assertThat(t.lookupName("g.example").orElseThrow().action.describe()).isEqualTo("tag listed");
        assertThat(t.lookupName("h.example").orElseThrow().action).isNull();
        assertThat(reply(t.lookupName("i.example"), v)).hasToString("421 4.7.0 bye");
    }

    private static SmtpReply reply(java.util.Optional<TableHit> hit, ReplyValues values) {
        return ((ReplyAction) hit.orElseThrow().action).render(values);
    }

    @Test
    void aBadLineNamesFileAndLine() {
        assertThatThrownBy(() -> table(AccessTable.Type.CIDR, "192.0.2.0/24 OK\n192.0.2.1/24 OK\n"))
                .isInstanceOf(PolicyConfigException.class).hasMessageEndingWith("cidr.table:2: '192.0.2.1/24' has host bits set below /24");
        assertThatThrownBy(() -> table(AccessTable.Type.DOMAIN, "a.example OK\na.example REJECT\n"))
                .hasMessageContaining("domain.table:2: 'a.example' already listed");
        assertThatThrownBy(() -> table(AccessTable.Type.DOMAIN, "a.example MAYBE\n"))
                .hasMessageContaining("domain.table:1: unknown action 'MAYBE'");
        assertThatThrownBy(() -> table(AccessTable.Type.DOMAIN, "a.example 550 4.7.1 x\n"))
                .hasMessageContaining("domain.table:1: enhanced code 4.7.1 does not match reply code 550");
        assertThatThrownBy(() -> table(AccessTable.Type.REGEXP, "/(/ OK\n")).hasMessageContaining("regexp.table:1: bad regular expression");
        assertThatThrownBy(() -> table(AccessTable.Type.DOMAIN, "a.example REJECT ${nope}\n")).hasMessageContaining("unknown variable ${nope}");
    }

    /** A change is read at the second check that finds it unchanged. */
    private void twoChecks(AccessTable t) {
        clock.advance(Duration.ofSeconds(5));
        t.lookupName("probe.invalid");
        clock.advance(Duration.ofSeconds(5));
    }

    private void rewrite(Path f, String content, long mtimeSeconds) throws Exception {
        Files.writeString(f, content);
        Files.setLastModifiedTime(f, FileTime.fromMillis(mtimeSeconds * 1000));
    }

    @Test
    void reloadsWhenTheFileChangesAndKeepsTheLastGoodVersionOnError() throws Exception {
        AccessTable t = table(AccessTable.Type.DOMAIN, "a.example REJECT one\n");
        Path f = dir.resolve("domain.table");
        rewrite(f, "a.example REJECT two\n", 1000);
        assertThat(entry(t.lookupName("a.example"))).endsWith("one");
        clock.advance(Duration.ofSeconds(4));
        assertThat(entry(t.lookupName("a.example"))).as("not looked at before the interval").endsWith("one");
        clock.advance(Duration.ofSeconds(1));
        assertThat(entry(t.lookupName("a.example"))).as("seen once: maybe still being written").endsWith("one");
        clock.advance(Duration.ofSeconds(5));
        assertThat(entry(t.lookupName("a.example"))).endsWith("two");

        rewrite(f, "a.example REJECT two\nbroken line here WHAT\n", 2000);
        twoChecks(t);
        assertThat(entry(t.lookupName("a.example"))).endsWith("two");
        assertThat(t.lastError()).contains("domain.table:2: unknown action 'line'").endsWith("keeping the version read before");

        rewrite(f, "a.example REJECT three\n", 3000);
        twoChecks(t);
        assertThat(entry(t.lookupName("a.example"))).endsWith("three");
        assertThat(t.lastError()).isEmpty();

        Files.delete(f);
        clock.advance(Duration.ofSeconds(5));
        assertThat(entry(t.lookupName("a.example"))).endsWith("three");
        assertThat(t.lastError()).contains("cannot read");
    }

    @Test
    void lookupsDuringReloadsAlwaysSeeOneWholeVersion() throws Exception {
        // Each version lists n.example for every n below its size: a lookup sees all of one version or all of the next.
        int size = 200;
        StringBuilder v1 = new StringBuilder();
        for (int i = 0; i < size; i++) {
            v1.append("h").append(i).append(".example REJECT v1\n");
        }
        AccessTable t = table(AccessTable.Type.DOMAIN, v1.toString());
        assertThat(entry(t.lookupName("h199.example"))).endsWith("v1");
        Path f = dir.resolve("domain.table");
        ExecutorService pool = Executors.newFixedThreadPool(4);
        AtomicBoolean stop = new AtomicBoolean();
        CountDownLatch started = new CountDownLatch(4);
        List<Future<String>> readers = new ArrayList<>();
        java.util.Set<String> seen = java.util.concurrent.ConcurrentHashMap.newKeySet();
        for (int r = 0; r < 4; r++) {
            readers.add(pool.submit(() -> {
                started.countDown();
                while (!stop.get()) {
                    String first = t.lookupName("h0.example").map(h -> h.entry).orElse("missing");
                    String last = t.lookupName("h" + (size - 1) + ".example").map(h -> h.entry).orElse("missing");
                    if (first.equals("missing") || last.equals("missing")) {
                        return "lost an entry: " + first + " / " + last;
                    }
                    seen.add(first.substring(first.lastIndexOf(' ') + 1));
                }
                return "ok";
            }));
        }
        started.await();
        // The last version (31) reads well, so the readers can always end up on it.
        for (int version = 2; version <= 31; version++) {
            StringBuilder v = new StringBuilder();
            for (int i = 0; i < size; i++) {
                v.append("h").append(i).append(".example REJECT v").append(version).append('\n');
            }
            if (version % 5 == 0) {
                v.append("bad entry BAD\n");
            }
            rewrite(f, v.toString(), 10_000L + version);
            clock.advance(Duration.ofSeconds(5));
            Thread.sleep(25);
            clock.advance(Duration.ofSeconds(5));
            Thread.sleep(25);
        }
        // On a starved machine the readers may not have run at all between two clock steps, so no
        // check saw a version twice: keep the checks coming for a bounded while until they see one.
        for (int wait = 0; wait < 200 && seen.size() < 2; wait++) {
            clock.advance(Duration.ofSeconds(5));
            Thread.sleep(50);
        }
        stop.set(true);
        for (Future<String> r : readers) {
            assertThat(r.get(10, TimeUnit.SECONDS)).isEqualTo("ok");
        }
        pool.shutdown();
        assertThat(seen).as("versions the readers saw").hasSizeGreaterThan(1);
        rewrite(f, "h7.example REJECT final\n", 20_000L);
        twoChecks(t);
        assertThat(entry(t.lookupName("h7.example"))).endsWith("final");
    }
}
