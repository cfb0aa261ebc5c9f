package dev.gatekeeper.james.mailets;

import dev.gatekeeper.james.matchers.MailSpf;
import dev.gatekeeper.james.smtp.SharedEngines;
import dev.gatekeeper.spf.AuthenticationResultsSpf;
import dev.gatekeeper.spf.ReceivedSpfHeader;
import dev.gatekeeper.spf.SpfEvaluator;
import dev.gatekeeper.spf.SpfIdentity;
import dev.gatekeeper.spf.SpfVerdict;
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
 * <table>
 * <caption>Parameters</caption>
 * <tr><th>Name</th><th>Default</th><th>Meaning</th></tr>
 * <tr><td>identities</td><td>mailfrom</td><td>{@code mailfrom}, {@code helo} or both</td></tr>
 * <tr><td>headers</td><td>received-spf</td><td>{@code received-spf}, {@code authentication-results}, both, or {@code none}</td></tr>
 * <tr><td>authservId</td><td>the {@code spf.receiver} setting, else {@code localhost}</td><td>authserv-id of Authentication-Results</td></tr>
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
    private SpfEvaluator spf;

    @Override
    Set<String> parameters() {
        return Set.of("identities", "headers", "authservId");
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
        spf = SharedEngines.spf(engines.dns(), engines.spf());
        authservId = parameter("authservId", engines.spf().getOrDefault("receiver", "localhost"));
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

    @Override
    public String getMailetInfo() {
        return "Gatekeeper SPF check (RFC 7208)";
    }
}
