package dev.gatekeeper.james.matchers;

import dev.gatekeeper.dkim.DkimStatus;
import dev.gatekeeper.dns.Setting;
import dev.gatekeeper.james.common.GatekeeperAttributes;
import dev.gatekeeper.mail.DomainName;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import org.apache.james.core.MailAddress;
import org.apache.mailet.Mail;

/**
 * Matches every recipient when some DKIM signature the SMTP handler verified
 * ({@code dev.gatekeeper.dkim.results}) has one of the results listed, signed by one of the
 * {@code domain} option's domains (or below) when given: {@code DkimResultIs=pass
 * domain=bank.example}. {@code none} matches a verified message without any signature. A mail
 * the handler did not verify has no results and does not match.
 */
public class DkimResultIs extends GatekeeperMatcher {

    /** The signing domains that match, comma-separated; absent: any. */
    static final Setting<String> DOMAIN = Setting.text("domain", null).absentMeans("any");

    private final List<String> results = new ArrayList<>();
    private final List<String> domains = new ArrayList<>();

    @Override
    void configure(MatcherCondition condition) {
        condition.engineSettings(getMatcherName(), List.of(DOMAIN.name()));
        for (String w : condition.list()) {
            String word = w.toLowerCase(Locale.ROOT);
            if (!word.equals("none")) {
                try {
                    DkimStatus.valueOf(word.toUpperCase(Locale.ROOT));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(getMatcherName() + ": unknown DKIM result '" + w
                            + "' (none, pass, fail, neutral, policy, temperror, permerror)");
                }
            }
            results.add(word);
        }
        if (results.isEmpty()) {
            throw new IllegalArgumentException(getMatcherName() + ": no DKIM result listed in '" + condition.first + "'");
        }
        String listed = condition.option(DOMAIN);
        if (listed != null) {
            for (String d : listed.split(",")) {
                domains.add(DomainName.parse(d.strip()).ascii());
            }
        }
    }

    @Override
    public Collection<MailAddress> match(Mail mail) {
        // The handler records a DMARC result for every message it verified, signed or not.
        boolean verified = GatekeeperAttributes.string(mail, GatekeeperAttributes.DMARC_RESULT).isPresent();
        List<String> signatures = GatekeeperAttributes.strings(mail, GatekeeperAttributes.DKIM_RESULTS);
        if (!verified && signatures.isEmpty()) {
            return all(mail, false, "no dkim results recorded");
        }
        if (signatures.isEmpty()) {
            return all(mail, results.contains("none"), "dkim none");
        }
        for (String resinfo : signatures) {
            if (results.contains(result(resinfo)) && signedBy(signer(resinfo))) {
                return all(mail, true, resinfo);
            }
        }
        return all(mail, false, String.join(", ", signatures));
    }

    /** {@code pass} of {@code dkim=pass header.d=...}. */
    private static String result(String resinfo) {
        int end = resinfo.indexOf(' ');
        return resinfo.substring("dkim=".length(), end < 0 ? resinfo.length() : end);
    }

    /** The {@code header.d} of a resinfo, "" without one. */
    private static String signer(String resinfo) {
        int at = resinfo.indexOf(" header.d=");
        if (at < 0) {
            return "";
        }
        int from = at + " header.d=".length();
        int end = resinfo.indexOf(' ', from);
        return DomainName.canonical(resinfo.substring(from, end < 0 ? resinfo.length() : end));
    }

    private boolean signedBy(String signer) {
        return domains.isEmpty() || domains.stream().anyMatch(d -> signer.equals(d) || signer.endsWith("." + d));
    }

    @Override
    public String getMatcherInfo() {
        return "Gatekeeper: a DKIM signature's result (and signing domain) is one of those listed";
    }
}
