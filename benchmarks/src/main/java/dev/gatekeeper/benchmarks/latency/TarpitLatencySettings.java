package dev.gatekeeper.benchmarks.latency;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The command line of {@link TarpitLatency}, {@code key=value} words, parsed once: an unknown or
 * repeated key, or a value out of range, is refused with a message naming it.
 */
final class TarpitLatencySettings {

    /** Every key with its default, in the order the usage line shows them. */
    static final Map<String, String> DEFAULTS = defaults();

    private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m)");

    final String james;
    /** Concurrent neighbour clients, each running its sessions one after another. */
    final int neighbours;
    /** Sessions each neighbour runs in a timed phase. */
    final int sessions;
    /** How often each neighbour starts a session (a fixed rate, so that both phases offer the same load). */
    final Duration interval;
    /** Concurrent tarpit senders in phase (b): each keeps one RCPT waiting for its callout. */
    final int tarpits;
    /** How long the tarpit mail host waits before its greeting. */
    final Duration tarpitDelay;
    /** Gatekeeper's {@code <calloutWait>}: the longest a RCPT waits for a callout. */
    final Duration calloutWait;
    /** The callout's {@code <commandTimeout>}, the greeting's wait included. */
    final Duration commandTimeout;
    /** Untimed sessions sent to each James (at full speed) before the first timed phase. */
    final int warmup;
    /** Timed rounds; each runs (a) and (b) on each James, the order rotating. */
    final int rounds;
    final int mailboxes;
    /**
     * A hosts file for James's own reverse lookup of each client address (default: yes; without
     * it this machine's resolver now and then took 5 or 10 s to answer, and the connect waited).
     */
    final boolean hostsFile;
    /** One more option for each James JVM, or null. */
    final String jvmArg;
    /** {@code <ioWorkerCount>} for both Jameses (3.8.1 runs the hooks there), or 0 for conf/'s. */
    final int ioWorkerCount;
    /** {@code <maxExecutorCount>} for both Jameses (3.8.2+ run the hooks there), or 0 for conf/'s. */
    final int maxExecutorCount;

    private TarpitLatencySettings(Map<String, String> v) {
        james = v.get("james");
        neighbours = positive(v, "neighbours", 1000);
        sessions = positive(v, "sessions", 100_000);
        interval = duration(v, "interval");
        tarpits = positive(v, "tarpits", 1000);
        tarpitDelay = duration(v, "tarpitDelay");
        calloutWait = duration(v, "calloutWait");
        commandTimeout = duration(v, "commandTimeout");
        warmup = notNegative(v, "warmup");
        rounds = positive(v, "rounds", 100);
        mailboxes = positive(v, "mailboxes", 100_000);
        hostsFile = bool(v, "hostsFile");
        jvmArg = v.get("jvmArg").isEmpty() ? null : v.get("jvmArg");
        ioWorkerCount = v.get("ioWorkerCount").isEmpty() ? 0 : positive(v, "ioWorkerCount", 1024);
        maxExecutorCount = v.get("maxExecutorCount").isEmpty() ? 0 : positive(v, "maxExecutorCount", 1024);
        if (calloutWait.isZero() || commandTimeout.isZero()) {
            throw new IllegalArgumentException("calloutWait and commandTimeout must be above zero");
        }
    }

    static TarpitLatencySettings parse(String... args) {
        Map<String, String> values = new LinkedHashMap<>(DEFAULTS);
        Map<String, String> given = new LinkedHashMap<>();
        for (String arg : args) {
            int eq = arg.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("not key=value: '" + arg + "' (" + usage() + ")");
            }
            String key = arg.substring(0, eq);
            if (!DEFAULTS.containsKey(key)) {
                throw new IllegalArgumentException("unknown key '" + key + "' (" + usage() + ")");
            }
            if (given.put(key, arg.substring(eq + 1)) != null) {
                throw new IllegalArgumentException("key '" + key + "' given twice");
            }
        }
        values.putAll(given);
        return new TarpitLatencySettings(values);
    }

    static String usage() {
        StringBuilder sb = new StringBuilder("keys:");
        DEFAULTS.forEach((k, v) -> sb.append(' ').append(k).append('=').append(v.isEmpty() ? "<none>" : v));
        return sb.toString();
    }

    private static Map<String, String> defaults() {
        Map<String, String> d = new LinkedHashMap<>();
        d.put("james", "3.9.0");
        d.put("neighbours", "20");
        d.put("sessions", "50");
        d.put("interval", "250ms");
        d.put("tarpits", "50");
        d.put("tarpitDelay", "20s");
        d.put("calloutWait", "2s");
        d.put("commandTimeout", "15s");
        d.put("warmup", "3000");
        d.put("rounds", "1");
        d.put("mailboxes", "200");
        d.put("hostsFile", "true");
        d.put("jvmArg", "");
        d.put("ioWorkerCount", "");
        d.put("maxExecutorCount", "");
        return Collections.unmodifiableMap(d);
    }

    /** {@code 250ms}, {@code 20s}, {@code 2m}. */
    static Duration parseDuration(String key, String text) {
        Matcher m = DURATION.matcher(text.strip().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException(key + "=" + text + ": a duration is a whole number with ms, s or m");
        }
        long n = Long.parseLong(m.group(1));
        switch (m.group(2)) {
            case "ms":
                return Duration.ofMillis(n);
            case "s":
                return Duration.ofSeconds(n);
            default:
                return Duration.ofMinutes(n);
        }
    }

    private static Duration duration(Map<String, String> v, String key) {
        return parseDuration(key, v.get(key));
    }

    private static int positive(Map<String, String> v, String key, int max) {
        int n = integer(v, key);
        if (n < 1 || n > max) {
            throw new IllegalArgumentException(key + "=" + n + ": must be within 1-" + max);
        }
        return n;
    }

    private static int notNegative(Map<String, String> v, String key) {
        int n = integer(v, key);
        if (n < 0) {
            throw new IllegalArgumentException(key + "=" + n + ": must not be negative");
        }
        return n;
    }

    private static int integer(Map<String, String> v, String key) {
        try {
            return Integer.parseInt(v.get(key).strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + "=" + v.get(key) + ": not a whole number");
        }
    }

    private static boolean bool(Map<String, String> v, String key) {
        String s = v.get(key).strip();
        if (!List.of("true", "false").contains(s)) {
            throw new IllegalArgumentException(key + "=" + s + ": true or false");
        }
        return s.equals("true");
    }
}
