package dev.gatekeeper.policy;

import java.util.HashMap;
import java.util.Map;

/** The values a reply template may show ({@code ${client_ip}}, {@code ${sender}}, ...). Immutable. */
public final class ReplyValues {

    private final Map<String, String> values;

    private ReplyValues(Map<String, String> values) {
        this.values = Map.copyOf(values);
    }

    public static ReplyValues empty() {
        return new ReplyValues(Map.of());
    }

    /**
     * The same values with one more.
     *
     * @param name one of {@code client_ip, client_name, helo, sender, recipient, spf_result,
     *     spf_explanation, spf_identity, dmarc_domain, dmarc_result, reason, retry_after, dnsbl_list,
     *     dnsbl_score}
     */
    public ReplyValues with(String name, String value) {
        if (!ReplyTemplate.VARIABLES.contains(name)) {
            throw new IllegalArgumentException("unknown reply variable " + name);
        }
        Map<String, String> copy = new HashMap<>(values);
        copy.put(name, value == null ? "" : value);
        return new ReplyValues(copy);
    }

    Map<String, String> asMap() {
        return values;
    }

    @Override
    public String toString() {
        return values.toString();
    }
}
