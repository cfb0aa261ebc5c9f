package dev.gatekeeper.callout;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.gatekeeper.mail.Mailbox;
import java.lang.management.ManagementFactory;

/**
 * Heap taken per cached callout answer: fills the engine's own cache (package-private, hence
 * this package) with one million accepted addresses, each with the peer's reply as a real probe
 * records it, and compares the live heap before and after.
 *
 * <pre>
 * java -Xmx2g -cp benchmarks/target/gatekeeper-benchmarks.jar dev.gatekeeper.callout.CalloutCacheFootprint [entries]
 * </pre>
 */
public final class CalloutCacheFootprint {

    private CalloutCacheFootprint() {
    }

    public static void main(String[] args) throws Exception {
        int entries = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        CalloutSettings settings = CalloutSettings.builder().cacheMaxEntries(entries).build();
        long before = liveHeap();
        CalloutCache cache = new CalloutCache(settings, Ticker.systemTicker());
        for (int i = 0; i < entries; i++) {
            Mailbox mailbox = Mailbox.parse("user" + i + "@domain" + (i % 50_000) + ".example");
            PeerReply reply = new PeerReply(250, java.util.List.of("250 2.1.5 <" + mailbox.address() + ">... Recipient ok"));
            cache.put(mailbox, CalloutVerdict.fromReply(CalloutResult.ACCEPTED, reply, "mx.domain" + (i % 50_000) + ".example",
                    "the mail host accepted the address"));
        }
        long after = liveHeap();
        if (cache.peek(Mailbox.parse("user7@domain7.example")).isEmpty()) {
            throw new IllegalStateException("the cache lost an entry");
        }
        System.out.printf("%d entries: %.1f MB live heap, %d bytes per entry%n", entries, (after - before) / 1e6,
                (after - before) / entries);
    }

    static long liveHeap() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(200);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
