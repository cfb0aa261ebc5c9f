package dev.gatekeeper.policy;

import dev.gatekeeper.dns.IpAddresses;
import dev.gatekeeper.callout.CalloutStatus;
import dev.gatekeeper.spf.SpfResult;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** The built-in conditions. */
final class Conditions {

    /** Whose address a condition looks at. */
    enum Party {
        SENDER,
        RECIPIENT;

        String keyword() {
            return name().toLowerCase(Locale.ROOT);
        }

        Optional<SmtpAddress> of(Evaluation ev) {
            return this == SENDER ? ev.sender() : ev.recipient();
        }
    }

    /** One entry of a client-address list; a negated entry that matches ends the list with "no". */
    static final class CidrItem {
        final boolean negated;
        final CidrBlock block;

        CidrItem(boolean negated, CidrBlock block) {
            this.negated = negated;
            this.block = block;
        }

        @Override
        public String toString() {
            return (negated ? "!" : "") + block;
        }
    }

    private static final Pattern HOSTNAME = Pattern.compile(
            "(?i)[a-z0-9\\u0080-\\uffff_]([a-z0-9\\u0080-\\uffff_-]{0,61}[a-z0-9\\u0080-\\uffff_])?(\\.[a-z0-9\\u0080-\\uffff_]([a-z0-9\\u0080-\\uffff_-]{0,61}[a-z0-9\\u0080-\\uffff_])?)*\\.?");

    private Conditions() {
    }

    static final Condition ALWAYS = Condition.sync("always", ev -> Condition.Match.yes("always"));

    /** First matching entry decides, as in Exim's host lists and Postfix's cidr tables. */
    static Condition clientAddress(List<CidrItem> items) {
        String d = "client-address " + items.stream().map(Object::toString).collect(Collectors.joining(" "));
        return Condition.sync(d, ev -> {
            InetAddress a = ev.clientAddress();
            for (CidrItem i : items) {
                if (i.block.contains(a)) {
                    return Condition.Match.of(!i.negated, "client " + a.getHostAddress() + " in " + i);
                }
            }
            return Condition.Match.NO;
        });
    }

    static Condition clientAddressTable(AccessTable table) {
        return Condition.sync("client-address table=" + table.name(), ev -> tableMatch(
                "client " + ev.clientAddress().getHostAddress(), table, table.lookup(ev.clientAddress())));
    }

    static Condition clientName(NamePattern names) {
        return Condition.sync("client-name", ev -> {
            String m = ev.session.client.reverseName().map(names::match).orElse(null);
            return Condition.Match.of(m != null, "client name " + ev.clientName() + " matches " + m);
        });
    }

    static Condition clientNameUnknown(boolean unknown) {
        return Condition.sync("client-name unknown=" + unknown, ev -> Condition.Match.of(
                ev.session.client.reverseName().isEmpty() == unknown, "client name " + ev.clientName()));
    }

    static Condition clientNameTable(AccessTable table) {
        return Condition.sync("client-name table=" + table.name(), ev -> ev.session.client.reverseName()
                .map(n -> tableMatch("client name " + n, table, table.lookupName(n)))
                .orElse(Condition.Match.NO));
    }

    static Condition helo(NamePattern names) {
        return Condition.sync("helo", ev -> {
            String m = ev.helo().map(names::match).orElse(null);
            return Condition.Match.of(m != null, "helo " + ev.helo().orElse("") + " matches " + m);
        });
    }

    static Condition heloTable(AccessTable table) {
        return Condition.sync("helo table=" + table.name(), ev -> ev.helo()
                .map(h -> tableMatch("helo " + h, table, table.lookupName(h)))
                .orElse(Condition.Match.NO));
    }

    /** An address literal ({@code [192.0.2.1]}) or a bare address given as HELO name. */
    static Condition heloAddressLiteral(boolean wanted) {
        return Condition.sync("helo address-literal=" + wanted, ev -> ev.helo()
                .map(h -> Condition.Match.of(heloAddress(h).isPresent() == wanted, "helo " + h))
                .orElse(Condition.Match.NO));
    }

    /** A HELO name that is neither a host name nor an address literal (RFC 5321 §4.1.1.1). */
    static Condition heloValidSyntax(boolean wanted) {
        return Condition.sync("helo valid-syntax=" + wanted, ev -> ev.helo()
                .map(h -> Condition.Match.of(validHelo(h) == wanted, "helo " + h))
                .orElse(Condition.Match.NO));
    }

    /** A client that claims to be us: our host name, one of our local domains, or one of our addresses. */
    static Condition heloOurs(boolean wanted) {
        return Condition.sync("helo ours=" + wanted, ev -> ev.helo().map(h -> {
            PolicyConfig c = ev.config();
            String n = h.toLowerCase(Locale.ROOT);
            n = n.endsWith(".") ? n.substring(0, n.length() - 1) : n;
            boolean ours = n.equals(c.hostname()) || c.localDomains().contains(n)
                    || heloAddress(h).map(c.addresses()::contains).orElse(false);
            return Condition.Match.of(ours == wanted, "helo " + h + (ours ? " is ours" : " is not ours"));
        }).orElse(Condition.Match.NO));
    }

    static Optional<InetAddress> heloAddress(String helo) {
        String h = helo.strip();
        if (h.startsWith("[") && h.endsWith("]")) {
            String in = h.substring(1, h.length() - 1);
            if (in.regionMatches(true, 0, "IPv6:", 0, 5)) {
                in = in.substring(5);
            }
            return IpAddresses.parse(in);
        }
        return IpAddresses.parse(h);
    }

    static boolean validHelo(String helo) {
        String h = helo.strip();
        if (h.startsWith("[")) {
            return h.endsWith("]") && heloAddress(h).isPresent();
        }
        return h.length() <= 255 && HOSTNAME.matcher(h).matches() && IpAddresses.parse(h).isEmpty();
    }

    static Condition nullSender(boolean wanted) {
        return Condition.sync("sender null=" + wanted, ev -> ev.sender()
                .map(s -> Condition.Match.of(s.isNullSender() == wanted, "sender " + s))
                .orElse(Condition.Match.NO));
    }

    static Condition address(Party party, Set<String> addresses) {
        Set<String> keys = addresses.stream().map(a -> SmtpAddress.parse(a).key()).collect(Collectors.toUnmodifiableSet());
        return Condition.sync(party.keyword() + " address=" + String.join(",", keys), ev -> party.of(ev)
                .map(a -> Condition.Match.of(!a.isNullSender() && keys.contains(a.key()), party.keyword() + " " + a))
                .orElse(Condition.Match.NO));
    }

    static Condition domain(Party party, NamePattern names) {
        return Condition.sync(party.keyword() + " domain", ev -> party.of(ev).map(a -> {
            String m = a.isNullSender() || a.domain().isEmpty() ? null : names.match(a.domain());
            return Condition.Match.of(m != null, party.keyword() + " " + a + " domain matches " + m);
        }).orElse(Condition.Match.NO));
    }

    static Condition localPart(Party party, Set<String> localParts) {
        Set<String> lower = localParts.stream().map(l -> l.toLowerCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet());
        return Condition.sync(party.keyword() + " local-part=" + String.join(",", lower), ev -> party.of(ev)
                .map(a -> Condition.Match.of(!a.isNullSender() && lower.contains(a.localPart().toLowerCase(Locale.ROOT)),
                        party.keyword() + " " + a))
                .orElse(Condition.Match.NO));
    }

    static Condition addressRegex(Party party, List<Pattern> patterns) {
        return Condition.sync(party.keyword() + " regex", ev -> party.of(ev).map(a -> {
            for (Pattern p : patterns) {
                if (p.matcher(a.key()).find()) {
                    return Condition.Match.yes(party.keyword() + " " + a + " matches /" + p.pattern() + "/");
                }
            }
            return Condition.Match.NO;
        }).orElse(Condition.Match.NO));
    }

    static Condition addressTable(Party party, AccessTable table) {
        return Condition.sync(party.keyword() + " table=" + table.name(), ev -> party.of(ev)
                .map(a -> tableMatch(party.keyword() + " " + a, table, table.lookup(a)))
                .orElse(Condition.Match.NO));
    }

    /** An address that may route somewhere else than its domain says (percent hack, bang path, ...). */
    static Condition routing(Party party, boolean wanted) {
        return Condition.sync(party.keyword() + " routing=" + wanted, ev -> party.of(ev)
                .map(a -> Condition.Match.of(!a.isPlain() == wanted, party.keyword() + " " + a + " routing " + a.routing()))
                .orElse(Condition.Match.NO));
    }

    static Condition authenticated(Set<String> users) {
        return Condition.sync(users.isEmpty() ? "authenticated" : "authenticated users=" + String.join(",", users),
                ev -> ev.authenticatedUser()
                        .map(u -> Condition.Match.of(users.isEmpty() || users.contains(u), "authenticated as " + u))
                        .orElse(Condition.Match.NO));
    }

    static final Condition RELAY_ALLOWED = Condition.sync("relay-allowed",
            ev -> Condition.Match.of(ev.relayAllowed(), "client in James's authorizedAddresses"));

    static final Condition MY_NETWORKS = Condition.sync("my-networks", ev -> {
        for (CidrBlock b : ev.config().myNetworks()) {
            if (b.contains(ev.clientAddress())) {
                return Condition.Match.yes("client " + ev.clientAddress().getHostAddress() + " in my-networks " + b);
            }
        }
        return Condition.Match.NO;
    });

    /** Postfix's permit_auth_destination: a plain address in one of our local or relay domains. */
    static final Condition AUTHORIZED_DESTINATION = Condition.sync("authorized-destination",
            ev -> ev.recipient().map(r -> {
                String kind = ev.config().destination(r);
                return Condition.Match.of(kind != null, "recipient " + r + (kind != null ? " is " + kind : " is not ours"));
            }).orElse(Condition.Match.NO));

    static final Condition LOCAL_DESTINATION = Condition.sync("local-destination",
            ev -> ev.recipient().map(r -> {
                String kind = ev.config().destination(r);
                return Condition.Match.of("local".equals(kind), "recipient " + r + (kind != null ? " is " + kind : " is not ours"));
            }).orElse(Condition.Match.NO));

    static Condition recipientCountAbove(int n) {
        return Condition.sync("recipient-count above=" + n, ev -> Condition.Match.of(ev.recipientCount() > n,
                "recipient " + ev.recipientCount() + " of the transaction"));
    }

    static Condition spf(boolean helo, Set<SpfResult> results) {
        String d = "spf identity=" + (helo ? "helo" : "mail-from") + " result="
                + results.stream().map(SpfResult::keyword).sorted().collect(Collectors.joining(","));
        return new Condition() {
            @Override
            public CompletionStage<Match> test(Evaluation ev) {
                if (helo && ev.helo().isEmpty() || !helo && ev.sender().isEmpty()) {
                    return CompletableFuture.completedFuture(Match.NO);
                }
                return (helo ? ev.heloSpf() : ev.mailFromSpf()).thenApply(s -> Match.of(results.contains(s.result()),
                        "spf " + (helo ? "helo" : "mail-from") + " " + s));
            }

            @Override
            public String describe() {
                return d;
            }
        };
    }

    static Condition callout(Party party, Set<CalloutStatus> outcomes) {
        String d = "callout address=" + party.keyword() + " outcome="
                + outcomes.stream().map(CalloutStatus::keyword).sorted().collect(Collectors.joining(","));
        return new Condition() {
            @Override
            public CompletionStage<Match> test(Evaluation ev) {
                Optional<SmtpAddress> a = party.of(ev);
                if (a.isEmpty() || a.get().isNullSender()) {
                    return CompletableFuture.completedFuture(Match.NO);
                }
                return ev.callout(a.get()).thenApply(c -> Match.of(outcomes.contains(c.status()),
                        "callout " + a.get() + " " + c));
            }

            @Override
            public String describe() {
                return d;
            }
        };
    }

    static Condition allOf(List<Condition> parts) {
        if (parts.size() == 1) {
            return parts.get(0);
        }
        String d = "all-of(" + parts.stream().map(Condition::describe).collect(Collectors.joining(", ")) + ")";
        return new Condition() {
            @Override
            public CompletionStage<Match> test(Evaluation ev) {
                return step(ev, 0, new ArrayList<>(), null);
            }

            private CompletionStage<Match> step(Evaluation ev, int i, List<String> details, TableHit hit) {
                if (i == parts.size()) {
                    return CompletableFuture.completedFuture(hit != null
                            ? Match.table(String.join(" and ", details), hit) : Match.yes(String.join(" and ", details)));
                }
                return parts.get(i).test(ev).thenCompose(m -> {
                    if (!m.matched) {
                        return CompletableFuture.completedFuture(Match.NO);
                    }
                    details.add(m.detail);
                    return step(ev, i + 1, details, hit != null ? hit : m.hit);
                });
            }

            @Override
            public String describe() {
                return d;
            }
        };
    }

    static Condition anyOf(List<Condition> parts) {
        String d = "any-of(" + parts.stream().map(Condition::describe).collect(Collectors.joining(", ")) + ")";
        return new Condition() {
            @Override
            public CompletionStage<Match> test(Evaluation ev) {
                return step(ev, 0);
            }

            private CompletionStage<Match> step(Evaluation ev, int i) {
                if (i == parts.size()) {
                    return CompletableFuture.completedFuture(Match.NO);
                }
                return parts.get(i).test(ev).thenCompose(m -> m.matched ? CompletableFuture.completedFuture(m) : step(ev, i + 1));
            }

            @Override
            public String describe() {
                return d;
            }
        };
    }

    static Condition not(Condition inner) {
        String d = "not(" + inner.describe() + ")";
        return new Condition() {
            @Override
            public CompletionStage<Match> test(Evaluation ev) {
                return inner.test(ev).thenApply(m -> Match.of(!m.matched, "not(" + inner.describe() + ")"));
            }

            @Override
            public String describe() {
                return d;
            }
        };
    }

    static Condition extension(PolicyCondition c) {
        return new Condition() {
            @Override
            public CompletionStage<Match> test(Evaluation ev) {
                return c.test(ev).thenApply(b -> Match.of(Boolean.TRUE.equals(b), c.describe()));
            }

            @Override
            public String describe() {
                return c.describe();
            }
        };
    }

    /** A table entry whose action is DUNNO counts as not found, as in Postfix. */
    private static Condition.Match tableMatch(String what, AccessTable table, Optional<TableHit> hit) {
        if (hit.isEmpty() || hit.get().action != null && hit.get().action.kind == ActionSpec.Kind.DUNNO) {
            return Condition.Match.NO;
        }
        return Condition.Match.table(what + " in table " + table.name() + " at " + hit.get(), hit.get());
    }
}
