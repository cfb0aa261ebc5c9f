package dev.gatekeeper.policy;

import dev.gatekeeper.dns.IpAddresses;
import dev.gatekeeper.mail.DomainName;
import dev.gatekeeper.mail.Mailbox;
import dev.gatekeeper.reputation.DnsList;
import dev.gatekeeper.reputation.ReputationQuery;
import dev.gatekeeper.reputation.ReputationScore;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * One connection's DNS list answers: each distinct question (the client's address, and the names
 * the declared lists ask about as far as they are known) asked once, as soon as it is known — at
 * connect, HELO and MAIL — and read where a rule needs it. The checker bounds every answer by its
 * timeout, so a rule waits at most that long from the question's start, usually not at all.
 * Thread-safe.
 */
final class DnsListAnswers {

    /**
     * Questions kept per connection: one per HELO name and sender domain seen lately. A client
     * that sends a hundred transactions asks again only for the old ones (and the resolver's
     * cache answers those).
     */
    private static final int KEPT = 4;

    private final Map<ReputationQuery, CompletableFuture<ReputationScore>> asked = new LinkedHashMap<>(8, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<ReputationQuery, CompletableFuture<ReputationScore>> eldest) {
            return size() > KEPT;
        }
    };
    private volatile ReputationScore latest;

    /** The answer to {@code query}, asked now unless it was asked already. A failure is not kept: it is asked again. */
    synchronized CompletionStage<ReputationScore> score(ReputationQuery query, Supplier<CompletionStage<ReputationScore>> ask) {
        CompletableFuture<ReputationScore> known = asked.get(query);
        if (known != null) {
            return known;
        }
        CompletableFuture<ReputationScore> started;
        try {
            started = ask.get().toCompletableFuture();
        } catch (RuntimeException e) {
            started = CompletableFuture.failedFuture(e);
        }
        // Recorded before any rule sees the answer, so that the reply shows ${dnsbl_score}.
        CompletableFuture<ReputationScore> answer = started.thenApply(s -> {
            latest = s;
            return s;
        });
        asked.put(query, answer);
        answer.whenComplete((s, e) -> {
            if (e != null) {
                forget(query, answer);
            }
        });
        return answer;
    }

    private synchronized void forget(ReputationQuery query, CompletableFuture<ReputationScore> answer) {
        asked.remove(query, answer);
    }

    /** The answer of the latest question that has one; empty before. */
    Optional<ReputationScore> latest() {
        return Optional.ofNullable(latest);
    }

    /**
     * The question about what is known now, for the subjects the lists ask about: the client's
     * address, its verified name, a HELO name that is a domain name (not an address literal), the
     * sender's domain (not for the null sender, nor an address literal).
     */
    static ReputationQuery query(Set<DnsList.Subject> subjects, ClientFacts client, HeloIdentity helo, Mailbox sender) {
        ReputationQuery q = ReputationQuery.of(client.address());
        if (subjects.contains(DnsList.Subject.CLIENT_NAME) && client.reverseName().isPresent()) {
            Optional<DomainName> name = domain(client.reverseName().get());
            if (name.isPresent()) {
                q = q.withClientName(name.get());
            }
        }
        if (subjects.contains(DnsList.Subject.HELO) && helo != null) {
            Optional<DomainName> name = domain(helo.name);
            if (name.isPresent()) {
                q = q.withHelo(name.get());
            }
        }
        if (subjects.contains(DnsList.Subject.SENDER_DOMAIN) && sender != null && !sender.isNullPath()) {
            Optional<DomainName> name = domain(sender.domain());
            if (name.isPresent()) {
                q = q.withSenderDomain(name.get());
            }
        }
        return q;
    }

    /** A name a domain list can be asked about: not an address or address literal, and a valid domain name. */
    private static Optional<DomainName> domain(String name) {
        String n = name.strip();
        if (n.isEmpty() || n.startsWith("[") || IpAddresses.parse(n).isPresent()) {
            return Optional.empty();
        }
        try {
            return Optional.of(DomainName.parse(n));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }
}
