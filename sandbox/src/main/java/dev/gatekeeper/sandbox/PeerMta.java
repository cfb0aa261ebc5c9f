package dev.gatekeeper.sandbox;

import dev.gatekeeper.callout.ScriptedPeer;
import java.io.IOException;
import java.time.Duration;
import java.util.List;

/**
 * The scripted peer MTAs of the sandbox: the mail hosts that {@code conf/sandbox.zone}
 * publishes as MX of its callout domains, and where James delivers relayed mail. Each is
 * callout-module's {@link ScriptedPeer} really speaking SMTP on its own loopback address.
 * Every session is bounded: ScriptedPeer drops a client after 10 idle seconds and 100 commands.
 */
public enum PeerMta {
    /** A real mail host: knows its users, refuses the rest as RFC 5321 §4.2.2 says (550 5.1.1). */
    ACCEPTING("127.0.0.21", "accept.sandbox.test", "accepts its users, refuses unknown ones with 550 5.1.1"),
    /** A domain whose mailboxes do not exist. */
    REJECTING("127.0.0.22", "reject.sandbox.test", "refuses every recipient with 550 5.1.1"),
    /** Greylisting: a first attempt is deferred (RFC 6647 §2.1). */
    GREYLISTING("127.0.0.23", "greylist.sandbox.test", "defers every recipient with 451 4.7.1"),
    /** A tarpit: each reply comes late, within bounds. */
    TARPITTING("127.0.0.24", "tarpit.sandbox.test", "waits 2 s before each reply"),
    /** Accepts any local part, so a callout's yes says nothing. */
    CATCH_ALL("127.0.0.25", "catchall.sandbox.test", "accepts any recipient, random ones included");

    /** RFC 5321 §4.5.4.2: where the launcher's peers listen (James delivers only to port 25). */
    public static final int SMTP_PORT = 25;
    /** Local parts the accepting peer knows. */
    public static final List<String> KNOWN_USERS = List.of(
        "alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "friend", "postmaster");

    static final Duration TARPIT_DELAY = Duration.ofSeconds(2);

    private final String address;
    private final String domain;
    private final String behaviour;

    PeerMta(String address, String domain, String behaviour) {
        this.address = address;
        this.domain = domain;
        this.behaviour = behaviour;
    }

    /** The loopback address it listens on, the A record of its domain's MX. */
    public String address() {
        return address;
    }

    /** The sandbox domain whose MX it is. */
    public String domain() {
        return domain;
    }

    public String behaviour() {
        return behaviour;
    }

    /** Starts this peer on a port (0: a free one). */
    public ScriptedPeer start(int port) throws IOException {
        String host = name().toLowerCase(java.util.Locale.ROOT).replace('_', '-') + ".peer.sandbox.test";
        ScriptedPeer.Builder script = ScriptedPeer.on(address).port(port)
            .greeting("220 " + host + " ESMTP sandbox peer (" + behaviour + ")")
            .reply("EHLO", "250-" + host, "250-PIPELINING", "250 8BITMIME")
            .reply("HELO", "250 " + host);
        switch (this) {
            case ACCEPTING:
                script.reply("RCPT TO:", "550 5.1.1 <unknown>: Recipient address rejected: User unknown");
                for (String user : KNOWN_USERS) {
                    script.reply("RCPT TO:<" + user + "@", "250 2.1.5 Ok");
                }
                break;
            case REJECTING:
                script.reply("RCPT TO:", "550 5.1.1 Recipient address rejected: User unknown in local recipient table");
                break;
            case GREYLISTING:
                script.reply("RCPT TO:", "451 4.7.1 Recipient address rejected: Greylisted, please try again later");
                break;
            case TARPITTING:
                script.delay(TARPIT_DELAY);
                break;
            case CATCH_ALL:
                script.reply("RCPT TO:", "250 2.1.5 Ok, any mailbox will do");
                break;
            default:
                throw new IllegalStateException("unscripted peer " + this);
        }
        return script.start();
    }
}
