package dev.gatekeeper.policy;

import java.util.Locale;

/**
 * Why a reply is given: each reason has one default reply in the {@link ReplyCatalog}, which the
 * configuration may override. Codes follow RFC 5321 §4.2.3 and §4.3.2 for the stage where the
 * reply is normally given (the first RCPT, with delayed rejection), enhanced codes RFC 3463,
 * RFC 7372 (SPF) and RFC 7505 (null MX).
 */
public enum Reason {
    /**
     * 550 5.7.1. Postfix answers 554 ({@code relay_domains_reject_code}), but RFC 5321 §4.3.2 does
     * not list 554 among RCPT's replies, while §4.2.3 gives 550 to "command rejected for policy
     * reasons"; every client reads both as permanent, so the listed code wins.
     */
    RELAY_DENIED("550 5.7.1 <${recipient}>: Relay access denied"),
    /** 501 5.1.7 (RFC 3463 X.1.7, bad sender's mailbox address syntax). */
    SENDER_SYNTAX("501 5.1.7 <${sender}>: Sender address rejected: bad address syntax"),
    /** 501 5.1.3 (RFC 3463 X.1.3, bad destination mailbox address syntax). */
    RECIPIENT_SYNTAX("501 5.1.3 <${recipient}>: Recipient address rejected: bad address syntax"),
    /** 550 5.1.8 (RFC 3463 X.1.8, bad sender's system address): the sender's domain has no mail host. */
    UNKNOWN_SENDER_DOMAIN("550 5.1.8 <${sender}>: Sender address rejected: Domain not found"),
    /** 550 5.1.7: the sender's own mail host refused the address when asked (callout). */
    UNVERIFIED_SENDER("550 5.1.7 <${sender}>: Sender address rejected: undeliverable address"),
    /** 550 5.1.1 (RFC 3463 X.1.1, bad destination mailbox): a recipient's mail host refused it. */
    UNKNOWN_RECIPIENT("550 5.1.1 <${recipient}>: Recipient address rejected: User unknown"),
    /** 450 4.1.7, as Postfix's {@code unverified_sender_defer_code}: the callout got no answer. */
    CALLOUT_TEMPFAIL("450 4.1.7 <${sender}>: Sender address rejected: address verification in progress, try again later"),
    /** 550 5.7.27 (RFC 7505 §4.2): the sender's domain publishes a null MX. */
    NULL_MX_SENDER("550 5.7.27 <${sender}>: Sender address rejected: domain accepts no mail (null MX)"),
    /** 550 5.7.23 (RFC 7372 §3.2, RFC 7208 §8.4). */
    SPF_FAIL("550 5.7.23 SPF check failed: ${spf_explanation}"),
    /** 451 4.7.23: for sites that choose to defer a softfail (RFC 7208 §8.5 advises against rejecting). */
    SPF_SOFTFAIL("451 4.7.23 SPF check soft-failed, try again later"),
    /** 451 4.7.24 (RFC 7372 §3.2, RFC 7208 §8.6). */
    SPF_TEMPERROR("451 4.7.24 SPF check temporarily failed, try again later"),
    /** 550 5.7.24 (RFC 7372 §3.2, RFC 7208 §8.7). */
    SPF_PERMERROR("550 5.7.24 SPF record of the sender's domain is invalid"),
    /**
     * 550 5.7.26 (RFC 7372 §3.3 "multiple authentication checks failed": neither SPF nor DKIM
     * gave an aligned pass), as large receivers answer a DMARC p=reject (RFC 7489 §6.6.4).
     */
    DMARC_REJECT("550 5.7.26 Unauthenticated mail from ${dmarc_domain} is refused by its domain's DMARC policy"),
    /** 451 4.7.26: the DMARC policy could not be read for now (RFC 7489 §6.6.3: temporary DNS failure). */
    DMARC_TEMPERROR("451 4.7.26 DMARC policy of ${dmarc_domain} temporarily unavailable, try again later"),
    /** 550 5.7.20 (RFC 7372 §3.1: no passing DKIM signature found), for mail that must be signed. */
    DKIM_REQUIRED("550 5.7.20 No passing DKIM signature found"),
    /** 501 5.5.2, as Postfix's {@code reject_invalid_helo_hostname}. */
    HELO_SYNTAX("501 5.5.2 <${helo}>: Helo command rejected: Invalid name"),
    /** 550 5.7.1: a HELO name refused by policy (one claiming to be us, an IP literal, ...). */
    BAD_HELO("550 5.7.1 <${helo}>: Helo command rejected: ${reason}"),
    /** 550 5.7.1: any other policy rejection; {@code ${reason}} is the rule's text. */
    POLICY_REJECT("550 5.7.1 ${reason}"),
    /** 450 4.7.1: any other policy deferral. */
    POLICY_DEFER("450 4.7.1 ${reason}"),
    /** 452 4.5.3 (RFC 5321 §4.5.3.1.10, RFC 3463 X.5.3). */
    TOO_MANY_RECIPIENTS("452 4.5.3 Too many recipients"),
    /**
     * 450 4.7.1, as Postfix answers a rate over its anvil limits: a sending limit is a policy
     * deferral (RFC 3463 X.7.1), never permanent; {@code ${retry_after}} is in seconds.
     */
    RATE_LIMITED("450 4.7.1 Rate limit exceeded, try again in ${retry_after} seconds"),
    /** 421 4.7.0, for a rule that closes the connection of a client over its rate. */
    RATE_LIMITED_DISCONNECT("421 4.7.0 Rate limit exceeded, try again in ${retry_after} seconds, closing connection"),
    /**
     * 550 5.7.1, in Postfix's words for {@code reject_rbl_client} ({@code rbl_reply_maps}'
     * default, {@code ${dnsbl_list}} the zones of the lists that listed the client). Postfix
     * answers 554 ({@code rbl_code}), given at RCPT under {@code smtpd_delay_reject}; RFC 5321
     * §4.3.2 does not list 554 among RCPT's replies and gives 550 to a refusal for policy reasons
     * (§4.2.3), as postscreen answers a DNSBL refusal. Without delayed rejection, at connect, the
     * greeting makes it 554 (§4.3.2).
     */
    DNSBL("550 5.7.1 Service unavailable; Client host [${client_ip}] blocked using ${dnsbl_list}"),
    /**
     * 450 4.7.1 (RFC 3463 X.7.1, a policy deferral; RFC 5321 §4.2.5: a transient reply the client
     * retries), as Postfix answers for postgrey: the triplet waits {@code ${retry_after}} seconds more.
     */
    GREYLISTED("450 4.7.1 <${recipient}>: Recipient address rejected: Greylisted, try again in ${retry_after} seconds"),
    /** 421 4.7.0: the server closes the connection. */
    DISCONNECT("421 4.7.0 ${reason}, closing connection"),
    /** 451 4.3.0, as Postfix answers a table failure: our own failure never loses mail. */
    TEMPORARY_FAILURE("451 4.3.0 Temporary server error, try again later");

    private final String defaultReply;

    Reason(String defaultReply) {
        this.defaultReply = defaultReply;
    }

    /** The default reply, as written in the configuration: code, enhanced code, template text. */
    public String defaultReply() {
        return defaultReply;
    }

    /** The configuration keyword: {@code relay-denied}, {@code spf-fail}, ... */
    public String keyword() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** Parses a reason keyword. */
    public static Reason fromKeyword(String word) {
        for (Reason r : values()) {
            if (r.keyword().equals(word.trim().toLowerCase(Locale.ROOT))) {
                return r;
            }
        }
        throw new IllegalArgumentException("unknown reason '" + word + "'");
    }
}
