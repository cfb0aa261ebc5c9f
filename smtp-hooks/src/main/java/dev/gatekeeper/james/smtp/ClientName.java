package dev.gatekeeper.james.smtp;

import dev.gatekeeper.dns.AddressRecord;
import dev.gatekeeper.dns.DnsAnswer;
import dev.gatekeeper.dns.DnsNames;
import dev.gatekeeper.dns.DnsRecord;
import dev.gatekeeper.dns.DnsResolver;
import dev.gatekeeper.dns.PtrRecord;
import dev.gatekeeper.dns.RecordType;
import dev.gatekeeper.mail.DomainName;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.stream.Collectors;

/**
 * The client's verified reverse name (forward-confirmed reverse DNS, "FCrDNS"): a PTR name of the
 * client address whose own A (AAAA for an IPv6 client) records contain that address. The same test
 * as Postfix's {@code reject_unknown_client_hostname}: no PTR, no address for the name, or
 * addresses that do not include the client's all mean "unknown". A lookup that fails (timeout,
 * SERVFAIL) is "unknown" too: the policy cannot tell it apart, so a rule on {@code unknown="true"}
 * should defer rather than reject.
 */
final class ClientName {

    /** At most this many PTR names are confirmed, as RFC 7208 §4.6.4 bounds the SPF {@code ptr} mechanism. */
    static final int MAX_PTR_NAMES = 10;

    private ClientName() {
    }

    /** The first PTR name (in answer order) that resolves back to {@code client}; empty when none does. */
    static CompletionStage<Optional<String>> verified(DnsResolver resolver, InetAddress client) {
        RecordType forward = client instanceof Inet6Address ? RecordType.AAAA : RecordType.A;
        return resolver.lookup(DnsNames.reverseName(client), RecordType.PTR).thenCompose(ptr -> {
            List<String> names = names(ptr);
            if (names.size() == 1) {
                // Nearly every client has one PTR name: one lookup, no fan-out.
                String name = names.get(0);
                return resolver.lookup(name, forward)
                        .handle((a, e) -> e == null && contains(a, client) ? Optional.of(name) : Optional.<String>empty());
            }
            List<CompletableFuture<Boolean>> confirmations = names.stream()
                    .map(n -> resolver.lookup(n, forward)
                            .thenApply(a -> contains(a, client))
                            .exceptionally(e -> false)
                            .toCompletableFuture())
                    .collect(Collectors.toList());
            return CompletableFuture.allOf(confirmations.toArray(CompletableFuture[]::new)).thenApply(done -> {
                for (int i = 0; i < names.size(); i++) {
                    if (confirmations.get(i).join()) {
                        return Optional.of(names.get(i));
                    }
                }
                return Optional.<String>empty();
            });
        });
    }

    private static List<String> names(DnsAnswer ptr) {
        if (ptr.isTempfail() || ptr.isEmpty()) {
            return List.of();
        }
        List<String> names = new ArrayList<>(1);
        for (DnsRecord r : ptr.records()) {
            String name = r instanceof PtrRecord ? DomainName.canonical(((PtrRecord) r).target()) : "";
            if (!name.isEmpty() && !names.contains(name)) {
                names.add(name);
                if (names.size() == MAX_PTR_NAMES) {
                    break;
                }
            }
        }
        return names;
    }

    private static boolean contains(DnsAnswer answer, InetAddress client) {
        if (answer.isTempfail()) {
            return false;
        }
        for (DnsRecord r : answer.records()) {
            if (r instanceof AddressRecord && ((AddressRecord) r).address().equals(client)) {
                return true;
            }
        }
        return false;
    }
}
