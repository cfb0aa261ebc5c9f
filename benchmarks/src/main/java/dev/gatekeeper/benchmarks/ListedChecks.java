package dev.gatekeeper.benchmarks;

import dev.gatekeeper.mail.Mailbox;
import dev.gatekeeper.policy.CalloutAnswer;
import dev.gatekeeper.policy.EngineChecks;
import dev.gatekeeper.policy.SpfAnswer;
import dev.gatekeeper.policy.TransactionChecks;
import dev.gatekeeper.reputation.DnsList;
import dev.gatekeeper.reputation.DnsListChecker;
import dev.gatekeeper.reputation.ReputationQuery;
import dev.gatekeeper.reputation.ReputationScore;
import java.net.InetAddress;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * The engines' checks, and the policy's DNS lists through one checker, as the hook's
 * SessionChecks has them: {@code EngineChecks.of} alone has no DNS lists and would defer every
 * rule that asks them.
 */
final class ListedChecks implements TransactionChecks {
    private final EngineChecks engines;
    private final DnsListChecker lists;

    ListedChecks(EngineChecks engines, DnsListChecker lists) {
        this.engines = engines;
        this.lists = lists;
    }

    @Override
    public CompletionStage<SpfAnswer> mailFromSpf(InetAddress client, String helo, Mailbox sender) {
        return engines.mailFromSpf(client, helo, sender);
    }

    @Override
    public CompletionStage<SpfAnswer> heloSpf(InetAddress client, String helo) {
        return engines.heloSpf(client, helo);
    }

    @Override
    public CompletionStage<CalloutAnswer> callout(InetAddress client, Mailbox address) {
        return engines.callout(client, address);
    }

    @Override
    public CompletionStage<ReputationScore> dnsLists(List<DnsList> dnsLists, ReputationQuery query) {
        return lists.check(query);
    }
}
