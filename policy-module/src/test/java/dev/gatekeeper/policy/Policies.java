package dev.gatekeeper.policy;

import dev.gatekeeper.dns.ZoneResolver;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Test helpers: a policy from XML text, and SMTP transactions replayed through it as transcripts. */
final class Policies {

    private Policies() {
    }

    static Path write(Path dir, String name, String content) {
        try {
            Path p = dir.resolve(name);
            Files.writeString(p, content);
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A policy file holding {@code <policy ATTRS>BODY</policy>}, local domain example.org. */
    static PolicyConfig config(Path dir, String attrs, String body) {
        return PolicyConfig.load(write(dir, "policy.xml", "<?xml version=\"1.0\"?>\n<policy " + attrs + ">\n"
                + "<relay><my-networks>192.0.2.0/24 2001:db8:1::/48</my-networks><local-domains>example.org</local-domains>"
                + "<relay-domains>partner.example</relay-domains></relay>\n" + body + "\n</policy>\n"));
    }

    static InetAddress ip(String text) {
        try {
            return InetAddress.getByName(text);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    static Verdict await(java.util.concurrent.CompletionStage<Verdict> v) {
        try {
            return v.toCompletableFuture().get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** One line per stage, as the command line prints it: {@code rcpt 550 5.7.1 <x>: Relay access denied}. */
    static String line(Verdict v) {
        switch (v.answer()) {
            case DUNNO:
            case PERMIT:
                return v.stage().keyword() + " pass" + v.held().map(h -> " (held: " + h + ")").orElse("");
            default:
                return v.stage().keyword() + " " + v.reply().orElseThrow();
        }
    }

    /** Replays connect, HELO, MAIL and RCPTs; returns the transcript. */
    static final class Transaction {
        private final PolicyEngine engine;
        private String ip = "198.51.100.7";
        private String name;
        private boolean relayAllowed;
        private String helo = "client.example.net";
        private String auth;
        private String sender = "<alice@sender.example>";
        private final List<String> rcpts = new ArrayList<>();
        final List<Verdict> verdicts = new ArrayList<>();
        /** The session of the last {@link #run()}, for what the adapter reads after DATA. */
        PolicySession session;

        Transaction(PolicyConfig config, TransactionChecks checks) {
            this.engine = PolicyEngine.create(config, checks, ZoneResolver.builder().build());
        }

        Transaction ip(String value) {
            ip = value;
            return this;
        }

        Transaction name(String value) {
            name = value;
            return this;
        }

        Transaction relayAllowed() {
            relayAllowed = true;
            return this;
        }

        Transaction helo(String value) {
            helo = value;
            return this;
        }

        Transaction auth(String user) {
            auth = user;
            return this;
        }

        Transaction from(String value) {
            sender = value;
            return this;
        }

        Transaction to(String... values) {
            rcpts.addAll(List.of(values));
            return this;
        }

        List<String> run() {
            PolicySession s = engine.openSession(ClientFacts.of(Policies.ip(ip), name, relayAllowed));
            session = s;
            List<String> out = new ArrayList<>();
            verdicts.add(await(s.connect()));
            verdicts.add(await(s.helo(helo)));
            if (auth != null) {
                s.authenticated(auth);
            }
            verdicts.add(await(s.mail(sender)));
            for (String r : rcpts) {
                verdicts.add(await(s.rcpt(r)));
            }
            verdicts.add(await(s.data()));
            for (Verdict v : verdicts) {
                out.add(line(v));
            }
            return out;
        }

        Verdict last(Stage stage) {
            Verdict found = null;
            for (Verdict v : verdicts) {
                if (v.stage() == stage) {
                    found = v;
                }
            }
            return found;
        }
    }
}
