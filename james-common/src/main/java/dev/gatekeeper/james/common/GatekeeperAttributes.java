package dev.gatekeeper.james.common;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeName;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;

/**
 * The mail attributes through which Gatekeeper hands its verdicts from the SMTP hooks to the
 * mailets and matchers (and to any other mailet: every value is a plain string, a list of strings
 * or a map of strings, so James's own {@code HasMailAttributeWithValue} can read them too).
 *
 * <table>
 * <caption>Attributes</caption>
 * <tr><th>Name</th><th>Value</th></tr>
 * <tr><td>{@code dev.gatekeeper.spf.mailfrom}</td><td>SPF result of the MAIL FROM identity
 *     ({@code postmaster@<helo>} for the null sender), lower case as in RFC 7208 §2.6:
 *     {@code pass}, {@code fail}, {@code softfail}, {@code neutral}, {@code none},
 *     {@code temperror}, {@code permerror}</td></tr>
 * <tr><td>{@code dev.gatekeeper.spf.mailfrom.explanation}</td><td>the explanation of a fail, or
 *     the problem behind an error</td></tr>
 * <tr><td>{@code dev.gatekeeper.spf.helo}</td><td>SPF result of the HELO identity</td></tr>
 * <tr><td>{@code dev.gatekeeper.callout.sender}</td><td>callout outcome of the sender:
 *     {@code accepted}, {@code rejected}, {@code catch-all}, {@code tempfail}, {@code null-mx},
 *     {@code no-mail-host}, {@code invalid}, {@code skipped}, ...</td></tr>
 * <tr><td>{@code dev.gatekeeper.callout.outcomes}</td><td>map from each address verified in the
 *     transaction to its callout outcome</td></tr>
 * <tr><td>{@code dev.gatekeeper.tags}</td><td>list of the labels the policy's {@code tag}
 *     actions gave the session and the transaction</td></tr>
 * <tr><td>{@code dev.gatekeeper.policy.verdicts}</td><td>list of {@code stage:outcome} for each
 *     stage the policy decided, for example {@code rcpt:permit}, {@code data:dunno};
 *     {@code stage:warn} where a rule only warned (warn actions and warn-only mode)</td></tr>
 * <tr><td>{@code dev.gatekeeper.policy.warnings}</td><td>list of the warnings logged for the
 *     transaction</td></tr>
 * <tr><td>{@code dev.gatekeeper.dkim.results}</td><td>list of one RFC 8601 resinfo per
 *     DKIM-Signature field, top to bottom, for example
 *     {@code dkim=pass header.d=example.com header.s=sel header.b=AbCdEfGh}; empty when unsigned</td></tr>
 * <tr><td>{@code dev.gatekeeper.arc.result}</td><td>the ARC chain's result (RFC 8617):
 *     {@code none}, {@code pass}, {@code fail}, {@code temperror}</td></tr>
 * <tr><td>{@code dev.gatekeeper.dmarc.result}</td><td>the DMARC result of the From domain:
 *     {@code none}, {@code pass}, {@code fail}, {@code temperror}, {@code permerror}</td></tr>
 * <tr><td>{@code dev.gatekeeper.dmarc.policy}</td><td>what the From domain asks done with this
 *     message (after {@code pct} sampling): {@code none}, {@code quarantine}, {@code reject}</td></tr>
 * <tr><td>{@code dev.gatekeeper.dmarc.domain}</td><td>the author domain DMARC evaluated (empty
 *     when the From field had none)</td></tr>
 * <tr><td>{@code dev.gatekeeper.dnsbl.score}</td><td>the DNS lists' score of the connection (the
 *     sum of the weights of the lists that listed it), for example {@code 3}; absent when the
 *     policy declares no list</td></tr>
 * <tr><td>{@code dev.gatekeeper.dnsbl.hits}</td><td>list of the lists' hits, each
 *     {@code name[subject]=replies}, for example {@code zen[client-address]=127.0.0.2}</td></tr>
 * <tr><td>{@code dev.gatekeeper.greylist.delayed}</td><td>seconds the mail waited for greylisting:
 *     the longest wait of a recipient whose triplet passed on this retry (postgrey's
 *     {@code X-Greylist: delayed N seconds}); absent when no triplet passed a delay</td></tr>
 * </table>
 */
public final class GatekeeperAttributes {

    public static final AttributeName SPF_MAIL_FROM = AttributeName.of("dev.gatekeeper.spf.mailfrom");
    public static final AttributeName SPF_MAIL_FROM_EXPLANATION = AttributeName.of("dev.gatekeeper.spf.mailfrom.explanation");
    public static final AttributeName SPF_HELO = AttributeName.of("dev.gatekeeper.spf.helo");
    public static final AttributeName CALLOUT_SENDER = AttributeName.of("dev.gatekeeper.callout.sender");
    public static final AttributeName CALLOUT_OUTCOMES = AttributeName.of("dev.gatekeeper.callout.outcomes");
    public static final AttributeName TAGS = AttributeName.of("dev.gatekeeper.tags");
    public static final AttributeName POLICY_VERDICTS = AttributeName.of("dev.gatekeeper.policy.verdicts");
    public static final AttributeName POLICY_WARNINGS = AttributeName.of("dev.gatekeeper.policy.warnings");
    public static final AttributeName DKIM_RESULTS = AttributeName.of("dev.gatekeeper.dkim.results");
    public static final AttributeName ARC_RESULT = AttributeName.of("dev.gatekeeper.arc.result");
    public static final AttributeName DMARC_RESULT = AttributeName.of("dev.gatekeeper.dmarc.result");
    public static final AttributeName DMARC_POLICY = AttributeName.of("dev.gatekeeper.dmarc.policy");
    public static final AttributeName DMARC_DOMAIN = AttributeName.of("dev.gatekeeper.dmarc.domain");
    public static final AttributeName DNSBL_SCORE = AttributeName.of("dev.gatekeeper.dnsbl.score");
    public static final AttributeName DNSBL_HITS = AttributeName.of("dev.gatekeeper.dnsbl.hits");
    public static final AttributeName GREYLIST_DELAYED = AttributeName.of("dev.gatekeeper.greylist.delayed");

    private GatekeeperAttributes() {
    }

    /** The string value of {@code name}, if the mail has it as a string. */
    public static Optional<String> string(Mail mail, AttributeName name) {
        return mail.getAttribute(name).flatMap(a -> a.getValue().valueAs(String.class));
    }

    /** The strings of a list attribute; empty when absent. Non-string elements are skipped. */
    public static List<String> strings(Mail mail, AttributeName name) {
        return mail.getAttribute(name)
                .flatMap(a -> a.getValue().valueAs(Collection.class))
                .map(c -> ((Collection<?>) c).stream()
                        .map(GatekeeperAttributes::unwrap)
                        .filter(String.class::isInstance)
                        .map(String.class::cast)
                        .collect(Collectors.toUnmodifiableList()))
                .orElse(List.of());
    }

    /** The string entries of a map attribute, in their order; empty when absent. */
    public static Map<String, String> map(Mail mail, AttributeName name) {
        Map<String, String> result = new LinkedHashMap<>();
        mail.getAttribute(name)
                .flatMap(a -> a.getValue().valueAs(Map.class))
                .ifPresent(m -> ((Map<?, ?>) m).forEach((k, v) -> {
                    Object value = unwrap(v);
                    if (k instanceof String && value instanceof String) {
                        result.put((String) k, (String) value);
                    }
                }));
        return result;
    }

    public static void setString(Mail mail, AttributeName name, String value) {
        mail.setAttribute(new Attribute(name, AttributeValue.of(value)));
    }

    public static void setStrings(Mail mail, AttributeName name, Collection<String> values) {
        List<AttributeValue<?>> list = new ArrayList<>(values.size());
        for (String value : values) {
            list.add(AttributeValue.of(value));
        }
        mail.setAttribute(new Attribute(name, AttributeValue.of(list)));
    }

    public static void setMap(Mail mail, AttributeName name, Map<String, String> values) {
        Map<String, AttributeValue<?>> map = new LinkedHashMap<>();
        values.forEach((k, v) -> map.put(k, AttributeValue.of(v)));
        mail.setAttribute(new Attribute(name, AttributeValue.of(map)));
    }

    private static Object unwrap(Object o) {
        return o instanceof AttributeValue ? ((AttributeValue<?>) o).value() : o;
    }
}
