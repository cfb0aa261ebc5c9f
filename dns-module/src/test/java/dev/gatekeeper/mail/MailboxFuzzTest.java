package dev.gatekeeper.mail;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Whatever a client writes after MAIL FROM: or RCPT TO:, the parser answers with a mailbox or a
 * {@link MailSyntaxException}, never another exception; a parsed mailbox keeps its promises (no
 * control character can reach a peer, limits hold, parsing its own address again gives the same
 * key). {@code mvn verify} fuzzes this for a few seconds (see the pom).
 */
class MailboxFuzzTest {

    @FuzzTest(maxDuration = "5s")
    void parsesOrRefuses(FuzzedDataProvider data) {
        String input = data.consumeRemainingAsString();
        Mailbox m;
        try {
            m = Mailbox.parse(input);
        } catch (MailSyntaxException e) {
            assertThat(e.getMessage()).doesNotContain("\r", "\n");
            return;
        }
        String address = m.address();
        assertThat(address).doesNotContain("\r", "\n", "\u0000");
        if (m.isNullPath() || m.isBarePostmaster()) {
            return;
        }
        assertThat(address.length() + 2).isLessThanOrEqualTo(Mailbox.MAX_PATH);
        assertThat(m.key()).isEqualTo(Mailbox.parse("<" + address + ">").key());
        m.domainName().ifPresent(d -> assertThat(DomainName.parse(d.ascii())).isEqualTo(d));
    }
}
