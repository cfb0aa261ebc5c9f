package dev.gatekeeper.james.mailets;

import dev.gatekeeper.callout.CalloutVerdict;
import dev.gatekeeper.callout.CalloutVerifier;
import dev.gatekeeper.dns.Setting;
import dev.gatekeeper.james.common.GatekeeperAttributes;
import dev.gatekeeper.james.common.MailSpf;
import dev.gatekeeper.james.common.SharedEngines;
import java.net.InetAddress;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.james.core.MailAddress;
import org.apache.mailet.Mail;

/**
 * Verifies the sender (or the recipients) of a mail through the shared callout engine and records
 * the outcome: {@code dev.gatekeeper.callout.sender} for the sender, and every verified address in
 * the map {@code dev.gatekeeper.callout.outcomes}. {@code CalloutOutcomeIs} (or James's
 * {@code HasMailAttributeWithValue}) then routes on it. The probes of one mail run together and
 * the spooler thread waits at most {@code timeout}; what has not answered by then is recorded as
 * {@code tempfail}. A sender whose outcome is already recorded (by the SMTP hooks) is not probed
 * again.
 *
 * <table>
 * <caption>Parameters</caption>
 * <tr><th>Name</th><th>Default</th><th>Meaning</th></tr>
 * <tr><td>address</td><td>sender</td><td>{@code sender} or {@code recipients}</td></tr>
 * <tr><td>timeout</td><td>{@code callout.overallTimeout} + 1s</td><td>longest wait of the spooler thread</td></tr>
 * <tr><td>dns.*, callout.*</td><td></td><td>engine settings</td></tr>
 * </table>
 */
public class CalloutVerify extends GatekeeperMailet {

    /** Beyond the engine's own overall timeout, for the probe's last reply to arrive. */
    static final Duration MARGIN = Duration.ofSeconds(1);
    /** The longest wait of the spooler thread. */
    static final Setting<Duration> TIMEOUT = Setting.duration("timeout", null).absentMeans("callout.overallTimeout + 1s");

    private boolean recipients;
    private Duration timeout;
    private CalloutVerifier verifier;

    @Override
    Set<String> parameters() {
        return Set.of("address", TIMEOUT.name());
    }

    @Override
    void configure() {
        List<String> address = words("address", "sender", List.of("sender", "recipients"));
        if (address.size() != 1) {
            throw new IllegalArgumentException("address: give one of sender, recipients");
        }
        recipients = address.get(0).equals("recipients");
        verifier = SharedEngines.callouts(engines);
        String text = getInitParameter(TIMEOUT.name());
        timeout = text == null ? verifier.settings().overallTimeout().plus(MARGIN) : TIMEOUT.read(text);
    }

    @Override
    public void service(Mail mail) {
        InetAddress client = MailSpf.client(mail).orElse(null);
        Map<String, CompletableFuture<CalloutVerdict>> probes = new LinkedHashMap<>();
        if (recipients) {
            for (MailAddress r : mail.getRecipients()) {
                probes.put(r.asString(), verifier.verify(r.asString(), client).toCompletableFuture());
            }
        } else {
            if (GatekeeperAttributes.string(mail, GatekeeperAttributes.CALLOUT_SENDER).isPresent()) {
                log.debug("{} {}: sender outcome already recorded", getMailetName(), mail.getName());
                return;
            }
            String sender = mail.getMaybeSender().asString("");
            probes.put(sender, verifier.verify(sender, client).toCompletableFuture());
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<String, String> outcomes = GatekeeperAttributes.map(mail, GatekeeperAttributes.CALLOUT_OUTCOMES);
        String senderOutcome = null;
        for (Map.Entry<String, CompletableFuture<CalloutVerdict>> p : probes.entrySet()) {
            CalloutVerdict o = await(p.getValue(), deadline);
            log.debug("{} {}: callout {} -> {}", getMailetName(), mail.getName(), p.getKey().isEmpty() ? "<>" : p.getKey(), o);
            if (!p.getKey().isEmpty()) {
                outcomes.put(p.getKey(), o.status().keyword());
            }
            senderOutcome = o.status().keyword();
        }
        if (!recipients) {
            GatekeeperAttributes.setString(mail, GatekeeperAttributes.CALLOUT_SENDER, senderOutcome);
        }
        if (!outcomes.isEmpty()) {
            GatekeeperAttributes.setMap(mail, GatekeeperAttributes.CALLOUT_OUTCOMES, outcomes);
        }
    }

    private CalloutVerdict await(CompletableFuture<CalloutVerdict> probe, long deadline) {
        try {
            return probe.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            // The probe goes on in the engine and its answer is cached for the next mail.
            return CalloutVerdict.tempfail("no answer within " + timeout);
        } catch (ExecutionException e) {
            return CalloutVerdict.tempfail("callout failed: " + e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return CalloutVerdict.tempfail("interrupted");
        }
    }

    @Override
    public String getMailetInfo() {
        return "Gatekeeper callout verification";
    }
}
