package dev.gatekeeper.spf;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** RFC 8601 §2.2 authserv-ids as the field bodies a client may send them, ours being {@code mx.example.org}. */
class AuthenticationResultsFieldTest {

    private static final String OURS = "mx.example.org";

    @ParameterizedTest(name = "claims ours: [{0}]")
    @ValueSource(strings = {
        " mx.example.org; spf=pass smtp.mailfrom=alice@example.com",
        "mx.example.org;spf=pass",
        " MX.Example.ORG; spf=pass",
        " mx.example.org 1; spf=pass",
        " mx.example.org 1 (version) ; spf=pass",
        " mx.example.org (comment) 1;spf=pass",
        " (comment) mx.example.org; spf=pass",
        " (outer (nested (deeper)) \\) quoted-pair) mx.example.org (after) ; spf=pass",
        " mx.example.org; none",
        " mx.example.org ;\r\n\tspf=pass smtp.mailfrom=alice@example.com",
        "\r\n mx.example.org\r\n\t(folded\r\n comment)\r\n ;\r\n spf=pass\r\n",
        " \"mx.example.org\"; spf=pass",
        " \"MX.example.org\" 1; spf=pass",
        " \"mx.example.org\"1; spf=pass",
        " \"mx.exa\\mple.org\"; spf=pass",
        " mx.example.org",
        " mx.example.org\r\n",
    })
    void claimsOurs(String body) {
        assertThat(AuthenticationResultsField.claims(body, OURS)).isTrue();
        assertThat(AuthenticationResultsField.claims(body, "MX.EXAMPLE.ORG")).isTrue();
    }

    @ParameterizedTest(name = "another id: [{0}] is [{1}]")
    @CsvSource(delimiter = '|', value = {
        " mx.example.org.evil; spf=pass        | mx.example.org.evil",
        " evil.mx.example.org; spf=pass        | evil.mx.example.org",
        " mx.example.org.; spf=pass            | mx.example.org.",
        " mx.example.organ; spf=pass           | mx.example.organ",
        " mx.example.org1; spf=pass            | mx.example.org1",
        " \"mx.example.org \"; spf=pass        | 'mx.example.org '",
        " other.example.net; dkim=pass         | other.example.net",
    })
    void otherIdsAreNotOurs(String body, String id) {
        assertThat(AuthenticationResultsField.authservId(body)).contains(id);
        assertThat(AuthenticationResultsField.claims(body, OURS)).isFalse();
    }

    @ParameterizedTest(name = "no authserv-id: [{0}]")
    @ValueSource(strings = {
        "",
        "   ",
        "\r\n\t",
        "; spf=pass",
        " (only a comment)",
        " (unclosed comment mx.example.org; spf=pass",
        " (a (nested one) not closed mx.example.org; spf=pass",
        " (escaped close\\) mx.example.org; spf=pass",
        " \"mx.example.org; spf=pass",
        " \"mx.example.org\\",
        " mx.example.org spf=pass",
        " mx.example.org/evil; spf=pass",
        " mx.example.org 1 2; spf=pass",
        " mx.example.org 1x; spf=pass",
        " mx.example.org@evil; spf=pass",
        " mx.example.org, evil; spf=pass",
        " @@@",
        " =",
    })
    void garbageHasNoAuthservIdAndClaimsNothing(String body) {
        assertThat(AuthenticationResultsField.authservId(body)).isEmpty();
        assertThat(AuthenticationResultsField.claims(body, OURS)).isFalse();
    }

    @Test
    void authservIdIsUnquoted() {
        assertThat(AuthenticationResultsField.authservId(" \"mx.example\r\n .org\"; spf=pass")).contains("mx.example .org");
        assertThat(AuthenticationResultsField.authservId(" \"a \\\"b\\\" c\" 1; none")).isEqualTo(Optional.of("a \"b\" c"));
        assertThat(AuthenticationResultsField.authservId(" \"\"; none")).isEqualTo(Optional.of(""));
        assertThat(AuthenticationResultsField.claims(" \"\"; none", OURS)).isFalse();
    }

    @Test
    void caseIsFoldedInUsAsciiOnly() {
        // U+212A KELVIN SIGN lower-cases to 'k' in Java, not in any header reader.
        assertThat(AuthenticationResultsField.claims(" mx.example.org; none", "MX.EXAMPLE.ORG")).isTrue();
        assertThat(AuthenticationResultsField.claims(" \u212Aey.example.org; none", "key.example.org")).isFalse();
        assertThat(AuthenticationResultsField.claims(" m\u0130x.example.org; none", "mix.example.org")).isFalse();
    }

    @ParameterizedTest(name = "field name [{0}]: {1}")
    @CsvSource(delimiter = '|', value = {
        "Authentication-Results      | true",
        "authentication-results      | true",
        "AUTHENTICATION-RESULTS      | true",
        "'Authentication-Results \t' | true",
        "X-Authentication-Results    | false",
        "Authentication-Results-Original | false",
        "Authentication-Result       | false",
        "' Authentication-Results'   | false",
        "Arc-Authentication-Results  | false",
        "''                          | false",
    })
    void onlyThatFieldName(String name, boolean expected) {
        assertThat(AuthenticationResultsField.isAuthenticationResults(name)).isEqualTo(expected);
    }

    @Test
    void aHeaderWeRenderIsOurs() {
        SpfVerdict pass = new SpfVerdict(SpfResult.PASS, SpfIdentity.MAILFROM, "example.com", "alice@example.com",
                SpfTestKit.ip("192.0.2.1"), "mail.example.org", null, "a", null, 1, 0);
        String header = AuthenticationResultsSpf.header(OURS, pass);
        int colon = header.indexOf(':');
        assertThat(AuthenticationResultsField.isAuthenticationResults(header.substring(0, colon))).isTrue();
        assertThat(AuthenticationResultsField.claims(header.substring(colon + 1), OURS)).isTrue();
        String quoted = AuthenticationResultsSpf.headerValue("a b", pass);
        assertThat(AuthenticationResultsField.authservId(quoted)).contains("a b");
    }
}
