package dev.gatekeeper.policy;

import dev.gatekeeper.dns.DnsResolver;
import java.net.InetAddress;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;

/** The view of one session at one stage that conditions and actions get. */
final class Evaluation implements PolicyContext {

    final PolicySession session;
    final Stage stage;
    final SmtpAddress recipient;
    /** Set by a rate condition that matched: the seconds shown as {@code ${retry_after}}; -1 when none did. */
    volatile long retryAfterSeconds = -1;

    Evaluation(PolicySession session, Stage stage, SmtpAddress recipient) {
        this.session = session;
        this.stage = stage;
        this.recipient = recipient;
    }

    PolicyConfig config() {
        return session.engine.config();
    }

    @Override
    public Stage stage() {
        return stage;
    }

    @Override
    public InetAddress clientAddress() {
        return session.client.address();
    }

    @Override
    public String clientName() {
        return session.client.reverseName().orElse("unknown");
    }

    @Override
    public Optional<String> helo() {
        return Optional.ofNullable(session.helo);
    }

    @Override
    public Optional<String> authenticatedUser() {
        return Optional.ofNullable(session.authUser);
    }

    @Override
    public boolean relayAllowed() {
        return session.client.relayAllowed();
    }

    @Override
    public Optional<SmtpAddress> sender() {
        return Optional.ofNullable(session.sender);
    }

    @Override
    public Optional<SmtpAddress> recipient() {
        return Optional.ofNullable(recipient);
    }

    @Override
    public int recipientCount() {
        return session.recipientCount + (recipient == null ? 0 : 1);
    }

    @Override
    public Set<String> tags() {
        return session.tags();
    }

    @Override
    public DnsResolver resolver() {
        return session.engine.resolver();
    }

    @Override
    public CompletionStage<SpfCheck> mailFromSpf() {
        return session.mailFromSpf();
    }

    @Override
    public CompletionStage<SpfCheck> heloSpf() {
        return session.heloSpf();
    }

    @Override
    public CompletionStage<CalloutCheck> callout(SmtpAddress address) {
        return session.callout(address);
    }

    /** The values reply templates show, as far as they are known now. */
    ReplyValues replyValues() {
        ReplyValues v = ReplyValues.empty()
                .with("client_ip", clientAddress().getHostAddress())
                .with("client_name", clientName())
                .with("helo", session.helo == null ? "" : session.helo)
                .with("sender", session.sender == null ? "" : session.sender.original())
                .with("recipient", recipient == null ? "" : recipient.original());
        if (retryAfterSeconds >= 0) {
            v = v.with("retry_after", Long.toString(retryAfterSeconds));
        }
        SpfCheck spf = session.knownSpf();
        if (spf != null) {
            v = v.with("spf_result", spf.result().keyword()).with("spf_explanation", spf.explanation())
                    .with("spf_identity", session.knownSpfIdentity());
        }
        return v;
    }
}
