package dev.gatekeeper.james.mailets;

import dev.gatekeeper.james.common.ForgedAuthenticationResults;
import dev.gatekeeper.james.common.MailSpf;
import dev.gatekeeper.james.common.SharedEngines;
import dev.gatekeeper.policy.CidrBlock;
import dev.gatekeeper.spf.AuthenticationResultsSpf;
import dev.gatekeeper.spf.ReceivedSpfHeader;
import dev.gatekeeper.spf.SpfEvaluator;
import dev.gatekeeper.spf.SpfIdentity;
import dev.gatekeeper.spf.SpfVerdict;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.mailet.Mail;

/**
 * Evaluates SPF (RFC 7208) for a mail that reached the pipeline without a verdict (received
 * through a relay in front of James, or by a server without the Gatekeeper hooks), records the
 * result in the attributes the hooks use ({@code dev.gatekeeper.spf.mailfrom}, {@code .helo}) and
 * adds {@code Received-SPF} (RFC 7208 §9.1) and/or {@code Authentication-Results} (RFC 8601)
 * headers. A mail that already carries a result for an identity is left as it is for that
 * identity. Replaces James's {@code SPF} mailet (jSPF, RFC 4408, which also skips loopback and
 * private clients by default).
 *
 * <p>Before it adds an {@code Authentication-Results} field, it removes (or renames) those that
 * claim its authserv-id on a mail from outside (RFC 8601 §5, {@link ForgedAuthenticationResults}):
 * inside is a mail whose client address is in {@code myNetworks} or that James received after SMTP
 * AUTH ({@code org.apache.james.SMTPAuthUser}); every other mail, one without a client address
 * included, is from outside.
 *
 * <table>
 * <caption>Parameters</caption>
 * <tr><th>Name</th><th>Default</th><th>Meaning</th></tr>
 * <tr><td>identities</td><td>mailfrom</td><td>{@code mailfrom}, {@code helo} or both</td></tr>
 * <tr><td>headers</td><td>received-spf</td><td>{@code received-spf}, {@code authentication-results}, both, or {@code none}</td></tr>
 * <tr><td>authservId</td><td>the {@code spf.receiver} setting, else {@code localhost}</td><td>authserv-id of Authentication-Results</td></tr>
 * <tr><td>forgedAuthenticationResults</td><td>remove</td><td>{@code remove} or {@code rename} an outside mail's fields in our name</td></tr>
 * <tr><td>myNetworks</td><td>none</td><td>inside client networks, CIDR, comma or space separated</td></tr>
 * <tr><td>dns.*, spf.*</td><td></td><td>engine settings</td></tr>
 * </table>
 */
public class SpfCheck extends GatekeeperMailet {

    static final List<String> IDENTITIES = List.of("mailfrom", "helo");
    static final List<String> HEADERS = List.of("received-spf", "authentication-results", "none");

    private List<SpfIdentity> identities;
    private boolean receivedSpf;
    private boolean authenticationResults;
    private String authservId;
    private ForgedAuthenticationResults forged;
    private List<CidrBlock> myNetworks;
    private SpfEvaluator spf;

    @Override
    Set<String> parameters() {
        return Set.of("identities", "headers", "authservId", ForgedAuthenticationResults.HANDLING.name(), "myNetworks");
    }

    @Override
    void configure() {
        identities = new ArrayList<>();
        for (String w : words("identities", "mailfrom", IDENTITIES)) {
            identities.add(w.equals("helo") ? SpfIdentity.HELO : SpfIdentity.MAILFROM);
        }
        if (identities.isEmpty()) {
            throw new IllegalArgumentException("identities: none given (mailfrom, helo)");
        }
        List<String> headers = words("headers", "received-spf", HEADERS);
        if (headers.contains("none") && headers.size() > 1) {
            throw new IllegalArgumentException("headers: 'none' with other values " + headers);
        }
        receivedSpf = headers.contains("received-spf");
        authenticationResults = headers.contains("authentication-results");
        spf = SharedEngines.spf(engines);
        authservId = parameter("authservId", engines.spf().configuredReceiver().orElse("localhost"));
        forged = new ForgedAuthenticationResults(authservId, parameter(ForgedAuthenticationResults.HANDLING));
        myNetworks = new ArrayList<>();
        for (String w : parameter("myNetworks", "").split("[,\\s]+")) {
            if (!w.isEmpty()) {
                try {
                    myNetworks.add(CidrBlock.parse(w));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("myNetworks: " + e.getMessage(), e);
                }
            }
        }
    }

    @Override
    public void service(Mail mail) {
        List<SpfVerdict> verdicts = new ArrayList<>();
        for (SpfIdentity identity : identities) {
            if (MailSpf.recorded(mail, identity).isPresent()) {
                log.debug("{} {}: {} result already recorded", getMailetName(), mail.getName(), identity.keyword());
                continue;
            }
            Optional<SpfVerdict> v = MailSpf.evaluate(spf, mail, identity);
            if (v.isEmpty()) {
                log.debug("{} {}: {} not evaluated (client {}, helo '{}')", getMailetName(), mail.getName(),
                        identity.keyword(), mail.getRemoteAddr(), MailSpf.helo(mail));
                continue;
            }
            log.debug("{} {}: {}", getMailetName(), mail.getName(), v.get());
            MailSpf.record(mail, v.get());
            verdicts.add(v.get());
        }
        if (verdicts.isEmpty() || !receivedSpf && !authenticationResults) {
            return;
        }
        if (authenticationResults && !fromInside(mail)) {
            int n = MailHeaders.removeForged(forged, mail);
            if (n > 0) {
                log.info("{} {}: {} Authentication-Results field(s) in the name of {} from client {} {}", getMailetName(),
                        mail.getName(), n, authservId, mail.getRemoteAddr(), forged.handling() == ForgedAuthenticationResults.Handling.REMOVE
                                ? "removed" : "renamed to " + ForgedAuthenticationResults.RENAMED);
            }
        }
        List<Map.Entry<String, String>> added = new ArrayList<>();
        for (SpfVerdict v : verdicts) {
            if (receivedSpf) {
                ReceivedSpfHeader h = ReceivedSpfHeader.of(v, spf.settings().receiver());
                added.add(Map.entry(h.name(), h.value()));
            }
            if (authenticationResults) {
                added.add(Map.entry(AuthenticationResultsSpf.HEADER_NAME, AuthenticationResultsSpf.headerValue(authservId, v)));
            }
        }
        MailHeaders.edit(mail, List.of(), added);
    }

    /** SMTP AUTH, or a client address in {@code myNetworks}. */
    private boolean fromInside(Mail mail) {
        if (mail.getAttribute(Mail.SMTP_AUTH_USER).isPresent()) {
            return true;
        }
        Optional<InetAddress> client = MailSpf.client(mail);
        return client.isPresent() && myNetworks.stream().anyMatch(n -> n.contains(client.get()));
    }

    @Override
    public String getMailetInfo() {
        return "Gatekeeper SPF check (RFC 7208)";
    }
}
