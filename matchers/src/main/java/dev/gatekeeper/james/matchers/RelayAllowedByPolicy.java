package dev.gatekeeper.james.matchers;

import dev.gatekeeper.dns.Setting;
import dev.gatekeeper.james.common.EngineSettings;
import dev.gatekeeper.james.common.MailSpf;
import dev.gatekeeper.james.common.SharedEngines;
import dev.gatekeeper.policy.ClientFacts;
import dev.gatekeeper.policy.PolicyConfig;
import dev.gatekeeper.policy.PolicyConfigException;
import dev.gatekeeper.policy.PolicyEngine;
import dev.gatekeeper.policy.TransactionChecks;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.james.core.MailAddress;
import org.apache.mailet.AttributeName;
import org.apache.mailet.Mail;

/**
 * Matches the recipients the policy's relay rules let this mail go to: the RCPT-time decision of
 * the {@code <relay>} element (trusted networks, James's {@code authorizedAddresses}, SMTP AUTH,
 * own and relay domains, or the policy's own relay rules), applied to accepted mail:
 * {@code RelayAllowedByPolicy=file://conf/gatekeeper-policy.xml}. Use it in place of James's
 * {@code relay-allowed} composite ({@code SMTPAuthSuccessful}, {@code SMTPIsAuthNetwork}), keeping
 * {@code SentByMailet} beside it for the mail James's own mailets send.
 *
 * <p>The client is {@link Mail#getRemoteAddr()}; SMTP AUTH is the {@code org.apache.james.SMTPAuthUser}
 * attribute and {@code authorizedAddresses} the {@code org.apache.james.SMTPIsAuthNetwork} attribute
 * James sets on mail it receives (James 3.8.1 sets it for every session allowed to relay, after
 * SMTP AUTH too). Relay rules with SPF or callout conditions see SPF {@code none}
 * and callout {@code skipped} here. A decision that takes longer than {@code timeout} (default
 * 10s) throws, which sends the mail to James's error processor rather than anywhere else.
 */
public class RelayAllowedByPolicy extends GatekeeperMatcher {

    /** Set by James's {@code AddDefaultAttributesMessageHook} when the client is in {@code authorizedAddresses}. */
    static final AttributeName SMTP_IS_AUTH_NETWORK = AttributeName.of("org.apache.james.SMTPIsAuthNetwork");
    /** The longest decision; beyond it the matcher throws. */
    static final Setting<Duration> TIMEOUT = Setting.duration("timeout", "10s");

    private PolicyEngine engine;
    private Duration timeout;

    @Override
    void configure(MatcherCondition condition) {
        EngineSettings engines = condition.engineSettings(getMatcherName(), List.of(TIMEOUT.name()));
        timeout = condition.option(TIMEOUT);
        PolicyConfig config;
        try {
            config = PolicyConfig.loader().classLoader(getClass().getClassLoader())
                    .load(TableMatcher.location(getMatcherName(), condition.first));
        } catch (PolicyConfigException e) {
            throw new IllegalArgumentException(getMatcherName() + ": " + e.getMessage(), e);
        }
        if (!config.relayEnabled()) {
            throw new IllegalArgumentException(getMatcherName() + ": " + condition.first
                    + " has <relay enabled=\"false\">: it has no relay rules to apply");
        }
        engine = PolicyEngine.create(config, TransactionChecks.none(), SharedEngines.resolver(engines));
    }

    @Override
    public Collection<MailAddress> match(Mail mail) {
        Optional<InetAddress> client = MailSpf.client(mail);
        if (client.isEmpty()) {
            log.debug("{} {}: no client address ({}): no recipient", getMatcherName(), mail.getName(), mail.getRemoteAddr());
            return List.of();
        }
        boolean authorized = mail.getAttribute(SMTP_IS_AUTH_NETWORK)
                .flatMap(a -> a.getValue().valueAs(Boolean.class)).orElse(false);
        String user = mail.getAttribute(Mail.SMTP_AUTH_USER)
                .flatMap(a -> a.getValue().valueAs(String.class)).orElse(null);
        ClientFacts facts = ClientFacts.of(client.get(), null, authorized);
        List<MailAddress> permitted = new ArrayList<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        for (MailAddress r : mail.getRecipients()) {
            boolean ok;
            try {
                ok = engine.relayPermitted(facts, user, "<" + r.asString() + ">").toCompletableFuture()
                        .get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (TimeoutException | ExecutionException e) {
                throw new IllegalStateException(getMatcherName() + ": no relay decision for " + r + " within " + timeout, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(getMatcherName() + ": interrupted", e);
            }
            log.debug("{} {}: relay from {} (authorized={}, user={}) to {}: {}", getMatcherName(), mail.getName(),
                    client.get().getHostAddress(), authorized, user, r, ok ? "permitted" : "not permitted");
            if (ok) {
                permitted.add(r);
            }
        }
        return permitted;
    }

    @Override
    public String getMatcherInfo() {
        return "Gatekeeper: the recipients the policy's relay rules permit";
    }
}
