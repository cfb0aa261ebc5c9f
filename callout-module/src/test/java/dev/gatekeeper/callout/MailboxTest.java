package dev.gatekeeper.callout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.api.Test;

class MailboxTest {

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
        assertThat(Mailbox.parse(input).address()).isEqualTo(address);
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
                Arguments.of("alice", "no @domain after the local part"),
                Arguments.of("alice@", "empty domain"),
                Arguments.of("@example.test", "empty local part"),
                Arguments.of(".alice@example.test", "empty atom in local part (leading, trailing or double dot)"),
                Arguments.of("alice.@example.test", "empty atom in local part (leading, trailing or double dot)"),
                Arguments.of("a..b@example.test", "empty atom in local part (leading, trailing or double dot)"),
                Arguments.of("a b@example.test", "character ' ' not allowed in an unquoted local part"),
                Arguments.of("a<b@example.test", "character '<' not allowed in an unquoted local part"),
                Arguments.of("\"unterminated@example.test", "unterminated quoted local part"),
                Arguments.of("\"\"@example.test", "empty quoted local part"),
                Arguments.of("a".repeat(65) + "@example.test", "local part longer than 64 octets"),
                Arguments.of("a@" + (label63 + ".").repeat(3) + "a".repeat(62), "path longer than 256 octets"),
                Arguments.of("a@" + "b".repeat(64) + ".test", "domain label longer than 63 octets"),
                Arguments.of("a@exa_mple.test", "character '_' not allowed in domain label"),
                Arguments.of("a@-example.test", "character '-' not allowed in domain label"),
                Arguments.of("a@example..test", "empty label in domain"),
                Arguments.of("a@example.test.", "empty label in domain"),
                Arguments.of("a@localhost", "domain has a single label"),
                Arguments.of("a@[192.0.2.256]", "malformed or unsupported address literal"),
                Arguments.of("a@[host.example]", "malformed or unsupported address literal"),
                Arguments.of("a@[IPv6:2001:db8::zz]", "malformed IPv6 address literal"),
                Arguments.of("a@[IPv6:192.0.2.1]", "malformed IPv6 address literal"),
                Arguments.of("a@[192.0.2.1", "unterminated address literal"),
                Arguments.of("a@b@example.test", "character '@' not allowed in domain label"));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("invalid")
    void refuses(String input, String reason) {
        assertThatThrownBy(() -> Mailbox.parse(input)).isInstanceOf(Mailbox.InvalidAddressException.class)
                .hasMessage(reason);
    }

    @Test
    void limitsAreTheRfcOnes() throws Exception {
        String local64 = "a".repeat(64);
        assertThat(Mailbox.parse(local64 + "@example.test").localPart()).hasSize(64);
        // 254 octets of mailbox make a 256-octet path with the angle brackets.
        String domain = "b".repeat(63) + "." + "c".repeat(63) + "." + "d".repeat(61);
        assertThat(Mailbox.parse(local64 + "@" + domain).address()).hasSize(254);
        assertThatThrownBy(() -> Mailbox.parse(local64 + "@" + domain + "e"))
                .hasMessage("path longer than 256 octets");
    }

    @Test
    void literalIsParsedWithoutDns() throws Exception {
        assertThat(Mailbox.parse("a@[127.0.0.2]").literal()).isPresent();
        assertThat(Mailbox.parse("a@example.test").literal()).isEmpty();
    }
}
