package dev.gatekeeper.reputation;

import dev.gatekeeper.dns.IpAddresses;
import dev.gatekeeper.mail.Mailbox;
import dev.gatekeeper.state.SharedState;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Greylisting in postgrey's model, over the {@link SharedState} (in process, or Redis shared by
 * every James node, so a retry that lands on another node passes).
 *
 * <p>The triplet is (client network, envelope sender, recipient). A new triplet is deferred for
 * the {@link GreylistSettings#delay() delay}; a retry after it, within the
 * {@link GreylistSettings#retryWindow() retry window} of the first attempt, passes, and the triplet
 * then passes at once until it has not been seen for the {@link GreylistSettings#expiry() expiry}.
 * A retry after the window starts over. A client address whose triplets passed after a delay
 * {@link GreylistSettings#autoAllowlistAfter() N} times (counted at most once an hour) is
 * allowlisted until it has not been seen for the expiry. Recipients with an exempt local part
 * (postmaster, abuse) always pass.
 *
 * <p>State, under the store's key prefix: {@code greylist:t:NETWORK/SENDER/RECIPIENT} holds
 * {@code first,last} (epoch milliseconds of the first attempt and the latest), with a lifetime of
 * what is left of the retry window until the triplet passes, then the expiry from its latest pass;
 * {@code greylist:c:ADDRESS} holds {@code count,last} with the expiry as lifetime. The store's key
 * lifetimes do the forgetting (postgrey's nightly maintenance).
 *
 * <p>Reads and writes are separate operations, not one atomic step: two nodes that see the same
 * new triplet at the same moment both write a first attempt, a few milliseconds apart, and two
 * passes of one client within the same hour may count once, as postgrey's hourly rule counts them
 * anyway. No race lets a triplet pass before its delay.
 *
 * <p>{@link #check} never throws and its stage never completes exceptionally: a store that fails
 * gives {@link GreylistDecision.Result#STATE_UNAVAILABLE}. Thread-safe.
 */
public final class Greylist {

    private static final Logger LOG = LoggerFactory.getLogger(Greylist.class);

    /** postgrey counts a client's successful retries at most once an hour, and refreshes an allowlisted client's entry as often. */
    static final Duration AUTO_ALLOWLIST_COUNT_INTERVAL = Duration.ofHours(1);
    static final String TRIPLET_PREFIX = "greylist:t:";
    static final String CLIENT_PREFIX = "greylist:c:";

    /**
     * postgrey's {@code \b\d+\b} as Perl runs it over the bytes of the address: a word character is
     * {@code [A-Za-z0-9_]}, so the digits of {@code news-ö123} stand as a word. Java's {@code \b}
     * takes {@code ö} for a letter up to JDK 18 and not from JDK 19 (JDK-8264160): spelled out, the
     * triplet no longer depends on the JDK.
     */
    private static final Pattern DIGIT_WORD = Pattern.compile("(?<![A-Za-z0-9_])[0-9]+(?![A-Za-z0-9_])");
    private static final Pattern BATV_TAG = Pattern.compile("^[0-9a-z]{10}.*");

    private final GreylistSettings settings;
    private final SharedState state;
    private final Clock clock;

    private Greylist(GreylistSettings settings, SharedState state, Clock clock) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.state = Objects.requireNonNull(state, "state");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** A greylist over this state; the clock decides every delay and window. */
    public static Greylist create(GreylistSettings settings, SharedState state, Clock clock) {
        return new Greylist(settings, state, clock);
    }

    public GreylistSettings settings() {
        return settings;
    }

    /**
     * Decides for one recipient of a transaction, and records the attempt.
     *
     * @param client the SMTP client's address
     * @param sender the MAIL FROM reverse-path ({@link Mailbox#nullPath()} for {@code <>})
     * @param recipient one RCPT TO forward-path
     */
    public CompletionStage<GreylistDecision> check(InetAddress client, Mailbox sender, Mailbox recipient) {
        try {
            Objects.requireNonNull(client, "client");
            Objects.requireNonNull(sender, "sender");
            Objects.requireNonNull(recipient, "recipient");
            if (isExempt(recipient)) {
                return CompletableFuture.completedFuture(GreylistDecision.allowlisted(GreylistDecision.Reason.EXEMPT_RECIPIENT));
            }
            long now = clock.millis();
            String tripletKey = tripletKey(client, sender, recipient);
            String clientKey = clientKey(client);
            CompletableFuture<Optional<String>> clientRead = settings.autoAllowlistAfter() > 0
                    ? state.get(clientKey).toCompletableFuture() : CompletableFuture.completedFuture(Optional.empty());
            CompletableFuture<Optional<String>> tripletRead = state.get(tripletKey).toCompletableFuture();
            return clientRead.thenCombine(tripletRead, (c, t) -> new Reads(Entry.parse(c), Entry.parse(t)))
                    .thenCompose(r -> decide(now, tripletKey, clientKey, r))
                    .handle((decision, failure) -> {
                        if (failure == null) {
                            return decision;
                        }
                        return failed(failure);
                    });
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(failed(e));
        }
    }

    private CompletionStage<GreylistDecision> decide(long now, String tripletKey, String clientKey, Reads r) {
        long delay = settings.delay().toMillis();
        long window = settings.retryWindow().toMillis();
        long expiry = settings.expiry().toMillis();
        long hour = AUTO_ALLOWLIST_COUNT_INTERVAL.toMillis();
        int allowAfter = settings.autoAllowlistAfter();
        Entry awl = r.client;

        if (allowAfter > 0 && awl != null && awl.a >= allowAfter) {
            GreylistDecision d = GreylistDecision.allowlisted(GreylistDecision.Reason.AUTO_ALLOWLISTED_CLIENT);
            if (now >= awl.b + hour || awl.b > now) {
                return state.put(clientKey, (awl.a + 1) + "," + now, Duration.ofMillis(expiry)).thenApply(v -> d);
            }
            return CompletableFuture.completedFuture(d);
        }

        Entry seen = r.triplet;
        long first;
        boolean passedBefore = false;
        GreylistDecision.Reason deferReason;
        if (seen == null) {
            first = now;
            deferReason = GreylistDecision.Reason.NEW_TRIPLET;
        } else {
            first = seen.a;
            passedBefore = seen.b - seen.a >= delay;
            deferReason = GreylistDecision.Reason.EARLY_RETRY;
            if (!passedBefore && now - first > window) {
                first = now;
                deferReason = GreylistDecision.Reason.RETRY_WINDOW_EXPIRED;
            }
            if (first > now) {
                // Another node's clock runs ahead: take the attempt as new rather than wait for that clock.
                first = now;
            }
        }
        long elapsed = now - first;
        long left = delay - elapsed;
        // Alive at first + window itself: a retry exactly then still passes, as in postgrey (now - first > window starts over).
        long lifetime = left > 0 ? first + window - now + 1 : expiry;
        CompletableFuture<Void> writes = state.put(tripletKey, first + "," + now, Duration.ofMillis(lifetime))
                .toCompletableFuture();
        if (left <= 0 && !passedBefore && allowAfter > 0 && (awl == null || now >= awl.b + hour || awl.b > now)) {
            long count = awl == null ? 1 : awl.a + 1;
            if (count == allowAfter) {
                LOG.info("greylist: client {} auto-allowlisted after {} successful retries", clientKey.substring(CLIENT_PREFIX.length()),
                        count);
            }
            writes = writes.thenCombine(state.put(clientKey, count + "," + now, Duration.ofMillis(expiry)), (a, b) -> null);
        }
        GreylistDecision decision;
        if (left > 0) {
            decision = GreylistDecision.defer(deferReason, Duration.ofMillis(left));
        } else if (!passedBefore) {
            decision = GreylistDecision.pass(GreylistDecision.Reason.RETRIED_AFTER_DELAY, Duration.ofMillis(elapsed));
        } else {
            decision = GreylistDecision.pass(GreylistDecision.Reason.KNOWN_TRIPLET, Duration.ZERO);
        }
        return writes.thenApply(v -> decision);
    }

    private GreylistDecision failed(Throwable failure) {
        Throwable t = failure;
        while (t instanceof CompletionException && t.getCause() != null) {
            t = t.getCause();
        }
        LOG.debug("greylist: state {} failed", state.describe(), t);
        String message = t.getMessage();
        return GreylistDecision.unavailable(state.describe() + ": " + (message == null ? t.getClass().getSimpleName() : message));
    }

    private boolean isExempt(Mailbox recipient) {
        if (recipient.isNullPath()) {
            return false;
        }
        return settings.exemptRecipients().contains(withoutExtension(recipient.localPart().toLowerCase(Locale.ROOT)));
    }

    /** {@code greylist:t:192.0.2.0/24/sender@example.org/rcpt@example.net}, lower case. */
    String tripletKey(InetAddress client, Mailbox sender, Mailbox recipient) {
        return TRIPLET_PREFIX + network(client) + "/" + senderKey(sender) + "/" + recipient.key();
    }

    static String clientKey(InetAddress client) {
        return CLIENT_PREFIX + IpAddresses.toInetAddress(IpAddresses.octets(client)).getHostAddress();
    }

    /** The client's network: {@code 192.0.2.0/24}, {@code 2001:db8:0:1:0:0:0:0/64}. */
    String network(InetAddress client) {
        byte[] b = IpAddresses.octets(client).clone();
        int prefix = b.length == 4 ? settings.ipv4Prefix() : settings.ipv6Prefix();
        for (int i = 0; i < b.length; i++) {
            int keep = Math.max(0, Math.min(8, prefix - i * 8));
            b[i] &= (byte) (0xff << (8 - keep));
        }
        return IpAddresses.toInetAddress(b).getHostAddress() + "/" + prefix;
    }

    /** The sender as the triplet holds it: "" for {@code <>}, normalized as postgrey does unless switched off. */
    String senderKey(Mailbox sender) {
        if (sender.isNullPath()) {
            return "";
        }
        String local = sender.localPart().toLowerCase(Locale.ROOT);
        if (settings.normalizeSender()) {
            local = normalizeLocalPart(local);
        }
        return sender.domain().isEmpty() ? local : local + "@" + sender.domain().toLowerCase(Locale.ROOT);
    }

    /**
     * postgrey's sender substitutions: BATV ({@code prvs=tag=user} or {@code prvs=user=tag}, the
     * tag ten letters or digits first) keeps the user; a {@code +extension} goes; each run of digits
     * standing as a word becomes {@code #} (VERP counters).
     */
    static String normalizeLocalPart(String local) {
        String user = local;
        if (user.startsWith("prvs=")) {
            String[] a = user.split("=", -1);
            if (a.length == 3) {
                boolean tag1 = BATV_TAG.matcher(a[1]).matches();
                boolean tag2 = BATV_TAG.matcher(a[2]).matches();
                user = tag2 && !tag1 ? a[1] : a[2];
            }
        }
        user = withoutExtension(user);
        return DIGIT_WORD.matcher(user).replaceAll("#");
    }

    private static String withoutExtension(String local) {
        int plus = local.indexOf('+');
        return plus < 0 ? local : local.substring(0, plus);
    }

    private static final class Reads {
        final Entry client;
        final Entry triplet;

        Reads(Entry client, Entry triplet) {
            this.client = client;
            this.triplet = triplet;
        }
    }

    /** Two numbers stored as {@code a,b}; a value that does not read is taken as absent. */
    private static final class Entry {
        final long a;
        final long b;

        private Entry(long a, long b) {
            this.a = a;
            this.b = b;
        }

        static Entry parse(Optional<String> value) {
            if (value.isEmpty()) {
                return null;
            }
            String v = value.get();
            int comma = v.indexOf(',');
            try {
                return comma < 0 ? null : new Entry(Long.parseLong(v.substring(0, comma)), Long.parseLong(v.substring(comma + 1)));
            } catch (NumberFormatException e) {
                LOG.debug("greylist: ignoring an entry that does not read: {}", v);
                return null;
            }
        }
    }
}
