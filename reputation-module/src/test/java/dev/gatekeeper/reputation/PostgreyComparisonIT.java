package dev.gatekeeper.reputation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.gatekeeper.dns.IpAddresses;
import dev.gatekeeper.dns.LoopbackPorts;
import dev.gatekeeper.dns.MutableClock;
import dev.gatekeeper.mail.Mailbox;
import dev.gatekeeper.state.SharedState;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Our {@link Greylist} side by side with Debian's postgrey (1.37), both asked the same triplets in
 * the same order: postgrey through its Postfix policy delegation socket on 127.0.0.1, ours through
 * {@link Greylist#check} over the in-process state. Both run with the same settings: a 2-second
 * delay, auto-allowlisting after 2 counted passes, /24 and /64 networks, a 2-day retry window,
 * {@code postmaster@} and {@code abuse@} as the only exempt recipients, no client allowlist.
 *
 * <p>Each answer becomes a common form: {@code defer N} (N seconds left; postgrey's
 * {@code DEFER_IF_PERMIT}, with {@code --greylist-text} carrying its {@code %s}), {@code pass,
 * delayed N} (the first pass after the delay; postgrey's {@code PREPEND X-Greylist: delayed N
 * seconds}, ours {@link GreylistDecision.Reason#RETRIED_AFTER_DELAY} with {@code waited}), or
 * {@code pass} (a known triplet, an allowlisted client or recipient; postgrey's {@code DUNNO}).
 * Every step states the answer expected of us; postgrey must give the same one, except for the
 * steps that name postgrey's answer and why it differs. A listed difference that postgrey does
 * not show fails the test too. The table of answers is printed either way.
 *
 * <p>Two sequences:
 *
 * <ul>
 *   <li>{@link #inRealTime()}: postgrey runs on its own clock, {@code time()}, whole seconds. Ours
 *       runs on a clock stepped in lockstep with it: set to the same whole second of the system
 *       clock before each step, and each step must begin and end within its planned second (the
 *       steps of one second take some 100 ms), so both engines see the same {@code now}. The
 *       system clock itself would not do: with whole seconds against milliseconds, a retry 1.2 s
 *       after the first attempt may be 2 seconds later for postgrey (10.9 to 12.1) and 1.2 for
 *       us, and the two would disagree by chance. The test waits the delay for real.
 *   <li>{@link #onAStepClock()}: what takes hours or days (auto-allowlisting counts at most one
 *       pass an hour, the retry window is days) cannot be reached in seconds. postgrey reads
 *       {@code policy_test_time} from a request as its {@code now} (the hook of its own policy
 *       test script); this sequence sends it, and sets our clock to the same second.
 * </ul>
 *
 * <p>Not compared: the expiry of passed triplets and allowlisted clients (postgrey forgets in its
 * nightly maintenance, on the real clock, between 1 and 7 o'clock), and the client name and
 * address allowlist files (policy tables in Gatekeeper). The addresses are documentation prefixes
 * (RFC 5737, RFC 3849) used as values: nothing but postgrey on 127.0.0.1 is contacted.
 *
 * <p>Needs {@code /usr/sbin/postgrey} (Debian: postgrey; {@code .ci/run} installs it). Without it
 * the test fails when {@code -Dpostgrey.required=true} (the module's pom sets it) and is skipped
 * otherwise.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PostgreyComparisonIT {

    static final Path POSTGREY = Path.of(System.getProperty("postgrey.binary", "/usr/sbin/postgrey"));
    static final String REQUIRED = "postgrey.required";
    static final int DELAY_SECONDS = 2;
    static final int AUTO_ALLOWLIST_AFTER = 2;
    private static final Duration START_TIMEOUT = Duration.ofSeconds(20);
    private static final int ANSWER_TIMEOUT_MS = 5_000;

    private static final GreylistSettings SETTINGS = GreylistSettings.builder()
            .delay(Duration.ofSeconds(DELAY_SECONDS))
            .retryWindow(Duration.ofDays(2))
            .expiry(Duration.ofDays(35))
            .autoAllowlistAfter(AUTO_ALLOWLIST_AFTER)
            .ipv4Prefix(24)
            .ipv6Prefix(64)
            .exemptRecipients("postmaster, abuse")
            .normalizeSender(true)
            .build();

    private static Path dir;
    private static Process postgrey;
    private static Path log;
    private static int port;

    @BeforeAll
    static void start() throws Exception {
        if (!Files.isExecutable(POSTGREY)) {
            String missing = POSTGREY + " is not installed";
            if (Boolean.getBoolean(REQUIRED)) {
                fail("postgrey is required (-D" + REQUIRED + "=true) but " + missing
                        + ": apt-get install postgrey (.ci/run does this)");
            }
            assumeTrue(false, "postgrey comparison skipped: " + missing
                    + " (install postgrey, or run with -D" + REQUIRED + "=true to make this a failure)");
        }
        dir = Files.createTempDirectory("postgrey-it");
        log = dir.resolve("postgrey.log");
        Path clients = Files.writeString(dir.resolve("whitelist_clients"), "# none: client allowlists are policy tables in Gatekeeper\n");
        Path recipients = Files.writeString(dir.resolve("whitelist_recipients"), "# GreylistSettings.exemptRecipients\npostmaster@\nabuse@\n");
        // postgrey drops privileges to --user/--group (default postgrey, which could not write a
        // directory of ours): name the owner of the directory just made, that is, this process.
        PosixFileAttributes owner = Files.readAttributes(dir, PosixFileAttributes.class);
        port = LoopbackPorts.free(InetAddress.getByName("127.0.0.1"));
        List<String> command = List.of(POSTGREY.toString(),
                "--inet=127.0.0.1:" + port,
                "--dbdir=" + dir,
                // Read only with --daemonize; given so that nothing is ever written outside dir.
                "--pidfile=" + dir.resolve("postgrey.pid"),
                "--user=" + owner.owner().getName(),
                "--group=" + owner.group().getName(),
                "--delay=" + DELAY_SECONDS,
                "--retry-window=2",
                "--max-age=35",
                "--ipv4cidr=24",
                "--ipv6cidr=64",
                "--auto-whitelist-clients=" + AUTO_ALLOWLIST_AFTER,
                "--whitelist-clients=" + clients,
                "--whitelist-recipients=" + recipients,
                // Texts only: the seconds left (%s) and waited (%t) are what the comparison reads.
                "--greylist-text=Greylisted, %s seconds left",
                "--x-greylist-header=X-Greylist: delayed %t seconds by postgrey-%v");
        postgrey = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        for (int attempt = 0; ; attempt++) {
            if (!postgrey.isAlive()) {
                fail("postgrey exited with " + postgrey.exitValue() + ":\n" + logText());
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 500);
                return;
            } catch (IOException notYet) {
                if (System.nanoTime() > deadline || attempt > 400) {
                    fail("postgrey did not listen on 127.0.0.1:" + port + " within " + START_TIMEOUT + ":\n" + logText());
                }
                Thread.sleep(50);
            }
        }
    }

    @AfterAll
    static void stop() throws Exception {
        if (postgrey != null) {
            postgrey.destroy();
            if (!postgrey.waitFor(10, TimeUnit.SECONDS)) {
                postgrey.destroyForcibly();
                postgrey.waitFor(10, TimeUnit.SECONDS);
            }
        }
        if (dir != null) {
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toArray(Path[]::new)) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    private static String logText() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    // Clients. A1 and A2 share 192.0.2.0/24; B is another /24.
    private static final String A1 = "192.0.2.10";
    private static final String A2 = "192.0.2.77";
    private static final String B = "198.51.100.10";
    private static final String V6A = "2001:db8:1:2::1";
    private static final String V6B = "2001:db8:1:2:ffff::9";
    private static final String V6C = "2001:db8:1:3::1";
    private static final String MAPPED_A = "::ffff:192.0.2.200";
    private static final String MAPPED_B = "::ffff:198.51.100.200";
    private static final String ALICE = "alice@sender.example";
    private static final String BOB = "bob@gatekeeper.test";

    @Test
    void inRealTime() throws Exception {
        List<Step> steps = List.of(
                step("new triplet", 0, A1, ALICE, BOB, "defer 2"),
                step("null sender <>", 0, A1, "", BOB, "defer 2"),
                step("VERP +extension", 0, A1, "news+4711@lists.example", BOB, "defer 2"),
                step("BATV prvs=tag=user", 0, A1, "prvs=1234a1b2c3=carol@sender.example", BOB, "defer 2"),
                step("VERP digits", 0, A1, "bounce-12345-678@lists.example", BOB, "defer 2"),
                step("mixed case", 0, A1, "Erin@Sender.Example", "Frank@Gatekeeper.Test", "defer 2"),
                step("BATV in upper case", 0, A1, "PRVS=1234a1b2c3=dave@sender.example", BOB, "defer 2"),
                step("non-ASCII local part", 0, A1, "jörg@sender.example", BOB, "defer 2"),
                step("digits after non-ASCII", 0, A1, "news-ö123@lists.example", BOB, "defer 2"),
                step("IPv6 client", 0, V6A, ALICE, BOB, "defer 2"),
                step("IPv4-mapped client", 0, MAPPED_A, ALICE, "mapped@gatekeeper.test", "defer 2"),
                step("postmaster", 0, A1, ALICE, "postmaster@gatekeeper.test", "pass"),
                step("postmaster+ext, case", 0, A1, ALICE, "Postmaster+x@Gatekeeper.Test", "pass"),
                step("abuse, case", 0, A1, ALICE, "ABUSE@gatekeeper.test", "pass"),
                step("bare <Postmaster>", 0, A1, ALICE, "Postmaster", "pass").postgrey("defer 2",
                        "RFC 5321 §4.5.1: RCPT TO:<Postmaster> without a domain must be accepted; postgrey's "
                                + "whitelist entry postmaster@ (Debian's default file has the same) needs the @"),

                step("early retry", 1, A1, ALICE, BOB, "defer 1"),

                step("retry after the delay", 2, A1, ALICE, BOB, "pass, delayed 2"),
                step("known triplet", 2, A1, ALICE, BOB, "pass"),
                step("same /24, other host", 2, A2, ALICE, BOB, "pass"),
                step("other /24", 2, B, ALICE, BOB, "defer 2"),
                step("null sender <> retried", 2, A1, "", BOB, "pass, delayed 2"),
                step("VERP, next message", 2, A1, "news+4712@lists.example", BOB, "pass, delayed 2"),
                step("BATV, new tag", 2, A1, "prvs=1235d4e5f6=carol@sender.example", BOB, "pass, delayed 2"),
                step("VERP digits, new numbers", 2, A1, "bounce-12399-1@lists.example", BOB, "pass, delayed 2"),
                step("same triplet, lower case", 2, A1, "erin@sender.example", "frank@gatekeeper.test", "pass, delayed 2"),
                step("BATV in upper case, new tag", 2, A1, "PRVS=1235d4e5f6=dave@sender.example", BOB, "pass, delayed 2")
                        .postgrey("defer 2", "postgrey normalizes the sender before it lower-cases the key, and "
                                + "knows BATV only as prvs= in lower case: each new tag is a new triplet. We compare "
                                + "senders in lower case throughout"),
                step("non-ASCII, other case", 2, A1, "JÖRG@sender.example", BOB, "pass, delayed 2")
                        .postgrey("defer 2", "Perl's lc over the request's bytes changes A-Z only; Java's "
                                + "toLowerCase makes Ö ö too (SMTPUTF8 local parts)"),
                step("digits after non-ASCII, new", 2, A1, "news-ö124@lists.example", BOB, "pass, delayed 2"),
                step("IPv6, same /64", 2, V6B, ALICE, BOB, "pass, delayed 2"),
                step("IPv6, other /64", 2, V6C, ALICE, BOB, "defer 2"),
                step("IPv4-mapped, other /24", 2, MAPPED_B, ALICE, "mapped@gatekeeper.test", "defer 2")
                        .postgrey("pass, delayed 2", "postgrey takes ::ffff:a.b.c.d as IPv6, and its /64 holds "
                                + "every IPv4 address; we take it as the IPv4 client it is (/24), as Java's "
                                + "InetAddress does. Postfix never sends this form: it reports IPv4 clients unmapped"),
                step("A1: first passes in 1 h count once", 2, A1, ALICE, "carol@gatekeeper.test", "defer 2"));

        MutableClock clock = new MutableClock(Instant.now());
        List<Row> rows = new ArrayList<>();
        try (SharedState state = SharedState.local(clock, 10_000); PolicyClient policy = new PolicyClient()) {
            Greylist ours = Greylist.create(SETTINGS, state, clock);
            warmUp(ours, policy);
            long start = nextSecond();
            for (Step s : steps) {
                long second = start + s.at;
                waitForSecond(second, s);
                clock.advance(Duration.ofMillis(second * 1000 - clock.millis()));
                rows.add(run(s, "t+" + s.at + "s", ours, policy, null));
                if (System.currentTimeMillis() / 1000 != second) {
                    fail("step '" + s.name + "' did not finish within its second (the machine is too busy to "
                            + "compare whole-second clocks):\n" + table("in real time", rows));
                }
            }
        }
        report("in real time", rows);
    }

    private static final String C1 = "203.0.113.10";
    private static final String C2 = "203.0.113.20";
    private static final String C3 = "203.0.113.30";
    private static final String C4 = "203.0.113.40";
    private static final String C5 = "203.0.113.50";
    private static final long HOUR = 3600;
    private static final long DAY = 24 * HOUR;

    @Test
    void onAStepClock() throws Exception {
        List<Step> steps = List.of(
                // Auto-allowlisting: a client's first pass of a triplet counts, at most one an hour.
                step("new triplet", 0, C1, ALICE, "r1@gatekeeper.test", "defer 2"),
                step("retry (C1: 1 of 2)", 2, C1, ALICE, "r1@gatekeeper.test", "pass, delayed 2"),
                step("another triplet", 2, C1, ALICE, "r2@gatekeeper.test", "defer 2"),
                step("retry (same hour: not counted)", 4, C1, ALICE, "r2@gatekeeper.test", "pass, delayed 2"),
                step("C1 still greylisted", 4, C1, ALICE, "r3@gatekeeper.test", "defer 2"),
                step("retry 1 h after (C1: 2 of 2)", HOUR + 2, C1, ALICE, "r3@gatekeeper.test", "pass, delayed 3598"),
                step("allowlisted client, new triplet", HOUR + 2, C1, ALICE, "r4@gatekeeper.test", "pass"),
                step("same /24, other address", HOUR + 2, C2, ALICE, "r4@gatekeeper.test", "defer 2"),
                // The retry window, 2 days from the first attempt.
                step("new triplet", 0, C4, ALICE, "r5@gatekeeper.test", "defer 2"),
                step("retry at the window's end", 2 * DAY, C4, ALICE, "r5@gatekeeper.test", "pass, delayed 172800"),
                step("new triplet", 0, C5, ALICE, "r6@gatekeeper.test", "defer 2"),
                step("first retry after the window", 2 * DAY + 1, C5, ALICE, "r6@gatekeeper.test", "defer 2"),
                step("starts over", 2 * DAY + 3, C5, ALICE, "r6@gatekeeper.test", "pass, delayed 2"),
                // Clocks apart (nodes sharing Redis, or a clock set back).
                step("new triplet", 10, C3, ALICE, "q1@gatekeeper.test", "defer 2"),
                step("retry (C3: 1 of 2)", 12, C3, ALICE, "q1@gatekeeper.test", "pass, delayed 2"),
                step("clock 1 h back: first seen ahead", -HOUR, C3, ALICE, "q1@gatekeeper.test", "defer 2"),
                step("new triplet", -HOUR, C3, ALICE, "q2@gatekeeper.test", "defer 2"),
                step("retry before C3's last count", -HOUR + 2, C3, ALICE, "q2@gatekeeper.test", "pass, delayed 2"),
                step("C3 allowlisted?", 14, C3, ALICE, "q3@gatekeeper.test", "pass").postgrey("defer 2",
                        "a client's last count stamped in the future (another node's clock ahead) does not "
                                + "hold back our counting, as postgrey already does when it refreshes an "
                                + "allowlisted client; postgrey counts only an hour after that stamp, so its count "
                                + "stayed at 1"));

        long v0 = System.currentTimeMillis() / 1000;
        MutableClock clock = new MutableClock(Instant.ofEpochSecond(v0));
        List<Row> rows = new ArrayList<>();
        try (SharedState state = SharedState.local(clock, 10_000); PolicyClient policy = new PolicyClient()) {
            Greylist ours = Greylist.create(SETTINGS, state, clock);
            for (Step s : steps) {
                long second = v0 + s.at;
                clock.advance(Duration.ofMillis(second * 1000 - clock.millis()));
                rows.add(run(s, "V" + relative(s.at), ours, policy, second));
            }
        }
        report("on a step clock (policy_test_time)", rows);
    }

    private static void warmUp(Greylist ours, PolicyClient policy) throws Exception {
        // Class loading and postgrey's first database write happen here, not inside a timed second.
        Step w = step("warm-up", 0, "198.51.100.250", "warm-up@sender.example", "warm-up@gatekeeper.test", "defer 2");
        ours.check(ip(w.client), Mailbox.parse(w.sender), Mailbox.parse(w.recipient)).toCompletableFuture().get(10, TimeUnit.SECONDS);
        policy.ask(w, null);
    }

    /** Waits for the next second to begin: the first step then has the whole second. */
    private static long nextSecond() throws InterruptedException {
        long now = System.currentTimeMillis();
        long next = now / 1000 + 1;
        Thread.sleep(next * 1000 - now + 20);
        return next;
    }

    private static void waitForSecond(long second, Step s) throws InterruptedException {
        long now = System.currentTimeMillis();
        if (now < second * 1000) {
            Thread.sleep(second * 1000 - now + 20);
            now = System.currentTimeMillis();
        }
        if (now / 1000 != second) {
            fail("step '" + s.name + "' should run in second " + second + " but it is " + now / 1000 + "." + now % 1000
                    + ": the machine is too busy to compare whole-second clocks");
        }
    }

    private static Row run(Step s, String at, Greylist ours, PolicyClient policy, Long policyTestTime) throws Exception {
        long t0 = System.nanoTime();
        String answer = policy.ask(s, policyTestTime);
        long t1 = System.nanoTime();
        GreylistDecision d = ours.check(ip(s.client), s.sender.isEmpty() ? Mailbox.nullPath() : Mailbox.parse(s.sender),
                Mailbox.parse(s.recipient)).toCompletableFuture().get(10, TimeUnit.SECONDS);
        long t2 = System.nanoTime();
        return new Row(s, at, answer, postgreyCommon(answer), d, oursCommon(d), (t1 - t0) / 1000, (t2 - t1) / 1000);
    }

    private static InetAddress ip(String text) {
        return IpAddresses.parse(text).orElseThrow(() -> new IllegalArgumentException(text));
    }

    private static final Pattern DEFERRED = Pattern.compile("action=DEFER_IF_PERMIT Greylisted, (\\d+) seconds left");
    private static final Pattern DELAYED = Pattern.compile("action=PREPEND X-Greylist: delayed (\\d+) seconds by postgrey-[0-9.]+");

    static String postgreyCommon(String answer) {
        Matcher m = DEFERRED.matcher(answer);
        if (m.matches()) {
            return "defer " + m.group(1);
        }
        m = DELAYED.matcher(answer);
        if (m.matches()) {
            return "pass, delayed " + m.group(1);
        }
        return answer.equals("action=DUNNO") ? "pass" : "unexpected: " + answer;
    }

    static String oursCommon(GreylistDecision d) {
        switch (d.result()) {
            case DEFER:
                return "defer " + d.retryAfterSeconds();
            case PASS:
                return d.reason() == GreylistDecision.Reason.RETRIED_AFTER_DELAY ? "pass, delayed " + d.waited().toSeconds() : "pass";
            case PASS_ALLOWLISTED:
                return "pass";
            default:
                return "unexpected: " + d;
        }
    }

    private static void report(String title, List<Row> rows) {
        String table = table(title, rows);
        System.out.println(table);
        try {
            Path target = Path.of("target");
            if (Files.isDirectory(target)) {
                String file = "postgrey-comparison-" + title.replaceAll("[^a-z]+", "-").replaceAll("-$", "") + ".txt";
                Files.writeString(target.resolve(file), table, StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> wrong = new ArrayList<>();
        for (Row r : rows) {
            if (!r.oursCommon.equals(r.step.expected)) {
                wrong.add("'" + r.step.name + "' " + r.step.triplet() + ": Gatekeeper said " + r.oursCommon + " (" + r.ours
                        + "), expected " + r.step.expected);
            }
            if (!r.postgreyCommon.equals(r.step.postgreyExpected)) {
                wrong.add("'" + r.step.name + "' " + r.step.triplet() + ": postgrey said " + r.postgreyCommon + " ("
                        + r.postgrey + "), expected " + r.step.postgreyExpected
                        + (r.step.why.isEmpty() ? " as Gatekeeper" : " (listed difference: " + r.step.why + ")"));
            }
        }
        assertThat(wrong).as("answers that are not the expected ones\n" + table).isEmpty();
    }

    static String table(String title, List<Row> rows) {
        StringBuilder sb = new StringBuilder();
        sb.append("\nGreylist vs postgrey, ").append(title).append(": delay ").append(DELAY_SECONDS)
                .append(" s, auto-allowlist after ").append(AUTO_ALLOWLIST_AFTER).append(", /24, /64\n");
        sb.append(String.format(Locale.ROOT, "%-3s %-34s %-12s %-21s %-38s %-30s %-20s %-20s %-11s %9s %9s%n", "#", "step", "at",
                "client", "sender", "recipient", "postgrey", "Gatekeeper", "agree", "pg µs", "ours µs"));
        int n = 0;
        int agree = 0;
        int differ = 0;
        List<Long> pg = new ArrayList<>();
        List<Long> us = new ArrayList<>();
        for (Row r : rows) {
            n++;
            boolean same = r.postgreyCommon.equals(r.oursCommon);
            if (same) {
                agree++;
            } else if (!r.step.why.isEmpty()) {
                differ++;
            }
            pg.add(r.postgreyMicros);
            us.add(r.oursMicros);
            sb.append(String.format(Locale.ROOT, "%-3d %-34s %-12s %-21s %-38s %-30s %-20s %-20s %-11s %9d %9d%n", n, r.step.name, r.at,
                    r.step.client, r.step.sender.isEmpty() ? "<>" : r.step.sender, r.step.recipient, r.postgreyCommon,
                    r.oursCommon, same ? "yes" : r.step.why.isEmpty() ? "NO" : "no, see (" + differ + ")", r.postgreyMicros,
                    r.oursMicros));
        }
        sb.append(String.format(Locale.ROOT, "%d steps: %d agree, %d differ as listed, %d differ unexpectedly; per request: postgrey "
                + "median %d µs (max %d), Gatekeeper median %d µs (max %d)%n", n, agree, differ, n - agree - differ,
                median(pg), max(pg), median(us), max(us)));
        int k = 0;
        for (Row r : rows) {
            if (!r.step.why.isEmpty()) {
                sb.append("  (").append(++k).append(") ").append(r.step.name).append(": ").append(r.step.why).append('\n');
            }
        }
        return sb.toString();
    }

    private static long median(List<Long> values) {
        if (values.isEmpty()) {
            return 0;
        }
        List<Long> sorted = new ArrayList<>(values);
        sorted.sort(null);
        return sorted.get(sorted.size() / 2);
    }

    private static long max(List<Long> values) {
        return values.stream().mapToLong(Long::longValue).max().orElse(0);
    }

    private static String relative(long seconds) {
        long s = Math.abs(seconds);
        String days = s >= DAY ? (s / DAY) + "d " : "";
        return (seconds < 0 ? "-" : "+") + days + String.format(Locale.ROOT, "%d:%02d:%02d", s % DAY / HOUR, s % HOUR / 60, s % 60);
    }

    private static Step step(String name, long at, String client, String sender, String recipient, String expected) {
        return new Step(name, at, client, sender, recipient, expected);
    }

    /** One request, and the answer expected of Gatekeeper (and of postgrey, unless it differs for a reason given). */
    static final class Step {
        final String name;
        final long at;
        final String client;
        final String sender;
        final String recipient;
        final String expected;
        String postgreyExpected;
        String why = "";

        Step(String name, long at, String client, String sender, String recipient, String expected) {
            this.name = name;
            this.at = at;
            this.client = client;
            this.sender = sender;
            this.recipient = recipient;
            this.expected = expected;
            this.postgreyExpected = expected;
        }

        /** postgrey answers otherwise here, and why. */
        Step postgrey(String answer, String reason) {
            if (answer.equals(expected) || reason.isBlank()) {
                throw new IllegalArgumentException("a difference needs another answer and a reason: " + name);
            }
            this.postgreyExpected = answer;
            this.why = reason;
            return this;
        }

        String triplet() {
            return "(" + client + ", <" + sender + ">, <" + recipient + ">)";
        }
    }

    static final class Row {
        final Step step;
        final String at;
        final String postgrey;
        final String postgreyCommon;
        final GreylistDecision ours;
        final String oursCommon;
        final long postgreyMicros;
        final long oursMicros;

        Row(Step step, String at, String postgrey, String postgreyCommon, GreylistDecision ours, String oursCommon,
                long postgreyMicros, long oursMicros) {
            this.step = step;
            this.at = at;
            this.postgrey = postgrey;
            this.postgreyCommon = postgreyCommon;
            this.ours = ours;
            this.oursCommon = oursCommon;
            this.postgreyMicros = postgreyMicros;
            this.oursMicros = oursMicros;
        }
    }

    /**
     * One connection to postgrey, kept for many requests as Postfix keeps its policy connections
     * (SMTPD_POLICY_README): {@code name=value} lines ended by an empty line, one {@code action=}
     * line and an empty line back.
     */
    private static final class PolicyClient implements AutoCloseable {
        private final Socket socket;
        private final BufferedReader in;
        private final OutputStream out;
        private int instance;

        PolicyClient() throws IOException {
            socket = new Socket();
            socket.connect(new InetSocketAddress("127.0.0.1", port), ANSWER_TIMEOUT_MS);
            socket.setSoTimeout(ANSWER_TIMEOUT_MS);
            in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            out = socket.getOutputStream();
        }

        String ask(Step s, Long policyTestTime) throws IOException {
            StringBuilder req = new StringBuilder()
                    .append("request=smtpd_access_policy\n")
                    .append("protocol_state=RCPT\n")
                    .append("protocol_name=ESMTP\n")
                    .append("client_address=").append(s.client).append('\n')
                    .append("client_name=unknown\n")
                    .append("reverse_client_name=unknown\n")
                    .append("helo_name=client.example\n")
                    .append("sender=").append(s.sender).append('\n')
                    .append("recipient=").append(s.recipient).append('\n')
                    .append("recipient_count=0\n")
                    // One transaction per step: postgrey adds its X-Greylist header once per instance.
                    .append("instance=it.").append(++instance).append('\n');
            if (policyTestTime != null) {
                req.append("policy_test_time=").append(policyTestTime).append('\n');
            }
            req.append('\n');
            out.write(req.toString().getBytes(StandardCharsets.UTF_8));
            out.flush();
            String action = null;
            for (int lines = 0; lines < 100; lines++) {
                String line = in.readLine();
                if (line == null) {
                    throw new IOException("postgrey closed the connection:\n" + logText());
                }
                if (line.isEmpty()) {
                    if (action == null) {
                        throw new IOException("postgrey answered without action=:\n" + logText());
                    }
                    return action;
                }
                if (line.startsWith("action=")) {
                    action = line;
                }
            }
            throw new IOException("postgrey's answer did not end");
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
