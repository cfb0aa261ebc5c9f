package dev.gatekeeper.dns;

import java.lang.management.ManagementFactory;
import java.util.List;

/**
 * The DNS cache's bound in memory: fills the resolver's own cache (package-private, hence this
 * package) to its default size ({@link ResolverSettings#CACHE_SIZE}, 10000 entries), then
 * offers twice as many more, with answers of the size SPF asks for (a TXT record of a typical
 * SPF policy), and reports the live heap and the entry count it keeps.
 *
 * <pre>
 * java -cp benchmarks/target/gatekeeper-benchmarks.jar dev.gatekeeper.dns.DnsCacheFootprint [entries]
 * </pre>
 */
public final class DnsCacheFootprint {

    private DnsCacheFootprint() {
    }

    public static void main(String[] args) throws Exception {
        int max = args.length > 0 ? Integer.parseInt(args[0]) : ResolverSettings.CACHE_SIZE.defaultValue();
        long before = liveHeap();
        DnsCache cache = new DnsCache(max);
        long now = System.currentTimeMillis();
        for (int i = 0; i < 3 * max; i++) {
            String name = "_spf" + i + ".mail-provider" + (i % 1000) + ".example";
            DnsAnswer answer = DnsAnswer.of(List.of(TxtRecord.of(
                    "v=spf1 ip4:192.0.2.0/24 ip4:198.51.100.0/24 ip6:2001:db8:" + (i % 65_000) + "::/48 include:_spf.partner.example ~all")));
            cache.put(new DnsCache.Key(name, RecordType.TXT), answer, 3600, now);
        }
        long after = liveHeap();
        System.out.printf("cache bound %d entries, %d offered, %d kept: %.1f MB live heap, %d bytes per entry%n",
                max, 3 * max, cache.size(), (after - before) / 1e6, (after - before) / cache.size());
    }

    static long liveHeap() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(200);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
