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
        SENDER(Datum.SENDER),
        RECIPIENT(Datum.RECIPIENT);

        /** What a condition on this party's address reads. */
        final Datum datum;

        Party(Datum datum) {
            this.datum = datum;
        }

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

    static final Condition ALWAYS = Condition.sync("always", Datum.CLIENT, ev -> Condition.Match.yes("always"));

    /** First matching entry decides, as in Exim's host lists and Postfix's cidr tables. */
    static Condition clientAddress(List<CidrItem> items) {
        String d = "client-address " + items.stream().map(Object::toString).collect(Collectors.joining(" "));
        return Condition.sync(d, Datum.CLIENT, ev -> {
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
        return Condition.sync("client-address table=" + table.name(), Datum.CLIENT, ev -> tableMatch(
                "client " + ev.clientAddress().getHostAddress(), table, table.lookup(ev.clientAddress())));
    }

    static Condition clientName(NamePattern names) {
        return Condition.sync("client-name", Datum.CLIENT, ev -> {
            String m = ev.session.client.reverseName().map(names::match).orElse(null);
            return Condition.Match.of(m != null, "client name " + ev.clientName() + " matches " + m);
        });
    }

    static Condition clientNameUnknown(boolean unknown) {
        return Condition.sync("client-name unknown=" + unknown, Datum.CLIENT, ev -> Condition.Match.of(
                ev.session.client.reverseName().isEmpty() == unknown, "client name " + ev.clientName()));
    }

    static Condition clientNameTable(AccessTable table) {
        return Condition.sync("client-name table=" + table.name(), Datum.CLIENT, ev -> ev.session.client.reverseName()
                .map(n -> tableMatch("client name " + n, table, table.lookupName(n)))
                .orElse(Condition.Match.NO));
    }

    static Condition helo(NamePattern names) {
        return Condition.sync("helo", Datum.HELO, ev -> {
            String m = ev.helo().map(names::match).orElse(null);
            return Condition.Match.of(m != null, "helo " + ev.helo().orElse("") + " matches " + m);
        });
    }

    static Condition heloTable(AccessTable table) {
        return Condition.sync("helo table=" + table.name(), Datum.HELO, ev -> ev.helo()
                .map(h -> tableMatch("helo " + h, table, table.lookupName(h)))
                .orElse(Condition.Match.NO));
    }

    /** An address literal ({@code [192.0.2.1]}) or a bare address given as HELO name. */
    static Condition heloAddressLiteral(boolean wanted) {
        return Condition.sync("helo address-literal=" + wanted, Datum.HELO, ev -> ev.helo()
                .map(h -> Condition.Match.of(heloAddress(h).isPresent() == wanted, "helo " + h))
                .orElse(Condition.Match.NO));
    }

    /** A HELO name that is neither a host name nor an address literal (RFC 5321 §4.1.1.1). */
    static Condition heloValidSyntax(boolean wanted) {
        return Condition.sync("helo valid-syntax=" + wanted, Datum.HELO, ev -> ev.helo()
                .map(h -> Condition.Match.of(validHelo(h) == wanted, "helo " + h))
                .orElse(Condition.Match.NO));
    }

    /** A client that claims to be us: our host name, one of our local domains, or one of our addresses. */
    static Condition heloOurs(boolean wanted) {
        return Condition.sync("helo ours=" + wanted, Datum.HELO, ev -> ev.helo().map(h -> {
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
        return Condition.sync("sender null=" + wanted, Datum.SENDER, ev -> ev.sender()
                .map(s -> Condition.Match.of(s.isNullSender() == wanted, "sender " + s))
                .orElse(Condition.Match.NO));
    }

    static Condition address(Party party, Set<String> addresses) {
        Set<String> keys = addresses.stream().map(a -> SmtpAddress.parse(a).key()).collect(Collectors.toUnmodifiableSet());
        return Condition.sync(party.keyword() + " address=" + String.join(",", keys), party.datum, ev -> party.of(ev)
                .map(a -> Condition.Match.of(!a.isNullSender() && keys.contains(a.key()), party.keyword() + " " + a))
                .orElse(Condition.Match.NO));
    }

    static Condition domain(Party party, NamePattern names) {
        return Condition.sync(party.keyword() + " domain", party.datum, ev -> party.of(ev).map(a -> {
            String m = a.isNullSender() || a.domain().isEmpty() ? null : names.match(a.domain());
            return Condition.Match.of(m != null, party.keyword() + " " + a + " domain matches " + m);
        }).orElse(Condition.Match.NO));
    }

    static Condition localPart(Party party, Set<String> localParts) {
        Set<String> lower = localParts.stream().map(l -> l.toLowerCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet());
        return Condition.sync(party.keyword() + " local-part=" + String.join(",", lower), party.datum, ev -> party.of(ev)
                .map(a -> Condition.Match.of(!a.isNullSender() && lower.contains(a.localPart().toLowerCase(Locale.ROOT)),
                        party.keyword() + " " + a))
                .orElse(Condition.Match.NO));
    }

    static Condition addressRegex(Party party, List<Pattern> patterns) {
        return Condition.sync(party.keyword() + " regex", party.datum, ev -> party.of(ev).map(a -> {
            for (Pattern p : patterns) {
                if (p.matcher(a.key()).find()) {
                    return Condition.Match.yes(party.keyword() + " " + a + " matches /" + p.pattern() + "/");
                }
            }
            return Condition.Match.NO;
        }).orElse(Condition.Match.NO));
    }

    static Condition addressTable(Party party, AccessTable table) {
        return Condition.sync(party.keyword() + " table=" + table.name(), party.datum, ev -> party.of(ev)
                .map(a -> tableMatch(party.keyword() + " " + a, table, table.lookup(a)))
                .orElse(Condition.Match.NO));
    }

    /** An address that may route somewhere else than its domain says (percent hack, bang path, ...). */
    static Condition routing(Party party, boolean wanted) {
        return Condition.sync(party.keyword() + " routing=" + wanted, party.datum, ev -> party.of(ev)
                .map(a -> Condition.Match.of(!a.isPlain() == wanted, party.keyword() + " " + a + " routing " + a.routing()))
                .orElse(Condition.Match.NO));
    }

    static Condition authenticated(Set<String> users) {
        return Condition.sync(users.isEmpty() ? "authenticated" : "authenticated users=" + String.join(",", users), Datum.AUTH,
                ev -> ev.authenticatedUser()
                        .map(u -> Condition.Match.of(users.isEmpty() || users.contains(u), "authenticated as " + u))
                        .orElse(Condition.Match.NO));
    }

    static final Condition RELAY_ALLOWED = Condition.sync("relay-allowed", Datum.CLIENT,
            ev -> Condition.Match.of(ev.relayAllowed(), "client in James's authorizedAddresses"));

    static final Condition MY_NETWORKS = Condition.sync("my-networks", Datum.CLIENT, ev -> {
        for (CidrBlock b : ev.config().myNetworks()) {
            if (b.contains(ev.clientAddress())) {
                return Condition.Match.yes("client " + ev.clientAddress().getHostAddress() + " in my-networks " + b);
            }
        }
        return Condition.Match.NO;
    });

    /** Postfix's permit_auth_destination: a plain address in one of our local or relay domains. */
    static final Condition AUTHORIZED_DESTINATION = Condition.sync("authorized-destination", Datum.RECIPIENT,
            ev -> ev.recipient().map(r -> {
                String kind = ev.config().destination(r);
                return Condition.Match.of(kind != null, "recipient " + r + (kind != null ? " is " + kind : " is not ours"));
            }).orElse(Condition.Match.NO));

    static final Condition LOCAL_DESTINATION = Condition.sync("local-destination", Datum.RECIPIENT,
            ev -> ev.recipient().map(r -> {
                String kind = ev.config().destination(r);
                return Condition.Match.of("local".equals(kind), "recipient " + r + (kind != null ? " is " + kind : " is not ours"));
            }).orElse(Condition.Match.NO));

    static Condition recipientCountAbove(int n) {
        return Condition.sync("recipient-count above=" + n, Datum.RECIPIENT_COUNT, ev -> Condition.Match.of(ev.recipientCount() > n,
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

            @Override
            public Datum datum() {
                return helo ? Datum.HELO : Datum.SENDER;
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

            @Override
            public Datum datum() {
                return party.datum;
            }
        };
    }

    /**
     * All parts hold. A part that is pending (its data comes later) makes the whole pending, unless
     * another part is false: then the whole is false at once, whatever the pending part will say.
     */
    static Condition allOf(List<Condition> parts) {
        if (parts.size() == 1) {
            return parts.get(0);
        }
        String d = "all-of(" + parts.stream().map(Condition::describe).collect(Collectors.joining(", ")) + ")";
        Datum datum = Datum.latest(parts.stream().map(Condition::datum).collect(Collectors.toList()));
        return new Condition() {
            @Override
            public CompletionStage<Match> test(Evaluation ev) {
                return step(ev, 0, new ArrayList<>(), null, false);
            }

            private CompletionStage<Match> step(Evaluation ev, int i, List<String> details, TableHit hit, boolean pending) {
                if (i == parts.size()) {
                    String detail = String.join(" and ", details);
                    return CompletableFuture.completedFuture(pending ? Match.pending(detail)
                            : hit != null ? Match.table(detail, hit) : Match.yes(detail));
                }
                return parts.get(i).test(ev).thenCompose(m -> {
                    if (!m.matched && !m.pending) {
                        return CompletableFuture.completedFuture(Match.NO);
                    }
                    details.add(m.detail);
                    return step(ev, i + 1, details, hit != null ? hit : m.hit, pending || m.pending);
                });
            }

            @Override
            public String describe() {
                return d;
            }

            @Override
            public Datum datum() {
                return datum;
            }
        };
    }

    /** One part holds. Pending when no part holds and one of them is pending. */
    static Condition anyOf(List<Condition> parts) {
        String d = "any-of(" + parts.stream().map(Condition::describe).collect(Collectors.joining(", ")) + ")";
        Datum datum = Datum.latest(parts.stream().map(Condition::datum).collect(Collectors.toList()));
        return new Condition() {
            @Override
            public CompletionStage<Match> test(Evaluation ev) {
                return step(ev, 0, new ArrayList<>());
            }

            private CompletionStage<Match> step(Evaluation ev, int i, List<String> waiting) {
                if (i == parts.size()) {
                    return CompletableFuture.completedFuture(waiting.isEmpty() ? Match.NO : Match.pending(String.join(" or ", waiting)));
                }
                return parts.get(i).test(ev).thenCompose(m -> {
                    if (m.matched) {
                        return CompletableFuture.completedFuture(m);
                    }
                    if (m.pending) {
                        waiting.add(m.detail);
                    }
                    return step(ev, i + 1, waiting);
                });
            }

            @Override
            public String describe() {
                return d;
            }

            @Override
            public Datum datum() {
                return datum;
            }
        };
    }

    /** The inner condition does not hold; pending while it is. */
    static Condition not(Condition inner) {
        String d = "not(" + inner.describe() + ")";
        return new Condition() {
            @Override
            public CompletionStage<Match> test(Evaluation ev) {
                return inner.test(ev).thenApply(m -> m.pending ? m : Match.of(!m.matched, d));
            }

            @Override
            public String describe() {
                return d;
            }

            @Override
            public Datum datum() {
                return inner.datum();
            }
        };
    }

    static Condition extension(PolicyCondition c) {
        Datum datum = Datum.extension(c.describe(), c.knownFrom());
        return new Condition() {
            @Override
            public CompletionStage<Match> test(Evaluation ev) {
                return c.test(ev).thenApply(b -> Match.of(Boolean.TRUE.equals(b), c.describe()));
            }

            @Override
            public String describe() {
                return c.describe();
            }

            @Override
            public Datum datum() {
                return datum;
            }
        };
    }

    /**
     * A condition of connect, HELO or MAIL whose data that stage knows, under delayed rejection: the
     * answer it gave there (or, when the stage's evaluation stopped before it, the one it gives the
     * first time it is asked) is its answer whenever RCPT decides the stage's rules again. So a rule
     * that waits for nothing answers as at its stage, a table reloaded since does not change it, and
     * a rate counts its event once.
     */
    static Condition remembered(Condition c) {
        return new Condition() {
            @Override
            public CompletionStage<Match> test(Evaluation ev) {
                return ev.remembered(this, () -> c.test(ev));
            }

            @Override
            public String describe() {
                return c.describe();
            }

            @Override
            public Datum datum() {
                return c.datum();
            }
        };
    }

    /**
     * A condition of connect, HELO or MAIL whose data comes at a later stage, under delayed
     * rejection: pending at its stage, so that the rule is decided at RCPT with what is known then
     * (never taken as false for want of the data); tested as written when RCPT decides the stage's
     * rules again.
     */
    static Condition later(Condition c) {
        Datum datum = c.datum();
        Condition.Match waiting = Condition.Match.pending(datum.what() + " is not known yet (" + datum.known() + ")");
        return new Condition() {
            @Override
            public CompletionStage<Match> test(Evaluation ev) {
                return datum.knownAt(ev.now) ? c.test(ev) : CompletableFuture.completedFuture(waiting);
            }

            @Override
            public String describe() {
                return c.describe();
            }

            @Override
            public Datum datum() {
                return datum;
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
