package dev.gatekeeper.spf;

import dev.gatekeeper.dns.IpAddresses;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** RFC 7208 §7.4's examples and the edge cases around them. */
class MacroStringTest {

    /** The §7.4 context: strong-bad@email.example.com from 192.0.2.3 (or 2001:db8::cb01). */
    private static MacroSource rfcExample(String ip) {
        byte[] octets = IpAddresses.octets(SpfTestKit.ip(ip));
        return (letter, domain) -> {
            switch (letter) {
                case 's':
                    return "strong-bad@email.example.com";
                case 'l':
                    return "strong-bad";
                case 'o':
                    return "email.example.com";
                case 'd':
                    return domain;
                case 'i':
                    return IpAddresses.dotted(octets);
                case 'c':
                    return IpAddresses.readable(octets);
                case 'v':
                    return octets.length == 4 ? "in-addr" : "ip6";
                case 'h':
                    return "mx.example.org";
                case 'r':
                    return "receiver.example.net";
                case 't':
                    return "1700000000";
                default:
                    return "unknown";
            }
        };
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "%{s}                              | strong-bad@email.example.com",
        "%{o}                              | email.example.com",
        "%{d}                              | email.example.com",
        "%{d4}                             | email.example.com",
        "%{d3}                             | email.example.com",
        "%{d2}                             | example.com",
        "%{d1}                             | com",
        "%{dr}                             | com.example.email",
        "%{d2r}                            | example.email",
        "%{l}                              | strong-bad",
        "%{l-}                             | strong.bad",
        "%{lr}                             | strong-bad",
        "%{lr-}                            | bad.strong",
        "%{l1r-}                           | strong",
        "%{ir}.%{v}._spf.%{d2}             | 3.2.0.192.in-addr._spf.example.com",
        "%{lr-}.lp._spf.%{d2}              | bad.strong.lp._spf.example.com",
        "%{lr-}.lp.%{ir}.%{v}._spf.%{d2}   | bad.strong.lp.3.2.0.192.in-addr._spf.example.com",
        "%{ir}.%{v}.%{l1r-}.lp._spf.%{d2}  | 3.2.0.192.in-addr.strong.lp._spf.example.com",
        "%{d2}.trusted-domains.example.net | example.com.trusted-domains.example.net",
        "%{d99}                            | email.example.com",
        "%{l+-=}                           | strong.bad",
        "%{S}                              | strong-bad%40email.example.com",
        "%%%_%-                            | '% %20'",
    })
    void expandsTheRfcExamples(String spec, String expected) throws Exception {
        MacroString ms = MacroString.parseExplanation(spec);
        assertThat(ms.expand(rfcExample("192.0.2.3"), "email.example.com")).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "%{ir}.%{v}._spf.%{d2} | 1.0.B.C.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.B.D.0.1.0.0.2.ip6._spf.example.com",
        "%{c}                  | 2001:db8::cb01",
    })
    void expandsIpv6(String spec, String expected) throws Exception {
        MacroString ms = MacroString.parseExplanation(spec);
        assertThat(ms.expand(rfcExample("2001:db8::cb01"), "email.example.com")).isEqualTo(expected);
    }

    @ParameterizedTest(name = "explanation: {0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "%{c} is not one of %{d}'s designated mail servers. | 192.0.2.3 is not one of email.example.com's designated mail servers.",
        "See http://%{d}/why.html?s=%{S}&i=%{C}&r=%{R}&t=%{t} | See http://email.example.com/why.html?s=strong-bad%40email.example.com&i=192.0.2.3&r=receiver.example.net&t=1700000000",
    })
    void expandsExplanationOnlyLetters(String spec, String expected) throws Exception {
        assertThat(MacroString.parseExplanation(spec).expand(rfcExample("192.0.2.3"), "email.example.com"))
                .isEqualTo(expected);
    }

    @ParameterizedTest(name = "domain-spec refuses {0}")
    @ValueSource(strings = {"%{c}.example.com", "%{r}.example.com", "%{t}.example.com", "%{x}.example.com",
        "%{d0}", "%{}", "%", "100%", "%{d", "a b.example.com", "example", "example.", "foo.-com", "foo.1"})
    void domainSpecRefuses(String spec) {
        assertThatThrownBy(() -> MacroString.parseDomainSpec(spec, 0, spec.length()))
                .isInstanceOf(SpfSyntaxException.class);
    }

    @ParameterizedTest(name = "domain-spec accepts {0}")
    @ValueSource(strings = {"example.com", "example.com.", "%{d}", "_spf.%{d2}", "%{ir}.x.%{v}", "a.b-c", "x.xn--p1ai",
        "foo:bar/baz.example.com", "%%", "host.%-"})
    void domainSpecAccepts(String spec) throws Exception {
        MacroString.parseDomainSpec(spec, 0, spec.length());
    }

    @org.junit.jupiter.api.Test
    void urlEscapesUpperCaseLettersPerRfc3986() throws Exception {
        MacroSource src = (letter, domain) -> "~jack&jill=up-a_b3.c ü";
        assertThat(MacroString.parseExplanation("%{L}").expand(src, "d")).isEqualTo("~jack%26jill%3Dup-a_b3.c%20%C3%BC");
    }

    @org.junit.jupiter.api.Test
    void cutsAbsurdExpansions() throws Exception {
        String huge = "x".repeat(100_000);
        MacroString ms = MacroString.parseExplanation("%{l}%{l}%{l}%{lr-}");
        assertThat(ms.expand((letter, domain) -> huge, "d")).hasSize(MacroString.MAX_EXPANSION);
    }

    @org.junit.jupiter.api.Test
    void truncatesLongNamesFromTheLeftAndRefusesImpossibleLabels() {
        String label = "abcdefghi";
        String longName = (label + ".").repeat(30) + "example.com";
        String checked = CheckHostRun.checkedName(longName);
        assertThat(checked).hasSizeLessThanOrEqualTo(253).endsWith(".example.com").startsWith(label + ".");
        assertThat(longName).endsWith(checked);
        assertThat(CheckHostRun.checkedName("example.com.")).isEqualTo("example.com");
        assertThat(CheckHostRun.checkedName("mail.example...com")).isNull();
        assertThat(CheckHostRun.checkedName("x".repeat(64) + ".example.com")).isNull();
        assertThat(CheckHostRun.checkedName("x".repeat(300))).isNull();
        assertThat(CheckHostRun.checkedName("")).isNull();
    }
}
