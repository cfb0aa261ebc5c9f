package dev.gatekeeper.dns;

import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The engines' only way to the DNS. A lookup never throws and never completes exceptionally:
 * every failure is a {@link DnsAnswer.Status#TEMPFAIL} answer. CNAME chains are followed.
 *
 * <p>Implementations: {@code DnsjavaResolver} for the network, {@link ZoneResolver} for zone data
 * held in memory (tests, and the command line's {@code --zone}).
 */
public interface DnsResolver {

    /** Looks up the records of one type at a name (absolute, with or without trailing dot). */
    CompletionStage<DnsAnswer> lookup(String name, RecordType type);

    /** For callers that want to block: waits at most {@code timeout}, then answers TEMPFAIL. */
    default DnsAnswer lookupBlocking(String name, RecordType type, Duration timeout) {
        try {
            return lookup(name, type).toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return DnsAnswer.tempfail("interrupted");
        } catch (TimeoutException e) {
            return DnsAnswer.tempfail("timed out after " + timeout.toMillis() + " ms");
        } catch (ExecutionException e) {
            return DnsAnswer.tempfail(String.valueOf(e.getCause()));
        }
    }
}
