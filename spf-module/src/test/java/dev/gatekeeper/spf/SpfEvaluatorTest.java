package dev.gatekeeper.spf;

import static dev.gatekeeper.spf.SpfTestKit.a;
import static dev.gatekeeper.spf.SpfTestKit.ip;
import static dev.gatekeeper.spf.SpfTestKit.txt;
import static dev.gatekeeper.spf.SpfTestKit.zoneWith;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatekeeper.dns.DnsAnswer;
import dev.gatekeeper.dns.DnsResolver;
import dev.gatekeeper.dns.MxRecord;
import dev.gatekeeper.dns.PtrRecord;
import dev.gatekeeper.dns.RecordType;
import dev.gatekeeper.dns.ZoneResolver;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SpfEvaluatorTest {

    private static SpfVerdict check(ZoneResolver.Builder zone, String client, String sender) {
        return new SpfEvaluator(zone.build()).checkMailFromBlocking(ip(client), "mail.example.org", sender);
    }

    private static SpfVerdict check(ZoneResolver.Builder zone, SpfSettings settings, String client) {
        return new SpfEvaluator(zone.build(), settings).checkMailFromBlocking(ip(client), "mail.example.org",
                "alice@example.com");
    }

    @ParameterizedTest(name = "{0} from {1} -> {2} by {3}")
    @CsvSource(delimiter = '|', value = {
        "v=spf1 ip4:192.0.2.0/24 -all           | 192.0.2.9          | pass     | ip4:192.0.2.0/24",
        "v=spf1 ip4:192.0.2.0/24 -all           | 198.51.100.1       | fail     | -all",
        "v=spf1 ip4:192.0.2.0/24 ~all           | 198.51.100.1       | softfail | ~all",
        "v=spf1 ip4:192.0.2.0/24 ?all           | 198.51.100.1       | neutral  | ?all",
        "v=spf1 ip4:192.0.2.0/24                | 198.51.100.1       | neutral  | default",
        "v=spf1 -ip4:192.0.2.1 +all             | ::ffff:192.0.2.1   | fail     | -ip4:192.0.2.1",
        "v=spf1 ip6:2001:db8::/32 -all          | 2001:db8::1        | pass     | ip6:2001:db8::/32",
        "v=spf1 ip6:::/0 -all                   | 192.0.2.1          | fail     | -all",
        "v=spf1 a -all                          | 192.0.2.10         | pass     | a",
        "v=spf1 a/24 -all                       | 192.0.2.99         | pass     | a/24",
        "v=spf1 a//64 -all                      | 2001:db8:0:1::77   | pass     | a//64",
        "v=spf1 mx -all                         | 192.0.2.20         | pass     | mx",
        "v=spf1 ptr -all                        | 192.0.2.30         | pass     | ptr",
        "v=spf1 ptr:other.example -all          | 192.0.2.30         | fail     | -all",
        "v=spf1 exists:%{ir}.bl.example.com -all | 192.0.2.40        | pass     | exists:%{ir}.bl.example.com",
        "v=spf1 include:_spf.example.com -all   | 203.0.113.5        | pass     | include:_spf.example.com",
        "v=spf1 redirect=_spf.example.com       | 203.0.113.5        | pass     | ip4:203.0.113.0/24",
        "v=spf1 redirect=_spf.example.com       | 192.0.2.1          | softfail | ~all",
    })
    void evaluatesEachMechanism(String record, String client, String result, String mechanism) {
        ZoneResolver.Builder zone = zoneWith(record)
                .add("example.com", a("192.0.2.10"))
                .add("example.com", dev.gatekeeper.dns.AddressRecord.of(ip("2001:db8:0:1::1")))
                .add("example.com", MxRecord.of(10, "mx.example.com"))
                .add("mx.example.com", a("192.0.2.20"))
                .add("30.2.0.192.in-addr.arpa", PtrRecord.of("host.example.com"))
                .add("host.example.com", a("192.0.2.30"))
                .add("40.2.0.192.bl.example.com", a("127.0.0.2"))
                .add("_spf.example.com", txt("v=spf1 ip4:203.0.113.0/24 ~all"));
        SpfVerdict v = check(zone, client, "alice@example.com");
        assertThat(v.result().keyword()).isEqualTo(result);
        assertThat(v.mechanism()).contains(mechanism);
    }

    @Test
    void nullSenderIsPostmasterAtHelo() {
        ZoneResolver zone = ZoneResolver.builder().add("mail.example.org", txt("v=spf1 -all exp=why.example.org"))
                .add("why.example.org", txt("%{s} via %{h} as %{l} from %{c}")).build();
        SpfVerdict v = new SpfEvaluator(zone).checkMailFromBlocking(ip("192.0.2.1"), "mail.example.org", "<>");
        assertThat(v.result()).isEqualTo(SpfResult.FAIL);
        assertThat(v.identity()).isEqualTo(SpfIdentity.MAILFROM);
        assertThat(v.domain()).isEqualTo("mail.example.org");
        assertThat(v.sender()).isEqualTo("postmaster@mail.example.org");
        assertThat(v.explanation()).contains("postmaster@mail.example.org via mail.example.org as postmaster from 192.0.2.1");
        assertThat(new SpfEvaluator(zone).checkMailFromBlocking(ip("192.0.2.1"), "mail.example.org", "").sender())
                .isEqualTo("postmaster@mail.example.org");
    }

    @Test
    void heloIdentity() {
        ZoneResolver zone = ZoneResolver.builder().add("mail.example.org", txt("v=spf1 a -all"))
                .add("mail.example.org", a("192.0.2.1")).build();
        SpfVerdict v = new SpfEvaluator(zone).checkHeloBlocking(ip("192.0.2.1"), "mail.example.org");
        assertThat(v.result()).isEqualTo(SpfResult.PASS);
        assertThat(v.identity()).isEqualTo(SpfIdentity.HELO);
        assertThat(v.sender()).isEqualTo("postmaster@mail.example.org");
        assertThat(v.lookups()).isEqualTo(1);
    }

    @Test
    void senderWithoutLocalPartIsPostmaster() {
        SpfVerdict v = check(zoneWith("v=spf1 -all exp=why.example.com").add("why.example.com", txt("%{l}")),
                "192.0.2.1", "<@example.com>");
        assertThat(v.sender()).isEqualTo("postmaster@example.com");
        assertThat(v.explanation()).contains("postmaster");
    }

    @Test
    void failCarriesTheDefaultExplanationWhenThereIsNoExp() {
        SpfVerdict v = check(zoneWith("v=spf1 -all"), "192.0.2.1", "alice@example.com");
        assertThat(v.explanation()).contains("example.com does not designate 192.0.2.1 as permitted sender");
        assertThat(check(zoneWith("v=spf1 ~all"), "192.0.2.1", "alice@example.com").explanation()).isEmpty();
    }

    @ParameterizedTest(name = "{0} -> none")
    @CsvSource({"alice@localhost", "alice@[192.0.2.1]", "alice@a..example.com", "alice@", "alice@exa mple.com"})
    void malformedDomainsHaveNoPolicy(String sender) {
        SpfVerdict v = check(zoneWith("v=spf1 -all"), "192.0.2.1", sender);
        assertThat(v.result()).isEqualTo(SpfResult.NONE);
        assertThat(v.lookups()).isZero();
    }

    @Test
    void recordSelection() {
        assertThat(check(ZoneResolver.builder(), "192.0.2.1", "a@example.com").result()).isEqualTo(SpfResult.NONE);
        assertThat(check(ZoneResolver.builder().add("example.com", txt("google-site-verification=x")), "192.0.2.1",
                "a@example.com").result()).isEqualTo(SpfResult.NONE);
        assertThat(check(zoneWith("v=spf1 -all").add("example.com", txt("v=spf1 +all")), "192.0.2.1", "a@example.com")
                .problem()).hasValueSatisfying(p -> assertThat(p).contains("more than one SPF record"));
        assertThat(check(ZoneResolver.builder().timeout("example.com", RecordType.TXT), "192.0.2.1", "a@example.com")
                .result()).isEqualTo(SpfResult.TEMPERROR);
        assertThat(check(ZoneResolver.builder().add("example.com", txt("v=spf1 ip4:", "192.0.2.1 -all")), "192.0.2.1",
                "a@example.com").result()).isEqualTo(SpfResult.PASS);
    }

    // ---- limits (RFC 7208 §4.6.4) ----

    @Test
    void tenDnsTermsAreAllowedTheEleventhIsAPermerror() {
        String ten = "v=spf1" + " a:x.example.com".repeat(10) + " ip4:192.0.2.1 -all";
        ZoneResolver.Builder zone = zoneWith(ten).add("x.example.com", a("198.51.100.1"));
        SpfVerdict atLimit = check(zone, "192.0.2.1", "a@example.com");
        assertThat(atLimit.result()).isEqualTo(SpfResult.PASS);
        assertThat(atLimit.lookups()).isEqualTo(10);

        String eleven = "v=spf1" + " a:x.example.com".repeat(11) + " ip4:192.0.2.1 -all";
        SpfVerdict over = check(zoneWith(eleven).add("x.example.com", a("198.51.100.1")), "192.0.2.1", "a@example.com");
        assertThat(over.result()).isEqualTo(SpfResult.PERMERROR);
        assertThat(over.problem()).contains("more than 10 DNS-querying mechanisms and modifiers (RFC 7208 §4.6.4)");
    }

    @Test
    void limitsAreConfigurable() {
        SpfSettings two = SpfSettings.builder().maxDnsTerms(2).build();
        String three = "v=spf1 a:x.example.com a:x.example.com a:x.example.com -all";
        assertThat(check(zoneWith(three).add("x.example.com", a("198.51.100.1")), two, "192.0.2.1").result())
                .isEqualTo(SpfResult.PERMERROR);
        SpfSettings noVoid = SpfSettings.builder().maxVoidLookups(0).build();
        assertThat(check(zoneWith("v=spf1 a:nx.example.com -all"), noVoid, "192.0.2.1").result())
                .isEqualTo(SpfResult.PERMERROR);
    }

    @Test
    void includeAndRedirectLoopsEndAtTheLookupLimit() {
        ZoneResolver.Builder zone = zoneWith("v=spf1 include:b.example.com -all")
                .add("b.example.com", txt("v=spf1 include:example.com"));
        assertThat(check(zone, "192.0.2.1", "a@example.com").result()).isEqualTo(SpfResult.PERMERROR);
        assertThat(check(zoneWith("v=spf1 redirect=example.com"), "192.0.2.1", "a@example.com").result())
                .isEqualTo(SpfResult.PERMERROR);
    }

    @Test
    void voidLookups() {
        assertThat(check(zoneWith("v=spf1 a:nx1.example.com mx:nx2.example.com ?all"), "192.0.2.1", "a@example.com")
                .result()).isEqualTo(SpfResult.NEUTRAL);
        SpfVerdict v = check(zoneWith("v=spf1 a:nx1.example.com mx:nx2.example.com exists:nx3.example.com ?all"),
                "192.0.2.1", "a@example.com");
        assertThat(v.result()).isEqualTo(SpfResult.PERMERROR);
        assertThat(v.voidLookups()).isEqualTo(3);
    }

    @Test
    void moreThanTenMxNamesIsAPermerrorButTenPtrNamesAreJustCut() {
        ZoneResolver.Builder mx = zoneWith("v=spf1 mx -all");
        for (int i = 0; i < 11; i++) {
            mx.add("example.com", MxRecord.of(i, "mx" + i + ".example.com"));
        }
        assertThat(check(mx, "192.0.2.1", "a@example.com").result()).isEqualTo(SpfResult.PERMERROR);

        ZoneResolver.Builder ptr = zoneWith("v=spf1 ptr ?all");
        for (int i = 0; i < 10; i++) {
            ptr.add("1.2.0.192.in-addr.arpa", PtrRecord.of("other" + i + ".example.net"));
        }
        ptr.add("1.2.0.192.in-addr.arpa", PtrRecord.of("host.example.com")).add("host.example.com", a("192.0.2.1"));
        assertThat(check(ptr, "192.0.2.1", "a@example.com").result()).isEqualTo(SpfResult.NEUTRAL);
    }

    @Test
    void nullMxMatchesNothing() {
        ZoneResolver.Builder zone = zoneWith("v=spf1 mx ?all").add("example.com", MxRecord.of(0, "."));
        SpfVerdict v = check(zone, "192.0.2.1", "a@example.com");
        assertThat(v.result()).isEqualTo(SpfResult.NEUTRAL);
        assertThat(v.voidLookups()).isZero();
    }

    // ---- time budget ----

    @Test
    void budgetExceededIsATemperrorAndNothingIsQueriedAfterwards() throws Exception {
        SpfTestKit.StallingResolver dns = new SpfTestKit.StallingResolver(
                zoneWith("v=spf1 mx a:slow.example.com -all").add("example.com", MxRecord.of(1, "mx.example.com")).build(),
                name -> name.equals("slow.example.com"));
        SpfEvaluator evaluator = new SpfEvaluator(dns, SpfSettings.builder().timeBudget(Duration.ofMillis(200)).build());
        long start = System.nanoTime();
        SpfVerdict v = evaluator.checkMailFrom(ip("192.0.2.1"), "h.example.org", "a@example.com")
                .toCompletableFuture().get(5, TimeUnit.SECONDS);
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(3000);
        assertThat(v.result()).isEqualTo(SpfResult.TEMPERROR);
        assertThat(v.problem()).contains("time budget of 200 ms exceeded (RFC 7208 §4.6.4)");
        int sent = dns.lookups.get();
        Thread.sleep(100);
        assertThat(dns.lookups.get()).isEqualTo(sent);
    }

    @Test
    void budgetFollowsTheInjectedClock() {
        SpfTestKit.ManualClock clock = new SpfTestKit.ManualClock();
        ZoneResolver zone = zoneWith("v=spf1 a:x.example.com a:y.example.com -all")
                .add("x.example.com", a("198.51.100.1")).add("y.example.com", a("192.0.2.1")).build();
        DnsResolver slowClockDns = (name, type) -> {
            clock.advance(Duration.ofSeconds(15));
            return zone.lookup(name, type);
        };
        SpfVerdict v = new SpfEvaluator(slowClockDns, SpfSettings.builder().clock(clock).build())
                .checkMailFromBlocking(ip("192.0.2.1"), "h.example.org", "a@example.com");
        assertThat(v.result()).isEqualTo(SpfResult.TEMPERROR);
    }

    // ---- the explanation never changes the result (RFC 7208 §6.2) ----

    private static final String EXP_RECORD = "v=spf1 ip4:192.0.2.0/24 -all exp=why.example.com";
    private static final String DEFAULT_TEXT = "example.com does not designate 198.51.100.1 as permitted sender";

    private static SpfTestKit.StallingResolver explanationNeverAnswered() {
        return new SpfTestKit.StallingResolver(zoneWith(EXP_RECORD).add("why.example.com", txt("go away %{i}")).build(),
                name -> name.equals("why.example.com"));
    }

    private static SpfVerdict timedCheck(DnsResolver dns, SpfSettings settings, long atMostMillis) throws Exception {
        long start = System.nanoTime();
        SpfVerdict v = new SpfEvaluator(dns, settings).checkMailFrom(ip("198.51.100.1"), "h.example.org", "a@example.com")
                .toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(atMostMillis);
        return v;
    }

    @Test
    void theExplanationIsUsedWhenItIsAnswered() throws Exception {
        DnsResolver dns = zoneWith(EXP_RECORD).add("why.example.com", txt("go away %{i}")).build();
        SpfVerdict v = timedCheck(dns, SpfSettings.defaults(), 2000);
        assertThat(v.result()).isEqualTo(SpfResult.FAIL);
        assertThat(v.explanation()).hasValue("go away 198.51.100.1");
    }

    @Test
    void anUnansweredExplanationLeavesTheFailWithTheDefaultExplanation() throws Exception {
        SpfTestKit.StallingResolver dns = explanationNeverAnswered();
        SpfVerdict v = timedCheck(dns, SpfSettings.builder().explanationTimeout(Duration.ofMillis(300)).build(), 3000);
        assertThat(v.result()).isEqualTo(SpfResult.FAIL);
        assertThat(v.explanation()).hasValue(DEFAULT_TEXT);
        assertThat(v.mechanism()).hasValue("-all");
        assertThat(v.problem()).isEmpty();
    }

    @Test
    void theExplanationWaitEndsWithTheBudgetAndTheFailStands() throws Exception {
        // The budget ends before the explanation's own bound: still a fail, not a temperror.
        SpfVerdict v = timedCheck(explanationNeverAnswered(), SpfSettings.builder().timeBudget(Duration.ofMillis(400))
                .explanationTimeout(Duration.ofSeconds(30)).build(), 3000);
        assertThat(v.result()).isEqualTo(SpfResult.FAIL);
        assertThat(v.explanation()).hasValue(DEFAULT_TEXT);
    }

    @Test
    void aFailDecidedAsTheBudgetRunsOutIsNotTurnedIntoATemperrorByItsExplanation() {
        SpfTestKit.ManualClock clock = new SpfTestKit.ManualClock();
        ZoneResolver zone = zoneWith(EXP_RECORD).add("why.example.com", txt("go away")).build();
        DnsResolver slowRecord = (name, type) -> {
            if (name.equals("example.com")) {
                clock.advance(Duration.ofSeconds(25));
            }
            return zone.lookup(name, type);
        };
        SpfVerdict v = new SpfEvaluator(slowRecord, SpfSettings.builder().clock(clock).build())
                .checkMailFromBlocking(ip("198.51.100.1"), "h.example.org", "a@example.com");
        assertThat(v.result()).isEqualTo(SpfResult.FAIL);
        assertThat(v.explanation()).hasValue(DEFAULT_TEXT);
    }

    @Test
    void aFailingExplanationLookupLeavesTheFail() {
        DnsResolver servfail = (name, type) -> name.equals("why.example.com")
                ? CompletableFuture.completedFuture(DnsAnswer.tempfail("SERVFAIL"))
                : zoneWith(EXP_RECORD).build().lookup(name, type);
        SpfVerdict v = new SpfEvaluator(servfail).checkMailFromBlocking(ip("198.51.100.1"), "h.example.org", "a@example.com");
        assertThat(v.result()).isEqualTo(SpfResult.FAIL);
        assertThat(v.explanation()).hasValue(DEFAULT_TEXT);
        DnsResolver throwing = (name, type) -> {
            if (name.equals("why.example.com")) {
                throw new IllegalStateException("boom");
            }
            return zoneWith(EXP_RECORD).build().lookup(name, type);
        };
        assertThat(new SpfEvaluator(throwing).checkMailFromBlocking(ip("198.51.100.1"), "h.example.org", "a@example.com")
                .result()).isEqualTo(SpfResult.FAIL);
    }

    // ---- bad input and broken collaborators ----

    @Test
    void aThrowingOrFailingResolverIsATemperror() {
        DnsResolver throwing = (name, type) -> {
            throw new IllegalStateException("boom");
        };
        SpfVerdict v = new SpfEvaluator(throwing).checkMailFromBlocking(ip("192.0.2.1"), "h.example.org", "a@example.com");
        assertThat(v.result()).isEqualTo(SpfResult.TEMPERROR);
        assertThat(v.problem()).hasValueSatisfying(p -> assertThat(p).contains("internal error").contains("boom"));

        DnsResolver failing = (name, type) -> CompletableFuture.failedFuture(new IllegalStateException("bust"));
        assertThat(new SpfEvaluator(failing).checkMailFromBlocking(ip("192.0.2.1"), "h.example.org", "a@example.com")
                .result()).isEqualTo(SpfResult.TEMPERROR);
    }

    @Test
    void cnameLoopIsATemperror() {
        ZoneResolver.Builder zone = ZoneResolver.builder().cname("example.com", "loop.example.com")
                .cname("loop.example.com", "example.com");
        assertThat(check(zone, "192.0.2.1", "a@example.com").result()).isEqualTo(SpfResult.TEMPERROR);
    }

    @ParameterizedTest(name = "[{0}] -> {1}")
    @CsvSource(delimiter = '|', value = {
        "v=spf1 a:%{l}.example.com -all                    | fail",
        "v=spf1 a:%{l}%{l}%{l}%{l}%{l}.example.com -all     | fail",
        "v=spf1 exists:%{s}.%{s}.%{s}.%{s}.example.com ?all | neutral",
        "v=spf1 include:%{l} -all                           | permerror",
    })
    void absurdMacroExpansionsEndInADefinedResult(String record, String result) {
        String local = "x".repeat(300) + ".y" + "\u0001\u00ff";
        SpfVerdict v = check(zoneWith(record), "192.0.2.1", local + "@example.com");
        assertThat(v.result().keyword()).isEqualTo(result);
    }

    @Test
    void hugeRecordsAndAnswers() {
        String manyTerms = "v=spf1" + " a".repeat(5000) + " -all";
        assertThat(check(zoneWith(manyTerms).add("example.com", a("198.51.100.1")), "192.0.2.1", "a@example.com")
                .result()).isEqualTo(SpfResult.PERMERROR);
        ZoneResolver.Builder many = zoneWith("v=spf1 a -all");
        for (int i = 0; i < 2000; i++) {
            many.add("example.com", a("10." + (i / 250) + "." + (i % 250) + ".1"));
        }
        many.add("example.com", a("192.0.2.1"));
        assertThat(check(many, "192.0.2.1", "a@example.com").result()).isEqualTo(SpfResult.PASS);
    }

    @Test
    void missingInputsNeverThrow() {
        SpfEvaluator e = new SpfEvaluator(zoneWith("v=spf1 -all").build());
        assertThat(e.checkMailFromBlocking(null, "h.example.org", "a@example.com").result()).isEqualTo(SpfResult.TEMPERROR);
        assertThat(e.checkMailFromBlocking(ip("192.0.2.1"), null, null).result()).isEqualTo(SpfResult.NONE);
        assertThat(e.checkHeloBlocking(ip("192.0.2.1"), null).result()).isEqualTo(SpfResult.NONE);
        assertThat(e.checkMailFromBlocking(ip("192.0.2.1"), "h", "example.com").result()).isEqualTo(SpfResult.FAIL);
    }

    @Test
    void pMacroPrefersTheDomainItself() {
        ZoneResolver.Builder zone = zoneWith("v=spf1 -all exp=why.example.com")
                .add("why.example.com", txt("%{p}"))
                .add("1.2.0.192.in-addr.arpa", PtrRecord.of("a.example.net"))
                .add("1.2.0.192.in-addr.arpa", PtrRecord.of("mx.example.com"))
                .add("a.example.net", a("192.0.2.1"))
                .add("mx.example.com", a("192.0.2.1"));
        assertThat(check(zone, "192.0.2.1", "a@example.com").explanation()).contains("mx.example.com");
    }

    static final class NeverResolver implements DnsResolver {
        @Override
        public CompletionStage<DnsAnswer> lookup(String name, RecordType type) {
            return new CompletableFuture<>();
        }
    }
}
