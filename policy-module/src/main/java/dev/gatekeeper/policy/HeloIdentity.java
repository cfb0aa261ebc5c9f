package dev.gatekeeper.policy;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * The name the client gave in HELO or EHLO, and its SPF answer (the HELO identity, RFC 7208 §2.3),
 * asked the first time a rule needs it and at most once per name. Another name is another object.
 * Thread-safe.
 */
final class HeloIdentity {

    final String name;
    private CompletableFuture<SpfAnswer> spf;
    private volatile SpfAnswer known;

    HeloIdentity(String name) {
        this.name = name;
    }

    synchronized CompletionStage<SpfAnswer> spf(Supplier<CompletionStage<SpfAnswer>> ask) {
        if (spf == null) {
            spf = ask.get().toCompletableFuture().thenApply(s -> {
                known = s;
                return s;
            });
        }
        return spf;
    }

    /** The SPF answer, once there is one; null before. */
    SpfAnswer knownSpf() {
        return known;
    }
}
