package dev.gatekeeper.mail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DomainNameTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = ';', value = {
        "Example.ORG;example.org",
        "example.org.;example.org",
        "B\u00fccher.Example;xn--bcher-kva.example",
        "xn--bcher-kva.example;xn--bcher-kva.example",
        "localhost;localhost",
        "a-b.c0.example;a-b.c0.example",
    })
    void comparesInItsAsciiForm(String written, String ascii) {
        DomainName d = DomainName.parse(written);
        assertThat(d.ascii()).isEqualTo(ascii);
        assertThat(d).isEqualTo(DomainName.parse(ascii));
    }

    @Test
    void remembersTheTrailingDot() {
        assertThat(DomainName.parse("example.org.").hadTrailingDot()).isTrue();
        assertThat(DomainName.parse("example.org").hadTrailingDot()).isFalse();
    }

    @Test
    void showsUnicodeForPeople() {
        assertThat(DomainName.parse("xn--bcher-kva.example").unicode()).isEqualTo("b\u00fccher.example");
    }

    @Test
    void knowsItsParents() {
        DomainName d = DomainName.parse("a.b.example.org");
        assertThat(d.labelCount()).isEqualTo(4);
        assertThat(d.parents()).containsExactly("b.example.org", "example.org", "org");
        assertThat(d.isWithin(DomainName.parse("example.org"))).isTrue();
        assertThat(d.isWithin(d)).isTrue();
        assertThat(d.isWithin(DomainName.parse("ample.org"))).isFalse();
        assertThat(DomainName.parse("example.org").isWithin(d)).isFalse();
    }

    @Test
    void ownerNamesMayHoldUnderscores() {
        assertThat(DomainName.parseOwnerName("sel._domainkey.Example.org.").ascii()).isEqualTo("sel._domainkey.example.org");
        assertThatThrownBy(() -> DomainName.parse("_dmarc.example.org")).hasMessageContaining("'_'");
    }

    @ParameterizedTest
    @CsvSource(delimiter = ';', value = {
        "''; empty domain",
        "'.'; empty domain",
        "a..b; empty label",
        ".a.b; empty label",
        "-a.b; '-' not allowed",
        "a-.b; '-' not allowed",
        "a b.c; ' ' not allowed",
        "a@b.c; '@' not allowed",
    })
    void refusesWhatIsNoHostName(String name, String message) {
        assertThatThrownBy(() -> DomainName.parse(name)).isInstanceOf(MailSyntaxException.class)
                .hasMessageContaining(message);
        assertThat(DomainName.isValid(name)).isFalse();
    }

    @Test
    void lengthsAreTheRfcOnes() {
        String label = "a".repeat(63);
        assertThat(DomainName.parse(label + ".org").ascii()).startsWith(label);
        assertThatThrownBy(() -> DomainName.parse("a" + label + ".org")).hasMessageContaining("63 octets");
        String long253 = (label + ".").repeat(3) + "b".repeat(61);
        assertThat(DomainName.parse(long253).ascii()).hasSize(253);
        assertThatThrownBy(() -> DomainName.parse(long253 + "b")).hasMessageContaining("253 characters");
    }

    @Test
    void canonicalFoldsCaseAndTheTrailingDotOnly() {
        assertThat(DomainName.canonical("Mail.Example.ORG.")).isEqualTo("mail.example.org");
        assertThat(DomainName.canonical("x_y.example")).isEqualTo("x_y.example");
    }
}
