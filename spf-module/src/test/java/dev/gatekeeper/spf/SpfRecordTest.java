package dev.gatekeeper.spf;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class SpfRecordTest {

    @ParameterizedTest(name = "valid: {0}")
    @ValueSource(strings = {
        "v=spf1",
        "V=SPF1 -ALL",
        "v=spf1 ip4:192.0.2.0/24 ip6:2001:db8::/32 a mx ptr -all",
        "v=spf1 a:example.com/24//64 mx:example.com//0 a/0 mx/32",
        "v=spf1 include:_spf.example.com exists:%{ir}.%{l1r+-}._spf.%{d} ~all",
        "v=spf1 redirect=_spf.example.com",
        "v=spf1 -all exp=explain._spf.%{d}",
        "v=spf1 moo.cow-far_out=man:dog/cat ip4:1.2.3.4 -all",
        "v=spf1 default=+",
        "v=spf1 a:foo:bar/baz.example.com",
        "v=spf1 a:example.xn--zckzah ?all",
        "v=spf1 ip6:::FFFF:1.2.3.4 ip6:::1.1.1.1/0",
        "v=spf1 a  -all ",
        "v=spf1 exists:%{p}.%{h}.%{v}.%{o}.%{s}.%{i} unknown=%{d2r-}",
        "v=spf1 a:macro%%percent%_%_space%-url-space.example.com",
    })
    void parses(String record) {
        assertThat(SpfRecord.parse(record).error).isNull();
    }

    @ParameterizedTest(name = "permerror: {0}")
    @CsvSource(delimiter = '|', value = {
        "v=spf1 ip4:1.2.3.4 -all moo                | unknown mechanism 'moo'",
        "v=spf1 -all.                               | unknown mechanism 'all.'",
        "v=spf1 -all:foo                            | 'all' takes no argument",
        "v=spf1 -all/8                              | 'all' takes no argument",
        "v=spf1 ptr/0                               | 'ptr' takes no CIDR length",
        "v=spf1 ptr:                                | empty domain-spec",
        "v=spf1 include                             | needs a domain-spec",
        "v=spf1 include:                            | empty domain-spec",
        "v=spf1 exists                              | needs a domain-spec",
        "v=spf1 a//129                              | out of range",
        "v=spf1 a/33                                | out of range",
        "v=spf1 a/24/64                             | out of range",
        "v=spf1 ip4:1.2.3.4/032                     | invalid CIDR length",
        "v=spf1 ip4:1.2.3                           | invalid network",
        "v=spf1 ip4:1.2.3.4//32                     | invalid network",
        "v=spf1 ip4:01.2.3.4                        | invalid network",
        "v=spf1 ip4:1.2.3.4:8080                    | invalid network",
        "v=spf1 ip4                                 | needs a network",
        "v=spf1 ip6::CAFE::BABE                     | invalid network",
        "v=spf1 ip6:1:2:3:4:5:6:7:8:9               | invalid network",
        "v=spf1 a:foo-bar                           | no valid top label",
        "v=spf1 a:abc.123                           | no valid top label",
        "v=spf1 a:museum.                           | no valid top label",
        "v=spf1 a:example.-com                      | no valid top label",
        "v=spf1 mx:example.com:8080                 | no valid top label",
        "v=spf1 redirect=t5.example.com redirect=x.example.com | redirect modifier appears twice",
        "v=spf1 exp=a.example.com exp=b.example.com | exp modifier appears twice",
        "v=spf1 exp=                                | empty domain-spec",
        "v=spf1 redirect=-all                       | no valid top label",
        "v=spf1 1up=foo                             | unknown mechanism '1up=foo'",
        "v=spf1 =all                                | unknown mechanism '=all'",
        "v=spf1 foo=%abc                            | invalid macro '%a'",
        "v=spf1 exists:%(ir).sbl.example.com        | invalid macro '%('",
        "v=spf1 exists:foo%.sbl.example.com         | invalid macro '%.'",
        "v=spf1 exists:%{a}.example.com             | invalid macro letter 'a'",
        "v=spf1 exp=%{r}.example.com                | invalid macro letter 'r'",
        "v=spf1 exists:%{d0}.example.com            | nonzero",
        "v=spf1 exists:%{d2:}.example.com           | invalid macro delimiter ':'",
        "v=spf1 exists:%{d.example.com              | unterminated macro",
        "v=spf1 redirect:t2.example.com             | unknown mechanism 'redirect'",
    })
    void refuses(String record, String problem) {
        assertThat(SpfRecord.parse(record).error).contains(problem);
    }

    @ParameterizedTest(name = "bad characters: {0}")
    @ValueSource(strings = {
        "v=spf1 a:ctrl.example.com\rptr -all",
        "v=spf1 ip4:192.0.2.5\n include:x.example.com ~all",
        "v=spf1 a:foo.example.com\0",
        "v=spf1 a:\u00ef\u00bb\u00bfgarbage.example.net -all",
        "v=spf1 \u0080a:example.net -all",
        "v=spf1 a:example.net \u0096all",
        "v=spf1 a:example.net\t-all",
    })
    void refusesControlAndNonAscii(String record) {
        assertThat(SpfRecord.parse(record).error).isNotNull();
    }

    @ParameterizedTest(name = "selected: [{0}] -> {1}")
    @CsvSource(delimiter = '|', value = {
        "v=spf1          | true",
        "v=spf1 -all     | true",
        "V=SpF1 -all     | true",
        "v=spf10         | false",
        "v=spf1mx        | false",
        "v=spf2 -all     | false",
        "spf1            | false",
        "'v=spf1\t-all'  | false",
    })
    void selectsRecordsByVersion(String text, boolean selected) {
        assertThat(SpfRecord.isSpfRecord(text)).isEqualTo(selected);
    }

    @org.junit.jupiter.api.Test
    void keepsDirectivesAsWrittenWithQualifiersAndCidrs() {
        SpfRecord r = SpfRecord.parse("v=spf1 ~a:Example.COM/24//64 ?mx//0 +ip6:2001:DB8::/32 ip4:192.0.2.1 -all");
        assertThat(r.mechanisms).extracting(m -> m.text + " " + m.kind + " " + m.result + " /" + m.cidr4 + " //" + m.cidr6)
                .containsExactly(
                        "~a:Example.COM/24//64 A SOFTFAIL /24 //64",
                        "?mx//0 MX NEUTRAL /32 //0",
                        "+ip6:2001:DB8::/32 IP6 PASS /32 //32",
                        "ip4:192.0.2.1 IP4 PASS /32 //128",
                        "-all ALL FAIL /32 //128");
        assertThat(r.mechanisms[0].domain.literal()).isEqualTo("Example.COM");
    }
}
