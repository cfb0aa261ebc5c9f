package dev.gatekeeper.policy;

import dev.gatekeeper.dns.SettingValues;
import dev.gatekeeper.state.SharedState;
import dev.gatekeeper.state.WindowCount;
import dev.gatekeeper.state.WindowRequest;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code <rate key="authenticated-user" measure="recipients" limit="100" per="10m"/>}: matches when
 * this event would take the key's rate over the limit, and then sets {@code ${retry_after}}. The
 * event is counted when the condition is evaluated (see README-state.md for the exact semantics).
 */
final class RateCondition extends Condition.Base {

    private static final Logger LOG = LoggerFactory.getLogger(RateCondition.class);

    static final ConditionType TYPE = ConditionType.of("rate", Set.of("key", "measure", "limit", "per", "mode", "ipv4-prefix",
            "ipv6-prefix", "on-failure", "counter"), RateCondition::read);

    /** What identifies the sender whose rate is counted, and what that reads. */
    enum Key {
        CLIENT_ADDRESS(Datum.CLIENT),
        CLIENT_NETWORK(Datum.CLIENT),
        SENDER_ADDRESS(Datum.SENDER),
        SENDER_DOMAIN(Datum.SENDER),
        AUTHENTICATED_USER(Datum.AUTH),
        RECIPIENT_DOMAIN(Datum.RECIPIENT);

        final Datum datum;

        Key(Datum datum) {
            this.datum = datum;
        }

        String keyword() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    /** What is counted, and at which stages it is known. */
    enum Measure {
        CONNECTIONS(EnumSet.of(Stage.CONNECT)),
        MESSAGES(EnumSet.of(Stage.MAIL, Stage.DATA)),
        RECIPIENTS(EnumSet.of(Stage.RCPT, Stage.DATA)),
        BYTES(EnumSet.of(Stage.MAIL, Stage.DATA));

        final Set<Stage> stages;

        Measure(Set<Stage> stages) {
            this.stages = stages;
        }
    }

    private final List<Key> keys;
    private final Measure measure;
    private final long limit;
    private final Duration window;
    private final boolean strict;
    private final boolean update;
    private final int ipv4Prefix;
    private final int ipv6Prefix;
    private final boolean tempfailOnFailure;
    private final String counter;
    private final Clock clock;
    /** Set during a store outage, so that the warning is logged once per outage, not per mail. */
    private final AtomicBoolean failing = new AtomicBoolean();

    private RateCondition(List<Key> keys, Measure measure, long limit, Duration window, String mode, int ipv4Prefix,
            int ipv6Prefix, boolean tempfailOnFailure, String counter, Clock clock, String description) {
        super(description, Datum.latest(keys.stream().map(k -> k.datum).collect(Collectors.toList())), false);
        this.keys = List.copyOf(keys);
        this.measure = measure;
        this.limit = limit;
        this.window = window;
        this.strict = mode.equals("strict");
        this.update = !mode.equals("read-only");
        this.ipv4Prefix = ipv4Prefix;
        this.ipv6Prefix = ipv6Prefix;
        this.tempfailOnFailure = tempfailOnFailure;
        this.counter = counter;
        this.clock = clock;
    }

    private static Condition read(ExtensionConfig config) {
        Map<String, String> attributes = new HashMap<>();
        for (String name : config.parameterNames()) {
            attributes.put(name, config.parameter(name).orElseThrow());
        }
        return parse(attributes, config.stage(), config.clock());
    }

    /**
     * Reads the element's attributes.
     *
     * @throws IllegalArgumentException naming the attribute at fault
     */
    private static RateCondition parse(Map<String, String> a, Stage stage, Clock clock) {
        String keyText = required(a, "key");
        List<Key> keys = new ArrayList<>();
        for (String w : keyText.split("[\\s,+]+")) {
            if (w.isEmpty()) {
                continue;
            }
            Key k;
            try {
                k = Key.valueOf(w.toUpperCase(Locale.ROOT).replace('-', '_'));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("unknown key '" + w + "' (client-address, client-network, sender-address, "
                        + "sender-domain, authenticated-user, recipient-domain)");
            }
            // A rate counts its event when it is evaluated, so it is never decided later (delayed
            // rejection or not): its key must be known at the stage of its measure.
            if (!k.datum.knownAt(stage)) {
                throw new IllegalArgumentException("key " + k.keyword() + " is not known at the " + stage.keyword() + " stage");
            }
            if (!keys.contains(k)) {
                keys.add(k);
            }
        }
        Measure measure;
        try {
            measure = Measure.valueOf(required(a, "measure").toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("measure is connections, messages, recipients or bytes, not '" + a.get("measure") + "'");
        }
        if (!measure.stages.contains(stage)) {
            throw new IllegalArgumentException(measure.name().toLowerCase(Locale.ROOT) + " are counted at the "
                    + measure.stages.stream().map(Stage::keyword).collect(Collectors.joining(" or ")) + " stage, not at "
                    + stage.keyword());
        }
        long limit;
        try {
            limit = Long.parseLong(required(a, "limit"));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("limit is a whole number, not '" + a.get("limit") + "'");
        }
        if (limit < 0) {
            throw new IllegalArgumentException("limit must not be negative");
        }
        Duration window = SettingValues.duration("per", required(a, "per"));
        if (window.getSeconds() < 1 || window.getNano() % 1_000_000 != 0) {
            throw new IllegalArgumentException("per must be at least 1s and whole milliseconds, not '" + a.get("per") + "'");
        }
        String mode = a.getOrDefault("mode", "leaky").strip();
        if (!Set.of("leaky", "strict", "read-only").contains(mode)) {
            throw new IllegalArgumentException("mode is leaky, strict or read-only, not '" + mode + "'");
        }
        int v4 = prefix(a, "ipv4-prefix", 24, 32);
        int v6 = prefix(a, "ipv6-prefix", 64, 128);
        String failure = a.getOrDefault("on-failure", "ignore").strip();
        if (!failure.equals("ignore") && !failure.equals("tempfail")) {
            throw new IllegalArgumentException("on-failure is ignore or tempfail, not '" + failure + "'");
        }
        String counter = a.getOrDefault("counter", "").strip();
        if (!counter.matches("[A-Za-z0-9._-]*")) {
            throw new IllegalArgumentException("counter is a word of letters, digits, '.', '_' or '-': '" + counter + "'");
        }
        String keyWords = keys.stream().map(Key::keyword).collect(Collectors.joining("+"));
        String d = "rate key=" + keyWords + " measure=" + measure.name().toLowerCase(Locale.ROOT) + " limit=" + limit
                + " per=" + a.get("per").strip() + (mode.equals("leaky") ? "" : " mode=" + mode);
        return new RateCondition(keys, measure, limit, window, mode, v4, v6, failure.equals("tempfail"),
                counter.isEmpty() ? measure.name().toLowerCase(Locale.ROOT) + "." + window.toMillis() + "." + keyWords : counter,
                clock, d);
    }

    private static String required(Map<String, String> a, String name) {
        String v = a.get(name);
        if (v == null || v.isBlank()) {
            throw new IllegalArgumentException("needs " + name + "=\"...\"");
        }
        return v.strip();
    }

    private static int prefix(Map<String, String> a, String name, int dflt, int max) {
        if (!a.containsKey(name)) {
            return dflt;
        }
        int v = SettingValues.integer(name, a.get(name));
        if (v < 0 || v > max) {
            throw new IllegalArgumentException(name + " is between 0 and " + max + ", not " + v);
        }
        return v;
    }

    @Override
    public CompletionStage<Match> match(StageContext ev) {
        Optional<String> key = key(ev);
        if (key.isEmpty()) {
            return CompletableFuture.completedFuture(Match.no("rate: no " + keys.stream().map(Key::keyword)
                    .collect(Collectors.joining("+")) + " to count by"));
        }
        long amount = amount(ev);
        if (amount < 0) {
            return CompletableFuture.completedFuture(Match.no("rate: message size not known"));
        }
        SharedState state = ev.session.engine.state();
        WindowRequest request = WindowRequest.of(amount, limit, window, clock.instant());
        request = strict ? request.strict() : request;
        request = update ? request : request.readOnly();
        CompletionStage<WindowCount> counted;
        try {
            counted = state.count(counter + ":" + key.get(), request);
        } catch (RuntimeException e) {
            counted = CompletableFuture.failedFuture(e);
        }
        return counted.handle((c, e) -> {
            if (e != null) {
                return failed(state, e);
            }
            if (failing.compareAndSet(true, false)) {
                LOG.warn("{}: counter store {} answers again; the limit is enforced again", describe(), state.describe());
            }
            String subject = key.get();
            if (!c.exceeded()) {
                return Match.of(false, () -> "rate of " + subject + " " + c + " per " + window.getSeconds() + "s");
            }
            long retryAfter = c.retryAfter().getSeconds();
            ev.retryAfterSeconds = retryAfter;
            return Match.yes(() -> "rate of " + subject + " " + c + " per " + window.getSeconds() + "s, retry after " + retryAfter + "s");
        });
    }

    private Match failed(SharedState state, Throwable e) {
        Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
        if (failing.compareAndSet(false, true)) {
            LOG.warn("{}: counter store {} failed ({}); {} until it answers again", describe(), state.describe(),
                    cause.getMessage(), tempfailOnFailure ? "answering 451 4.3.0" : "the limit is not enforced");
        }
        if (tempfailOnFailure) {
            throw new CompletionException(new QuietFailure("counter store unavailable: " + cause.getMessage(), cause));
        }
        return Match.no("rate: counter store unavailable, limit not enforced");
    }

    private long amount(StageContext ev) {
        switch (measure) {
            case RECIPIENTS:
                return ev.stage == Stage.DATA ? ev.recipientCount() : 1;
            case BYTES:
                return ev.transaction.messageSize();
            default:
                return 1;
        }
    }

    private Optional<String> key(StageContext ev) {
        List<String> parts = new ArrayList<>();
        for (Key k : keys) {
            Optional<String> p;
            switch (k) {
                case CLIENT_ADDRESS:
                    p = Optional.of(ev.clientAddress().getHostAddress());
                    break;
                case CLIENT_NETWORK:
                    p = Optional.of(network(ev.clientAddress()));
                    break;
                case SENDER_ADDRESS:
                    p = ev.sender().map(s -> s.isNullPath() ? "<>" : s.key());
                    break;
                case SENDER_DOMAIN:
                    p = ev.sender().map(s -> s.isNullPath() ? "<>" : s.domain());
                    break;
                case AUTHENTICATED_USER:
                    p = ev.authenticatedUser().map(u -> u.toLowerCase(Locale.ROOT));
                    break;
                default:
                    p = ev.recipient().map(r -> r.domain());
                    break;
            }
            if (p.isEmpty()) {
                return Optional.empty();
            }
            parts.add(p.get());
        }
        return Optional.of(String.join("|", parts));
    }

    /** The client's network: its address with the host bits cleared, and the prefix length. */
    String network(InetAddress a) {
        int bits = a instanceof Inet4Address ? ipv4Prefix : ipv6Prefix;
        byte[] b = a.getAddress();
        for (int i = 0; i < b.length; i++) {
            int keep = Math.max(0, Math.min(8, bits - 8 * i));
            b[i] = (byte) (b[i] & (0xff << (8 - keep)));
        }
        try {
            return InetAddress.getByAddress(b).getHostAddress() + "/" + bits;
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e); // a 4- or 16-byte array is always an address
        }
    }

    /** A failure already logged once per outage: the session answers 451 4.3.0 without logging it again. */
    static final class QuietFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;

        QuietFailure(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
