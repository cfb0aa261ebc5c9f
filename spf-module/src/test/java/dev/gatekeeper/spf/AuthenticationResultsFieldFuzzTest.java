package dev.gatekeeper.spf;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.Optional;

/**
 * Hostile {@code Authentication-Results} bodies: any client writes them, and whether one is ours
 * decides whether it reaches the mailbox. {@code mvn verify} fuzzes this for a few seconds.
 */
class AuthenticationResultsFieldFuzzTest {

    /**
     * A body either has an authserv-id or none, never an exception; a body with one claims it,
     * and the id written back as we write ours (token or quoted-string) reads as the same id.
     */
    @FuzzTest(maxDuration = "5s")
    void authservId(FuzzedDataProvider data) {
        String body = data.consumeRemainingAsString();
        Optional<String> id = AuthenticationResultsField.authservId(body);
        if (id.isEmpty()) {
            assertThat(AuthenticationResultsField.claims(body, "mx.example.org")).isFalse();
            return;
        }
        assertThat(AuthenticationResultsField.claims(body, id.get())).isTrue();
        String clean = HeaderText.clean(id.get());
        if (clean.equals(id.get()) && !clean.isEmpty()) {
            String written = " " + (HeaderText.isToken(clean) ? clean : HeaderText.quoted(clean)) + "; none";
            assertThat(AuthenticationResultsField.authservId(written)).contains(id.get());
        }
    }
}
