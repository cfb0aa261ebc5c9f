package dev.gatekeeper.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatekeeper.policy.SmtpAddress.Routing;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class SmtpAddressTest {

    @Test
    void parsesAnOrdinaryPath() {
        SmtpAddress a = SmtpAddress.parse("<John.Doe@Example.ORG>");
        assertThat(a.localPart()).isEqualTo("John.Doe");
        assertThat(a.domain()).isEqualTo("example.org");
        assertThat(a.key()).isEqualTo("john.doe@example.org");
        assertThat(a.isPlain()).isTrue();
        assertThat(a).hasToString("<John.Doe@Example.ORG>");
    }

    @Test
    void nullSender() {
        assertThat(SmtpAddress.parse("<>").isNullSender()).isTrue();
        assertThat(SmtpAddress.parse("").isNullSender()).isTrue();
        assertThat(SmtpAddress.parse("<>").key()).isEmpty();
    }

    @Test
    void barePostmasterIsAllowed() {
        SmtpAddress a = SmtpAddress.parse("<Postmaster>");
        assertThat(a.domain()).isEmpty();
        assertThat(a.isPlain()).isTrue();
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
        "<u@[IPv6:2001:db8::25]>; ADDRESS_LITERAL; [ipv6:2001:db8::25]",
        "<u@ours.example.>; TRAILING_DOT; ours.example",
    })
    void findsEveryRoutingTrick(String path, Routing expected, String domain) {
        SmtpAddress a = SmtpAddress.parse(path);
        assertThat(a.routing()).contains(expected);
        assertThat(a.isPlain()).isFalse();
        assertThat(a.domain()).isEqualTo(domain);
    }

    @Test
    void quotedLocalPartWithoutRoutingIsPlain() {
        SmtpAddress a = SmtpAddress.parse("<\"john doe\"@example.org>");
        assertThat(a.localPart()).isEqualTo("john doe");
        assertThat(a.isPlain()).isTrue();
        assertThat(a.key()).isEqualTo("\"john doe\"@example.org");
    }

    @ParameterizedTest
    @CsvSource(delimiter = ';', value = {
        "<user>; missing '@domain'",
        "<user@>; empty domain",
        "<@example.org>; source route without ':'",
        "<us er@example.org>; not allowed in an unquoted local part",
        "<user@exa_mple.org>; not allowed in domain",
        "<user@example..org>; bad domain",
        "<user@[300.1.1.1]>; bad address literal",
        "<\"user@example.org>; unterminated quoted",
        "<user@example.org; unbalanced",
        "<a@b@c>; not allowed in domain",
    })
    void refusesWhatIsNotAPath(String path, String message) {
        assertThatThrownBy(() -> SmtpAddress.parse(path)).isInstanceOf(SmtpAddress.AddressSyntaxException.class)
                .hasMessageContaining(message);
    }

    @Test
    void refusesControlCharactersAndOverlongParts() {
        assertThatThrownBy(() -> SmtpAddress.parse("<a\r\nRCPT TO:<b@c>@d>")).hasMessageContaining("control character");
        assertThatThrownBy(() -> SmtpAddress.parse("<" + "a".repeat(65) + "@example.org>")).hasMessageContaining("64 octets");
    }
}
