package dev.gatekeeper.dmarc;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AuthorDomainsTest {

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "user@example.com                                              | example.com",
        "<user@Example.COM>                                            | example.com",
        "John Doe <john@example.com>                                   | example.com",
        "\"Doe, John\" <john@example.com>                              | example.com",
        "\"quoted <fake@evil.example> @ thing\" <real@example.com>     | example.com",
        "john@example.com (John Doe)                                   | example.com",
        "(comment (nested) \\) ) John <john@example.com> (another)     | example.com",
        "John (the <evil@evil.example> boss) Doe <john@example.com>    | example.com",
        "=?UTF-8?Q?J=C3=B6rg_M=C3=BCller?= <jm@example.de>             | example.de",
        "=?utf-8?B?Sm9obiA8ZXZpbEBldmlsLmV4YW1wbGU+?= <j@example.com> | example.com",
        "\"john doe\"@example.com                                      | example.com",
        "John Q. Public <jqp@example.com>                              | example.com",
        "<@relay.example:user@example.com>                             | example.com",
        "user@example.com.                                             | example.com",
        "Friends: a@example.com, b@example.com;                        | example.com",
        "Jörg <jorg@bücher.example>                                     | xn--bcher-kva.example",
        "user @ example . com                                          | example.com",
    })
    void oneAuthorDomain(String field, String domain) {
        AuthorDomains authors = AuthorDomains.fromField(field);
        assertThat(authors.problem()).isEmpty();
        assertThat(authors.domains()).containsExactly(domain);
    }

    @Test
    void foldedFieldIsUnfolded() {
        AuthorDomains authors = AuthorDomains.fromField(" \"Doe,\r\n John\"\r\n <john@example.com>\r\n");
        assertThat(authors.domains()).containsExactly("example.com");
    }

    @Test
    void twoAddressesGiveBothDomainsInOrder() {
        AuthorDomains authors = AuthorDomains.fromField("a@one.example, B <b@two.example>, c@one.example");
        assertThat(authors.problem()).isEmpty();
        assertThat(authors.domains()).containsExactly("one.example", "two.example");
    }

    @Test
    void groupMembersAndMailboxesMix() {
        AuthorDomains authors = AuthorDomains.fromField("Team: a@one.example, b@two.example;, c@three.example");
        assertThat(authors.domains()).containsExactly("one.example", "two.example", "three.example");
    }

    @Test
    void twoFromFieldsAreAPermerrorProblem() {
        AuthorDomains authors = AuthorDomains.fromFields(List.of("a@one.example", "b@two.example"));
        assertThat(authors.domains()).isEmpty();
        assertThat(authors.problem()).hasValue("2 From header fields (RFC 5322 §3.6 allows one)");
    }

    @Test
    void noFromField() {
        assertThat(AuthorDomains.fromFields(List.of()).problem()).hasValue("no From header field");
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "``                                     | From header field has no address",
        "undisclosed-recipients:;               | From header field has no address",
        "John Doe                               | unparsable From header field: address without '@' and domain",
        "john@                                  | unparsable From header field: '@' without domain",
        "@example.com                           | unparsable From header field: address without local part",
        "<>                                     | unparsable From header field: empty or local-part-less address in <>",
        "John <john@example.com                 | unparsable From header field: '<' not closed by '>'",
        "\"unclosed <john@example.com>           | unparsable From header field: quoted string not closed",
        "(unclosed john@example.com             | unparsable From header field: comment not closed",
        "john@[192.0.2.1]                       | unparsable From header field: domain literal [192.0.2.1] instead of a domain name",
        "john@example.com john@example.org      | unparsable From header field: unexpected word 'john' after an address",
        "a@b@c                                  | unparsable From header field: unexpected '@' after an address",
        "G: H: a@example.com;;                  | unparsable From header field: group inside a group",
        "G: a@example.com                       | unparsable From header field: group not closed by ';'",
        "john@exa mple.com                      | unparsable From header field: unexpected word 'mple.com' after an address",
        "john@example..com                      | From address domain is not a host name: example..com",
        "john@ex!ample.com                      | From address domain is not a host name: ex!ample.com",
        "@@@ ;;; <<<                            | unparsable From header field: address without local part",
    })
    void garbageIsAProblemNeverAnException(String field, String problem) {
        AuthorDomains authors = AuthorDomains.fromField(field);
        assertThat(authors.domains()).isEmpty();
        assertThat(authors.problem()).hasValue(problem);
    }

    @Test
    void labelAndNameLengthsAreChecked() {
        String label63 = "a".repeat(63);
        assertThat(AuthorDomains.fromField("u@" + label63 + ".example").domains()).containsExactly(label63 + ".example");
        assertThat(AuthorDomains.fromField("u@" + label63 + "a.example").problem()).isPresent();
        String name253 = (label63 + ".").repeat(3) + "a".repeat(61);
        assertThat(name253).hasSize(253);
        assertThat(AuthorDomains.fromField("u@" + name253).domains()).containsExactly(name253);
        assertThat(AuthorDomains.fromField("u@" + name253 + "b").problem()).isPresent();
    }

    @Test
    void tooManyDomainsAndTooLongFieldsAreLimited() {
        StringBuilder many = new StringBuilder();
        for (int i = 0; i <= AuthorDomains.MAX_AUTHOR_DOMAINS; i++) {
            many.append(i == 0 ? "" : ", ").append("u@d").append(i).append(".example");
        }
        assertThat(AuthorDomains.fromField(many.toString()).problem())
                .hasValue("From header field names 9 domains, more than 8");
        assertThat(AuthorDomains.fromField("x".repeat(AuthorDomains.MAX_FIELD_LENGTH + 1)).problem())
                .hasValue("From header field longer than 16384 characters");
    }
}
