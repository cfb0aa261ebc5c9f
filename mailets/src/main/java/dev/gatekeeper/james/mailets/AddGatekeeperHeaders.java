package dev.gatekeeper.james.mailets;

import dev.gatekeeper.dns.Setting;
import dev.gatekeeper.james.common.GatekeeperAttributes;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.mailet.Mail;

/**
 * Writes the verdicts recorded in the mail's attributes as headers, for filters after James
 * (Sieve, a spam filter, the user's client). Headers of the same names that the mail already had
 * are removed first, so a sender cannot forge them. Nothing is written for a verdict that was not
 * recorded.
 *
 * <table>
 * <caption>Headers (prefix {@code X-Gatekeeper-})</caption>
 * <tr><td>{@code X-Gatekeeper-SPF: mailfrom=fail helo=pass}</td></tr>
 * <tr><td>{@code X-Gatekeeper-Callout: sender=rejected}</td></tr>
 * <tr><td>{@code X-Gatekeeper-Tags: suspect, newsletter}</td></tr>
 * <tr><td>{@code X-Gatekeeper-Verdicts: mail:dunno rcpt:permit data:dunno}</td></tr>
 * <tr><td>{@code X-Gatekeeper-Warning: ...} (one per warning)</td></tr>
 * <tr><td>{@code X-Gatekeeper-DNSBL: score=3 zen[client-address]=127.0.0.2} (the DNS lists' score
 *     of the connection and the lists that listed it; when the policy declares lists)</td></tr>
 * <tr><td>{@code X-Gatekeeper-Greylist: delayed 312 seconds} (when greylisting held the mail back)</td></tr>
 * </table>
 *
 * <p>Parameter {@code prefix} (default {@code X-Gatekeeper-}) changes the names' prefix.
 */
public class AddGatekeeperHeaders extends GatekeeperMailet {

    static final Setting<String> PREFIX = Setting.text("prefix", "X-Gatekeeper-")
            .require(p -> p.matches("[!-9;-~]+"), "is not a header field name (RFC 5322 §3.6.8)");
    private static final List<String> SUFFIXES = List.of("SPF", "Callout", "Tags", "Verdicts", "Warning", "DNSBL", "Greylist");

    private String prefix;

    @Override
    Set<String> parameters() {
        return Set.of(PREFIX.name());
    }

    @Override
    void configure() {
        prefix = parameter(PREFIX);
    }

    @Override
    public void service(Mail mail) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        List<String> spf = new ArrayList<>();
        GatekeeperAttributes.string(mail, GatekeeperAttributes.SPF_MAIL_FROM).ifPresent(r -> spf.add("mailfrom=" + r));
        GatekeeperAttributes.string(mail, GatekeeperAttributes.SPF_HELO).ifPresent(r -> spf.add("helo=" + r));
        put(headers, "SPF", spf.isEmpty() ? List.of() : List.of(String.join(" ", spf)));
        put(headers, "Callout", GatekeeperAttributes.string(mail, GatekeeperAttributes.CALLOUT_SENDER)
                .map(o -> List.of("sender=" + o)).orElse(List.of()));
        List<String> tags = GatekeeperAttributes.strings(mail, GatekeeperAttributes.TAGS);
        put(headers, "Tags", tags.isEmpty() ? List.of() : List.of(String.join(", ", tags)));
        List<String> verdicts = GatekeeperAttributes.strings(mail, GatekeeperAttributes.POLICY_VERDICTS);
        put(headers, "Verdicts", verdicts.isEmpty() ? List.of() : List.of(String.join(" ", verdicts)));
        put(headers, "Warning", GatekeeperAttributes.strings(mail, GatekeeperAttributes.POLICY_WARNINGS));
        put(headers, "DNSBL", GatekeeperAttributes.string(mail, GatekeeperAttributes.DNSBL_SCORE)
                .map(score -> List.of(dnsbl(score, GatekeeperAttributes.strings(mail, GatekeeperAttributes.DNSBL_HITS))))
                .orElse(List.of()));
        put(headers, "Greylist", GatekeeperAttributes.string(mail, GatekeeperAttributes.GREYLIST_DELAYED)
                .map(seconds -> List.of("delayed " + seconds + " seconds")).orElse(List.of()));

        List<String> removed = new ArrayList<>();
        for (String suffix : SUFFIXES) {
            removed.add(prefix + suffix);
        }
        List<Map.Entry<String, String>> added = new ArrayList<>();
        for (Map.Entry<String, List<String>> h : headers.entrySet()) {
            for (String value : h.getValue()) {
                added.add(Map.entry(h.getKey(), clean(value)));
            }
        }
        MailHeaders.edit(mail, removed, added);
        log.debug("{} {}: wrote {}", getMailetName(), mail.getName(), headers);
    }

    /** {@code score=N} and the hits, as rspamd's and postscreen's logs show them. */
    private static String dnsbl(String score, List<String> hits) {
        StringBuilder value = new StringBuilder("score=").append(score);
        hits.forEach(hit -> value.append(' ').append(hit));
        return value.toString();
    }

    private void put(Map<String, List<String>> headers, String suffix, List<String> values) {
        if (!values.isEmpty()) {
            headers.put(prefix + suffix, values);
        }
    }

    /** No CR, LF or other control character reaches a header from an attribute. */
    static String clean(String value) {
        return value.replaceAll("[\\p{Cntrl}]+", " ").strip();
    }

    @Override
    public String getMailetInfo() {
        return "Gatekeeper verdicts as headers";
    }
}
