package dev.gatekeeper.dmarc;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Hostile From fields: any sender writes them. {@code mvn verify} fuzzes this for a few seconds
 * (see the pom); inputs that once found a bug stay in {@code AuthorDomainsFuzzTestInputs/}.
 */
class AuthorDomainsFuzzTest {

    /**
     * Every field gives either a problem or between one and {@link AuthorDomains#MAX_AUTHOR_DOMAINS}
     * host names that can be looked up, never an exception; a domain found reads back alone.
     */
    @FuzzTest(maxDuration = "5s")
    void fromField(FuzzedDataProvider data) {
        String field = data.consumeRemainingAsString();
        AuthorDomains authors = AuthorDomains.fromField(field);
        if (authors.problem().isPresent()) {
            assertThat(authors.domains()).isEmpty();
            assertThat(authors.problem().get()).isNotBlank();
            return;
        }
        assertThat(authors.domains()).isNotEmpty().hasSizeLessThanOrEqualTo(AuthorDomains.MAX_AUTHOR_DOMAINS).doesNotHaveDuplicates();
        for (String domain : authors.domains()) {
            assertThat(DomainNames.normalize(domain)).as(domain).contains(domain);
            assertThat(AuthorDomains.fromField("a@" + domain).domains()).containsExactly(domain);
        }
    }
}
