package dev.gatekeeper.callout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.api.Test;

/** What the probe accepts to write to a peer; parsing itself is {@code dev.gatekeeper.mail.MailboxTest}'s. */
class ProbeAddressTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = ';', value = {
        "alice@example.test;alice@example.test",
        "<alice@Example.TEST>;alice@example.test",
        "Alice.Smith+tag@mail.example.test;Alice.Smith+tag@mail.example.test",
        "!#$%&'*+-/=?^_`{|}~@example.test;!#$%&'*+-/=?^_`{|}~@example.test",
        "\"john smith\"@example.test;\"john smith\"@example.test",
        "\"a\\\"b@c\"@example.test;\"a\\\"b@c\"@example.test",
        "user@[192.0.2.1];user@[192.0.2.1]",
        "user@[IPv6:2001:db8::1];user@[IPv6:2001:db8::1]",
        "x@a-b.example.test;x@a-b.example.test",
    })
    void accepts(String input, String address) throws Exception {
        assertThat(ProbeAddress.parse(input).address()).isEqualTo(address);
    }

    static Stream<Arguments> invalid() {
        String label63 = "a".repeat(63);
        return Stream.of(
                Arguments.of("alice@example.test\r\nRSET", "address contains CR, LF or NUL"),
                Arguments.of("alice\n@example.test", "address contains CR, LF or NUL"),
                Arguments.of("alice\u0000@example.test", "address contains CR, LF or NUL"),
                Arguments.of("al\tice@example.test", "address contains a control or non-ASCII character"),
                Arguments.of("jos\u00e9@example.test", "address contains a control or non-ASCII character"),
                Arguments.of("", "empty address"),
                Arguments.of("alice", "missing '@domain'"),
                Arguments.of("alice@", "empty domain"),
                Arguments.of("@example.test", "source route without ':'"),
                Arguments.of(".alice@example.test", "empty atom in local part (leading, trailing or double dot)"),
                Arguments.of("alice.@example.test", "empty atom in local part (leading, trailing or double dot)"),
                Arguments.of("a..b@example.test", "empty atom in local part (leading, trailing or double dot)"),
                Arguments.of("a b@example.test", "character ' ' not allowed in an unquoted local part"),
                Arguments.of("a<b@example.test", "character '<' not allowed in an unquoted local part"),
                Arguments.of("\"unterminated@example.test", "unterminated quoted local part"),
                Arguments.of("\"\"@example.test", "empty local part"),
                Arguments.of("a".repeat(65) + "@example.test", "local part longer than 64 octets"),
                Arguments.of("a@" + (label63 + ".").repeat(3) + "a".repeat(62), "path longer than 256 octets"),
                Arguments.of("a@" + "b".repeat(64) + ".test", "domain label longer than 63 octets"),
                Arguments.of("a@exa_mple.test", "character '_' not allowed in domain label"),
                Arguments.of("a@-example.test", "character '-' not allowed in domain label"),
                Arguments.of("a@example..test", "empty label in domain"),
                Arguments.of("a@example.test.", "domain ends in a dot"),
                Arguments.of("a@localhost", "domain has a single label"),
                Arguments.of("a@[192.0.2.256]", "malformed address literal"),
                Arguments.of("a@[host.example]", "malformed address literal"),
                Arguments.of("a@[IPv6:2001:db8::zz]", "malformed address literal"),
                Arguments.of("a@[IPv6:192.0.2.1]", "malformed address literal"),
                Arguments.of("a@[192.0.2.1", "unterminated address literal"),
                Arguments.of("a@b@example.test", "character '@' not allowed in domain label"),
                Arguments.of("@relay.example:a@example.test", "source route"),
                Arguments.of("<Postmaster>", "missing '@domain'"));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("invalid")
    void refuses(String input, String reason) {
        assertThatThrownBy(() -> ProbeAddress.parse(input)).isInstanceOf(ProbeAddress.InvalidAddressException.class)
                .hasMessageContaining(reason);
    }

    @Test
    void limitsAreTheRfcOnes() throws Exception {
        String local64 = "a".repeat(64);
        assertThat(ProbeAddress.parse(local64 + "@example.test").localPart()).hasSize(64);
        // 254 octets of mailbox make a 256-octet path with the angle brackets.
        String domain = "b".repeat(63) + "." + "c".repeat(63) + "." + "d".repeat(61);
        assertThat(ProbeAddress.parse(local64 + "@" + domain).address()).hasSize(254);
        assertThatThrownBy(() -> ProbeAddress.parse(local64 + "@" + domain + "e"))
                .hasMessageContaining("path longer than 256 octets");
    }

    @Test
    void literalIsParsedWithoutDns() throws Exception {
        assertThat(ProbeAddress.parse("a@[127.0.0.2]").literal()).isPresent();
        assertThat(ProbeAddress.parse("a@example.test").literal()).isEmpty();
    }
}
