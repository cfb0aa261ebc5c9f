package dev.gatekeeper.mail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatekeeper.mail.Mailbox.Routing;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MailboxTest {

    @Test
    void parsesAnOrdinaryPath() {
        Mailbox a = Mailbox.parse("<John.Doe@Example.ORG>");
        assertThat(a.localPart()).isEqualTo("John.Doe");
        assertThat(a.domain()).isEqualTo("example.org");
        assertThat(a.domainName()).contains(DomainName.parse("example.org"));
        assertThat(a.address()).isEqualTo("John.Doe@example.org");
        assertThat(a.key()).isEqualTo("john.doe@example.org");
        assertThat(a.isPlain()).isTrue();
        assertThat(a.isStrictAscii()).isTrue();
        assertThat(a).hasToString("<John.Doe@Example.ORG>");
    }

    @Test
    void nullPath() {
        assertThat(Mailbox.parse("<>").isNullPath()).isTrue();
        assertThat(Mailbox.parse("").isNullPath()).isTrue();
        assertThat(Mailbox.parse(" <> ").key()).isEmpty();
        assertThat(Mailbox.nullPath().isStrictAscii()).isFalse();
    }

    @Test
    void barePostmasterIsAllowed() {
        Mailbox a = Mailbox.parse("<Postmaster>");
        assertThat(a.isBarePostmaster()).isTrue();
        assertThat(a.domain()).isEmpty();
        assertThat(a.isPlain()).isTrue();
        assertThat(a.isStrictAscii()).isFalse();
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = ';', value = {
        "<u%other.example@ours.example>; PERCENT_HACK; ours.example",
        "<other.example!u@ours.example>; BANG_PATH; ours.example",
        "<@ours.example,@relay.example:u@other.example>; SOURCE_ROUTE; other.example",
        "<@other.example:u@ours.example>; SOURCE_ROUTE; ours.example",
        "<\"u@other.example\"@ours.example>; QUOTED_ROUTING; ours.example",
        "<\"u%other.example\"@ours.example>; QUOTED_ROUTING; ours.example",
        "<u@[192.0.2.25]>; ADDRESS_LITERAL; [192.0.2.25]",
        "<u@[IPv6:2001:DB8::25]>; ADDRESS_LITERAL; [IPv6:2001:db8::25]",
        "<u@ours.example.>; TRAILING_DOT; ours.example",
    })
    void findsEveryRoutingTrick(String path, Routing expected, String domain) {
        Mailbox a = Mailbox.parse(path);
        assertThat(a.routing()).contains(expected);
        assertThat(a.isPlain()).isFalse();
        assertThat(a.domain()).isEqualTo(domain);
    }

    @Test
    void sourceRouteIsDroppedAsRfc5321Says() {
        Mailbox a = Mailbox.parse("<@relay.example:u@other.example>");
        assertThat(a.original()).isEqualTo("u@other.example");
        assertThat(a.isStrictAscii()).isFalse();
    }

    @Test
    void quotedLocalPartWithoutRoutingIsPlain() {
        Mailbox a = Mailbox.parse("<\"john doe\"@example.org>");
        assertThat(a.localPart()).isEqualTo("john doe");
        assertThat(a.isPlain()).isTrue();
        assertThat(a.key()).isEqualTo("\"john doe\"@example.org");
        assertThat(a.isStrictAscii()).isTrue();
    }

    @Test
    void quotedPairsAreUnquotedButWrittenAsGiven() {
        Mailbox a = Mailbox.parse("\"a\\\"b@c\"@example.test");
        assertThat(a.localPart()).isEqualTo("a\"b@c");
        assertThat(a.address()).isEqualTo("\"a\\\"b@c\"@example.test");
        assertThat(a.routing()).containsExactly(Routing.QUOTED_ROUTING);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = ';', value = {
        "alice@example.test;alice@example.test",
        "<alice@Example.TEST>;alice@example.test",
        "Alice.Smith+tag@mail.example.test;Alice.Smith+tag@mail.example.test",
        "!#$%&'*+-/=?^_`{|}~@example.test;!#$%&'*+-/=?^_`{|}~@example.test",
        "user@[192.0.2.1];user@[192.0.2.1]",
        "user@[IPv6:2001:db8::1];user@[IPv6:2001:db8::1]",
        "x@a-b.example.test;x@a-b.example.test",
        "jos\u00e9@B\u00fccher.example;jos\u00e9@xn--bcher-kva.example",
    })
    void writesTheAddressAPeerIsSent(String input, String address) {
        assertThat(Mailbox.parse(input).address()).isEqualTo(address);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = ';', value = {
        ".alice@example.test",
        "alice.@example.test",
        "a..b@example.test",
        "jos\u00e9@example.test",
        "@r.example:a@example.test",
    })
    void acceptsWhatRealSendersWriteButNotForAPeer(String input) {
        assertThat(Mailbox.parse(input).isStrictAscii()).isFalse();
    }

    @ParameterizedTest
    @CsvSource(delimiter = ';', value = {
        "<user>; missing '@domain'",
        "<user@>; empty domain",
        "<@example.org>; source route without ':'",
        "<us er@example.org>; not allowed in an unquoted local part",
        "<a<b@example.org>; not allowed in an unquoted local part",
        "<user@exa_mple.org>; not allowed in domain",
        "<user@-example.org>; not allowed in domain",
        "<user@example..org>; empty label",
        "<user@[300.1.1.1]>; malformed address literal",
        "<user@[host.example]>; malformed address literal",
        "<user@[IPv6:192.0.2.1]>; malformed address literal",
        "<user@[2001:db8::1]>; malformed address literal",
        "<user@[192.0.2.1>; unterminated address literal",
        "<\"user@example.org>; unterminated quoted",
        "<\"\"@example.org>; empty local part",
        "<user@example.org; unbalanced",
        "<a@b@c>; not allowed in domain",
    })
    void refusesWhatIsNotAPath(String path, String message) {
        assertThatThrownBy(() -> Mailbox.parse(path)).isInstanceOf(MailSyntaxException.class)
                .hasMessageContaining(message);
    }

    @Test
    void refusesControlCharacters() {
        assertThatThrownBy(() -> Mailbox.parse("<a\r\nRCPT TO:<b@c>@d>")).hasMessageContaining("control character");
        assertThatThrownBy(() -> Mailbox.parse("a\u0000@example.org")).hasMessageContaining("control character");
        assertThatThrownBy(() -> Mailbox.parse("a\tb@example.org")).hasMessageContaining("control character");
    }

    @Test
    void limitsAreTheRfcOnes() {
        String local64 = "a".repeat(64);
        assertThat(Mailbox.parse(local64 + "@example.test").localPart()).hasSize(64);
        assertThatThrownBy(() -> Mailbox.parse("a" + local64 + "@example.org")).hasMessageContaining("64 octets");
        // 254 octets of mailbox make a 256-octet path with the angle brackets (RFC 5321 §4.5.3.1.3).
        String domain = "b".repeat(63) + "." + "c".repeat(63) + "." + "d".repeat(61);
        assertThat(Mailbox.parse(local64 + "@" + domain).address()).hasSize(254);
        assertThatThrownBy(() -> Mailbox.parse(local64 + "@" + domain + "e")).hasMessageContaining("256 octets");
        assertThatThrownBy(() -> Mailbox.parse("a@" + "b".repeat(64) + ".test")).hasMessageContaining("63 octets");
    }

    @Test
    void limitsHoldForTheAddressAsSentOn() {
        // 24 U-labels of "\u00e9\u00e9" are 119 octets written but 215 as "xn--9caa" A-labels:
        // with a 64-octet local part the A-label path would pass 256 octets (a fuzzer's find).
        String unicode = String.join(".", java.util.Collections.nCopies(24, "\u00e9\u00e9"));
        assertThatThrownBy(() -> Mailbox.parse("a".repeat(64) + "@" + unicode))
                .hasMessageContaining("256 octets with the domain in A-labels");
        // Octets, not characters: 60 two-octet letters are a 120-octet local part.
        assertThatThrownBy(() -> Mailbox.parse("\u00e9".repeat(60) + "@example.org")).hasMessageContaining("64 octets");
    }

    @Test
    void literalIsParsedWithoutDns() {
        assertThat(Mailbox.parse("a@[127.0.0.2]").literal()).isPresent();
        assertThat(Mailbox.parse("a@[127.0.0.2]").domainName()).isEmpty();
        assertThat(Mailbox.parse("a@example.test").literal()).isEmpty();
    }

    @Test
    void siblingKeepsTheDomain() {
        Mailbox a = Mailbox.parse("<user@[IPv6:2001:db8::1]>").withLocalPart("probe.1234");
        assertThat(a.address()).isEqualTo("probe.1234@[IPv6:2001:db8::1]");
        assertThat(a.literal()).isPresent();
        assertThatThrownBy(() -> a.withLocalPart("a b")).isInstanceOf(MailSyntaxException.class);
    }
}
