package dev.gatekeeper.reputation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatekeeper.dns.IpAddresses;
import java.net.InetAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ReplyFilterTest {

    private static InetAddress ip(String text) {
        return IpAddresses.parse(text).orElseThrow();
    }

    private static boolean matches(String filter, String reply) {
        return ReplyFilter.parse(filter).matches(ip(reply));
    }

    @ParameterizedTest(name = "{0} matches {1}: {2}")
    @CsvSource(delimiter = '|', value = {
        "127.0.0.2                      | 127.0.0.2   | true",
        "127.0.0.2                      | 127.0.0.3   | false",
        "127.0.0.[2..11]                | 127.0.0.2   | true",
        "127.0.0.[2..11]                | 127.0.0.11  | true",
        "127.0.0.[2..11]                | 127.0.0.12  | false",
        "127.0.0.[2..11]                | 127.0.1.2   | false",
        "127.0.[0;1].[2..4]             | 127.0.1.3   | true",
        "127.0.[0;1].[2..4]             | 127.0.2.3   | false",
        "127.0.0.[2;4..6;10]            | 127.0.0.5   | true",
        "127.0.0.[2;4..6;10]            | 127.0.0.7   | false",
        "127.0.0.[2;4..6;10]            | 127.0.0.10  | true",
        "127.0.0.2&0x02                 | 127.0.0.2   | true",
        "127.0.0.2&0x02                 | 127.0.0.3   | true",
        "127.0.0.2&0x02                 | 127.0.0.10  | true",
        "127.0.0.2&0x02                 | 127.0.0.4   | false",
        "127.0.0.4&0x06                 | 127.0.0.4   | true",
        "127.0.0.4&0x06                 | 127.0.0.6   | false",
        "127.0.0.2&2                    | 127.0.0.6   | true",
        "127.0.0.2&255.255.255.2        | 127.0.0.2   | true",
        "127.0.0.2&255.255.255.2        | 127.1.0.2   | false",
        "'127.0.0.2, 127.0.0.[10..11]'  | 127.0.0.11  | true",
        "'127.0.0.2 ,127.0.0.[10..11]'  | 127.0.0.5   | false",
        "'127.0.0.2&0x02, 127.0.0.4&0x04' | 127.0.0.12 | true",
    })
    void matchesAsDocumented(String filter, String reply, boolean expected) {
        assertThat(matches(filter, reply)).isEqualTo(expected);
    }

    @Test
    void anyMatchesEveryIpv4ReplyAndNoIpv6One() {
        assertThat(ReplyFilter.any().matches(ip("127.0.0.2"))).isTrue();
        assertThat(ReplyFilter.any().matches(ip("::1"))).isFalse();
        assertThat(ReplyFilter.parse("127.0.0.2").matches(ip("::1"))).isFalse();
        assertThat(ReplyFilter.any().isAny()).isTrue();
        assertThat(ReplyFilter.any()).hasToString("");
    }

    @Test
    void keepsItsTextAndEquality() {
        assertThat(ReplyFilter.parse("  127.0.0.[2..11] ")).hasToString("127.0.0.[2..11]")
                .isEqualTo(ReplyFilter.parse("127.0.0.[2..11]"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "127.0.0                  | reply filter '127.0.0': '.' expected at the end",
        "127.0.0.256              | reply filter '127.0.0.256': '256' is not a number 0..255 (at 8)",
        "127.0.0.x                | reply filter '127.0.0.x': 'x' is not a number 0..255 (at 8)",
        "127.0.0.1234             | reply filter '127.0.0.1234': '1234' is not a number 0..255 (at 8)",
        "127.0.0.[11..2]          | reply filter '127.0.0.[11..2]': range 11..2 is empty (at 13)",
        "127.0.0.[2..11           | reply filter '127.0.0.[2..11': '[' at 8 is not closed",
        "127.0.0.[2,3]            | reply filter '127.0.0.[2,3]': ';' or ']' expected, found ',' (at 10)",
        "127.0.0.[]               | reply filter '127.0.0.[]': a number 0..255 expected, found ']' (at 9)",
        "127.0.0.2/24             | reply filter '127.0.0.2/24': ',' expected, found '/' (at 9)",
        "127.0.0.2&               | reply filter '127.0.0.2&': '' is not a 32-bit mask (0x02, 2 or 0.0.0.2) (at 10)",
        "127.0.0.2&0x             | reply filter '127.0.0.2&0x': '0x' is not a 32-bit mask (0x02, 2 or 0.0.0.2) (at 10)",
        "127.0.0.2&0x1ffffffff    | reply filter '127.0.0.2&0x1ffffffff': '0x1ffffffff' is not a 32-bit mask (0x02, 2 or 0.0.0.2) (at 10)",
        "127.0.0.2&4294967296     | reply filter '127.0.0.2&4294967296': '4294967296' is not a 32-bit mask (0x02, 2 or 0.0.0.2) (at 10)",
        "127.0.0.2&1.2.3          | reply filter '127.0.0.2&1.2.3': '1.2.3' is not a 32-bit mask (0x02, 2 or 0.0.0.2) (at 10)",
        "127.0.0.2&0              | reply filter '127.0.0.2&0': mask 0 would match every reply (at 10)",
        "127.0.0.[2..3]&0x02      | reply filter '127.0.0.[2..3]&0x02': a bit mask needs a plain address, not a list or range (at 0)",
        "'127.0.0.2,'             | reply filter '127.0.0.2,': a number 0..255 expected at the end",
        "'127.0.0.2 127.0.0.3'    | reply filter '127.0.0.2 127.0.0.3': ',' expected, found '1' (at 10)",
    })
    void refusesBadSyntaxSayingWhereAndWhy(String filter, String message) {
        assertThatThrownBy(() -> ReplyFilter.parse(filter)).isInstanceOf(IllegalArgumentException.class).hasMessage(message);
    }

    @Test
    void refusesAnEmptyFilter() {
        assertThatThrownBy(() -> ReplyFilter.parse(" ")).hasMessage("reply filter is empty (leave it out to count every reply)");
    }
}
