package dev.gatekeeper.policy;

import dev.gatekeeper.dmarc.MessageAuthentication;
import dev.gatekeeper.mail.Mailbox;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * One mail transaction (RFC 5321 §3.3): from MAIL — or, for the transaction not begun yet, from
 * the connection's start, HELO or RSET — to the next of those. What its commands told (sender,
 * size, recipients accepted), the tags its rules recorded, MAIL's held refusal and rules left for
 * RCPT, and the SPF and callout answers asked for it, each asked at most once.
 *
 * <p>A new transaction is a new object, never a cleared one: an evaluation keeps the transaction
 * it began in, so one that finishes after the adapter stopped waiting writes only into its own,
 * finished, transaction. Thread-safe: evaluations finish on the threads that complete the checks.
 */
final class TransactionState {

    /** The MAIL FROM address; null before MAIL, or when it was not an RFC 5321 path. */
    final Mailbox sender;
    /** MAIL's held refusal, and its rules left for RCPT: they last the transaction. */
    final HeldDecisions decisions = new HeldDecisions();
    /** SIZE= from MAIL (RFC 1870), then the received size at the end of DATA; -1 when not known. */
    private volatile long messageSize;
    private final AtomicInteger recipients = new AtomicInteger();
    private final Set<String> tags = ConcurrentHashMap.newKeySet();
    private final Map<String, CompletableFuture<CalloutAnswer>> callouts = new HashMap<>();
    private CompletableFuture<SpfAnswer> mailFromSpf;
    private CompletableFuture<MessageAuthentication> message;
    private volatile MessageAuthentication knownMessage;
    private volatile SpfAnswer knownMailFromSpf;
    /** The longest wait of a greylisted triplet that passed in this transaction, in seconds; -1: none. */
    private final AtomicLong greylistWaited = new AtomicLong(-1);

    /** The transaction not begun yet. */
    TransactionState() {
        this(null, -1);
    }

    /** The transaction MAIL begins. */
    TransactionState(Mailbox sender, long declaredSize) {
        this.sender = sender;
        this.messageSize = declaredSize;
    }

    long messageSize() {
        return messageSize;
    }

    /** The end of DATA: the size received, in octets. */
    void received(long size) {
        messageSize = size;
    }

    /** Recipients accepted so far. */
    int recipients() {
        return recipients.get();
    }

    void recipientAccepted() {
        recipients.incrementAndGet();
    }

    /** A recipient's triplet passed greylisting after waiting {@code seconds} (postgrey's "delayed N seconds"). */
    void greylistPassed(long seconds) {
        greylistWaited.accumulateAndGet(seconds, Math::max);
    }

    long greylistWaitedSeconds() {
        return greylistWaited.get();
    }

    void tag(String label) {
        tags.add(label);
    }

    Set<String> tags() {
        return tags.isEmpty() ? Set.of() : Set.copyOf(tags);
    }

    boolean hasTags() {
        return !tags.isEmpty();
    }

    /** SPF for MAIL FROM, asked the first time a rule needs it. */
    synchronized CompletionStage<SpfAnswer> mailFromSpf(Supplier<CompletionStage<SpfAnswer>> ask) {
        if (mailFromSpf == null) {
            // Recorded before any rule sees the answer, so that the reply shows ${spf_explanation}.
            mailFromSpf = ask.get().toCompletableFuture().thenApply(s -> {
                knownMailFromSpf = s;
                return s;
            });
        }
        return mailFromSpf;
    }

    /** DKIM and DMARC of the message, asked the first time a rule needs them. */
    synchronized CompletionStage<MessageAuthentication> message(Supplier<CompletionStage<MessageAuthentication>> ask) {
        if (message == null) {
            // Recorded before any rule sees the answer, so that the reply shows ${dmarc_domain}.
            message = ask.get().toCompletableFuture().thenApply(m -> {
                knownMessage = m;
                return m;
            });
        }
        return message;
    }

    /** The message's DKIM and DMARC answer, once there is one; null before. */
    MessageAuthentication knownMessage() {
        return knownMessage;
    }

    /** The MAIL FROM SPF answer, once there is one; null before. */
    SpfAnswer knownMailFromSpf() {
        return knownMailFromSpf;
    }

    /** A callout of {@code address}, asked the first time a rule needs it. */
    synchronized CompletionStage<CalloutAnswer> callout(Mailbox address, Supplier<CompletionStage<CalloutAnswer>> ask) {
        return callouts.computeIfAbsent(address.key(), k -> ask.get().toCompletableFuture());
    }
}
