package dev.gatekeeper.dkim;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CanonicalizationTest {

    /** RFC 6376 §3.4.5's example header section and body. */
    private static final String EXAMPLE_HEADERS = "A: X\r\nB : Y\t\r\n\tZ  \r\n";
    private static final String EXAMPLE_BODY = " C \r\nD \t E\r\n\r\n\r\n";

    @Test
    void rfc6376Section345RelaxedHeaders() {
        assertThat(canonicalHeaders(Canonicalization.RELAXED, EXAMPLE_HEADERS)).isEqualTo("a:X\r\nb:Y Z\r\n");
    }

    @Test
    void rfc6376Section345SimpleHeaders() {
        assertThat(canonicalHeaders(Canonicalization.SIMPLE, EXAMPLE_HEADERS)).isEqualTo(EXAMPLE_HEADERS);
    }

    @Test
    void rfc6376Section345RelaxedBody() {
        assertThat(canonicalBody(Canonicalization.RELAXED, EXAMPLE_BODY)).isEqualTo(" C\r\nD E\r\n");
    }

    @Test
    void rfc6376Section345SimpleBody() {
        assertThat(canonicalBody(Canonicalization.SIMPLE, EXAMPLE_BODY)).isEqualTo(" C \r\nD \t E\r\n");
    }

    @ParameterizedTest(name = "{0} body [{1}]")
    @CsvSource(delimiter = '|', value = {
        // §3.4.3: an empty body is one CRLF under simple.
        "SIMPLE  | ''              | '\r\n'",
        "SIMPLE  | '\r\n\r\n'      | '\r\n'",
        "SIMPLE  | 'a'             | 'a\r\n'",
        "SIMPLE  | 'a\r\n\r\nb'    | 'a\r\n\r\nb\r\n'",
        "SIMPLE  | 'a \r\n'        | 'a \r\n'",
        "SIMPLE  | 'a\rb\r\n'      | 'a\rb\r\n'",
        // §3.4.4 with erratum 1384: an empty body stays empty under relaxed.
        "RELAXED | ''              | ''",
        "RELAXED | '\r\n\r\n'      | ''",
        "RELAXED | ' \t \r\n'      | ''",
        "RELAXED | 'a'             | 'a\r\n'",
        "RELAXED | 'a  b \r\n \r\nc' | 'a b\r\n\r\nc\r\n'",
        // Bare LF is read as CRLF.
        "RELAXED | 'a\nb\n\n'      | 'a\r\nb\r\n'",
        "SIMPLE  | 'a\nb\n\n'      | 'a\r\nb\r\n'",
    })
    void bodyRules(Canonicalization c, String body, String expected) {
        assertThat(canonicalBody(c, body)).isEqualTo(expected);
    }

    @Test
    void chunkBoundariesDoNotMatter() {
        String body = "line one  \r\n\twith\t tabs\r\n\r\n  \r\nlast\r\r\n\r\n\r\n";
        for (Canonicalization c : Canonicalization.values()) {
            String whole = canonicalBody(c, body);
            BodyHash.Key key = new BodyHash.Key(c, -1, "SHA-256");
            BodyHash oneByOne = new BodyHash(key);
            BodyCanonicalizer canon = new BodyCanonicalizer(c);
            canon.addSink(oneByOne);
            byte[] bytes = body.getBytes(StandardCharsets.ISO_8859_1);
            for (int i = 0; i < bytes.length; i++) {
                canon.update(bytes, i, 1);
            }
            canon.finish();
            assertThat(oneByOne.value()).isEqualTo(sha256(whole));
        }
    }

    @Test
    void aLengthLimitHashesOnlyThatManyCanonicalOctets() {
        BodyHash limited = new BodyHash(new BodyHash.Key(Canonicalization.RELAXED, 3, "SHA-256"));
        BodyCanonicalizer canon = new BodyCanonicalizer(Canonicalization.RELAXED);
        canon.addSink(limited);
        byte[] bytes = "a  b\r\nmore\r\n".getBytes(StandardCharsets.ISO_8859_1);
        canon.update(bytes, 0, bytes.length);
        canon.finish();
        assertThat(limited.value()).isEqualTo(sha256("a b"));
        assertThat(limited.canonicalLength()).isEqualTo("a b\r\nmore\r\n".length());
    }

    @Test
    void rfc8463ExampleBodyHash() {
        String body = "Hi.\r\n\r\nWe lost the game.  Are you hungry yet?\r\n\r\nJoe.\r\n";
        assertThat(Base64.getEncoder().encodeToString(sha256(canonicalBody(Canonicalization.RELAXED, body))))
                .isEqualTo("2jUSOH9NhtVGCQWNr9BrIAPreKQjO6Sn7XIkfJVOzv8=");
    }

    static String canonicalHeaders(Canonicalization c, String headers) {
        byte[] bytes = headers.getBytes(StandardCharsets.ISO_8859_1);
        List<HeaderField> fields = HeaderSection.parse(bytes, 0, bytes.length);
        return fields.stream().map(c::header).collect(Collectors.joining());
    }

    static String canonicalBody(Canonicalization c, String body) {
        StringBuilder out = new StringBuilder();
        BodyCanonicalizer canon = new BodyCanonicalizer(c);
        canon.addSink((b, off, len) -> out.append(new String(b, off, len, StandardCharsets.ISO_8859_1)));
        byte[] bytes = body.getBytes(StandardCharsets.ISO_8859_1);
        canon.update(bytes, 0, bytes.length);
        canon.finish();
        return out.toString();
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.ISO_8859_1));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
