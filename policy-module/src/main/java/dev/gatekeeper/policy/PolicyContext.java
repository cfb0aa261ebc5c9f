package dev.gatekeeper.policy;

import dev.gatekeeper.dmarc.MessageAuthentication;
import dev.gatekeeper.dns.DnsResolver;
import dev.gatekeeper.mail.Mailbox;
import java.net.InetAddress;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;

/**
 * What a condition or action can see of the SMTP session at the moment it is asked: facts given by
 * the adapter, the transaction so far, and the lazy checks. Valid only during the call.
 */
public interface PolicyContext {

    /**
     * The stage whose rules are decided. Under delayed rejection RCPT may decide an earlier stage's
     * rules again (a rule that waited for later data): this is then that earlier stage, and what the
     * context knows is what RCPT knows (the recipient included).
     */
    Stage stage();

    InetAddress clientAddress();

    /** The client's verified reverse name, or {@code unknown} (Postfix's word) when it has none. */
    String clientName();

    /** The HELO/EHLO name, once given. */
    Optional<String> helo();

    /** The SMTP AUTH user, once authenticated. */
    Optional<String> authenticatedUser();

    /** Whether James's {@code authorizedAddresses} let this client relay (a fact from the adapter). */
    boolean relayAllowed();

    /** The MAIL FROM address, from the MAIL stage on. */
    Optional<Mailbox> sender();

    /** The RCPT TO address being decided, at the RCPT stage. */
    Optional<Mailbox> recipient();

    /** Recipients accepted so far in this transaction, the one being decided included. */
    int recipientCount();

    /** Tags recorded so far in this session and transaction. */
    Set<String> tags();

    /** The engines' resolver, for extensions that query the DNS (a DNS blocklist, ...). */
    DnsResolver resolver();

    /** SPF for MAIL FROM; asked at most once per transaction. */
    CompletionStage<SpfAnswer> mailFromSpf();

    /** SPF for HELO; asked at most once per HELO name. */
    CompletionStage<SpfAnswer> heloSpf();

    /** Callout of an address; asked at most once per transaction and address. */
    CompletionStage<CalloutAnswer> callout(Mailbox address);

    /** DKIM and DMARC of the message, at the end of DATA; asked at most once per message. */
    CompletionStage<MessageAuthentication> message();
}
