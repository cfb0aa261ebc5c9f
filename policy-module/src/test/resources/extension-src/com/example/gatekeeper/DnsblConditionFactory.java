package com.example.gatekeeper;

import dev.gatekeeper.dns.AddressRecord;
import dev.gatekeeper.dns.DnsAnswer;
import dev.gatekeeper.dns.DnsNames;
import dev.gatekeeper.dns.RecordType;
import dev.gatekeeper.mail.DomainName;
import dev.gatekeeper.policy.ExtensionConfig;
import dev.gatekeeper.policy.PolicyCondition;
import dev.gatekeeper.policy.PolicyConditionFactory;
import dev.gatekeeper.policy.PolicyContext;
import java.util.Set;
import java.util.concurrent.CompletionStage;

/**
 * Matches clients listed in a DNS blocklist: the client's address, reversed, is looked up as a
 * name under the list's zone (192.0.2.99 becomes 99.2.0.192.zen.example); any A record means
 * "listed", or only the given answer when {@code answer} is set.
 *
 * <pre>{@code
 * <condition class="com.example.gatekeeper.DnsblConditionFactory">   (or type="dnsbl")
 *   <param name="zone" value="zen.example"/>
 *   <param name="answer" value="127.0.0.2"/>
 * </condition>
 * }</pre>
 */
public final class DnsblConditionFactory implements PolicyConditionFactory {

    @Override
    public String name() {
        return "dnsbl";
    }

    @Override
    public PolicyCondition create(ExtensionConfig config) {
        config.allowOnly(Set.of("zone", "answer"));
        String zone = config.requiredParameter("zone");
        String answer = config.parameter("answer").orElse(null);
        if (answer != null && !answer.matches("127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}")) {
            throw config.problem("answer must be a 127.0.0.0/8 address, not '" + answer + "'");
        }
        return new Dnsbl(DomainName.canonical(zone), answer);
    }

    private static final class Dnsbl implements PolicyCondition {
        private final String zone;
        private final String answer;

        Dnsbl(String zone, String answer) {
            this.zone = zone;
            this.answer = answer;
        }

        @Override
        public CompletionStage<Boolean> test(PolicyContext context) {
            String reversed = DnsNames.reverseName(context.clientAddress()).replaceFirst("\\.(in-addr|ip6)\\.arpa$", "");
            return context.resolver().lookup(reversed + "." + zone, RecordType.A).thenApply(this::listed);
        }

        /** A list that does not answer lists nobody: a blocklist outage must not stop all mail. */
        private boolean listed(DnsAnswer a) {
            if (a.status() != DnsAnswer.Status.RECORDS) {
                return false;
            }
            if (answer == null) {
                return true;
            }
            for (AddressRecord r : a.records(AddressRecord.class)) {
                if (r.address().getHostAddress().equals(answer)) {
                    return true;
                }
            }
            return false;
        }

        @Override
        public String describe() {
            return "dnsbl " + zone + (answer == null ? "" : " answer " + answer);
        }
    }
}
