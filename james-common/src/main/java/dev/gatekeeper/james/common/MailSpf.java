package dev.gatekeeper.james.common;

import dev.gatekeeper.dns.IpAddresses;
import dev.gatekeeper.james.common.GatekeeperAttributes;
import dev.gatekeeper.spf.SpfEvaluator;
import dev.gatekeeper.spf.SpfIdentity;
import dev.gatekeeper.spf.SpfResult;
import dev.gatekeeper.spf.SpfVerdict;
import java.net.InetAddress;
import java.util.Optional;
import org.apache.mailet.AttributeName;
import org.apache.mailet.Mail;

/**
 * The SPF facts of a mail in James's pipeline: the result the SMTP hooks (or an earlier
 * {@code SpfCheck}) recorded, or a fresh evaluation from what James keeps of the SMTP session:
 * {@link Mail#getRemoteAddr()} for the client, the sender, and the HELO name James 3.8.1 records
 * in the {@link Mail#SMTP_HELO} attribute ({@code org.apache.james.HELO}) for mail received over
 * SMTP. A mail without a usable client address (made by a mailet, or from a non-IP source) is not
 * evaluated.
 */
public final class MailSpf {

    private MailSpf() {
    }

    /** The attribute that records the result of an identity. */
    public static AttributeName attribute(SpfIdentity identity) {
        return identity == SpfIdentity.HELO ? GatekeeperAttributes.SPF_HELO : GatekeeperAttributes.SPF_MAIL_FROM;
    }

    /** The recorded result, if the mail carries one that is an RFC 7208 result keyword. */
    public static Optional<SpfResult> recorded(Mail mail, SpfIdentity identity) {
        return GatekeeperAttributes.string(mail, attribute(identity)).flatMap(s -> {
            try {
                return Optional.of(SpfResult.fromKeyword(s));
            } catch (IllegalArgumentException e) {
                return Optional.empty();
            }
        });
    }

    /** The client's address, when the mail has an IP literal as remote address. */
    public static Optional<InetAddress> client(Mail mail) {
        String addr = mail.getRemoteAddr();
        return addr == null ? Optional.empty() : IpAddresses.parse(addr.strip());
    }

    /** The HELO/EHLO name James recorded, or "" when it recorded none. */
    public static String helo(Mail mail) {
        return GatekeeperAttributes.string(mail, Mail.SMTP_HELO).map(String::strip).orElse("");
    }

    /**
     * Evaluates one identity now (blocking, within the evaluator's time budget). Empty when the
     * mail has no client address, or for HELO when James recorded no HELO name.
     */
    public static Optional<SpfVerdict> evaluate(SpfEvaluator spf, Mail mail, SpfIdentity identity) {
        Optional<InetAddress> client = client(mail);
        if (client.isEmpty()) {
            return Optional.empty();
        }
        String helo = helo(mail);
        if (identity == SpfIdentity.HELO) {
            return helo.isEmpty() ? Optional.empty() : Optional.of(spf.checkHeloBlocking(client.get(), helo));
        }
        String sender = mail.getMaybeSender().asOptional().map(Object::toString).orElse("");
        return Optional.of(spf.checkMailFromBlocking(client.get(), helo, sender));
    }

    /** Records a verdict in the attributes the hooks use, so every later matcher and mailet reads it. */
    public static void record(Mail mail, SpfVerdict verdict) {
        GatekeeperAttributes.setString(mail, attribute(verdict.identity()), verdict.result().keyword());
        if (verdict.identity() == SpfIdentity.MAILFROM) {
            Optional<String> why = verdict.result() == SpfResult.FAIL ? verdict.explanation() : verdict.problem();
            why.ifPresent(w -> GatekeeperAttributes.setString(mail, GatekeeperAttributes.SPF_MAIL_FROM_EXPLANATION, w));
        }
    }
}
