package dev.gatekeeper.james.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatekeeper.policy.SmtpReply;
import dev.gatekeeper.policy.Stage;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class ReplyRewriteTest {

    private static final SmtpReply RELAY_DENIED = SmtpReply.parse("550 5.7.1 Requested action not taken: relaying denied");

    @Test
    void matchesByStageCodeEnhancedAndText() {
        ReplyRewrite r = new ReplyRewrite(Set.of(Stage.RCPT), 550, "5.7.1", Pattern.compile("relaying"), null, null, "No relay here");
        assertThat(r.apply(Stage.RCPT, RELAY_DENIED)).map(SmtpReply::toString).contains("550 5.7.1 No relay here");
        assertThat(r.apply(Stage.MAIL, RELAY_DENIED)).isEmpty();
        assertThat(r.apply(Stage.RCPT, SmtpReply.parse("551 5.7.1 relaying denied"))).isEmpty();
        assertThat(r.apply(Stage.RCPT, SmtpReply.parse("550 5.7.2 relaying denied"))).isEmpty();
        assertThat(r.apply(Stage.RCPT, SmtpReply.parse("550 5.7.1 mailbox unknown"))).isEmpty();
    }

    @Test
    void aNewCodeCarriesTheEnhancedCodeIntoItsClass() {
        ReplyRewrite r = new ReplyRewrite(Set.of(), null, null, null, 450, null, null);
        assertThat(r.apply(Stage.RCPT, RELAY_DENIED)).map(SmtpReply::toString)
                .contains("450 4.7.1 Requested action not taken: relaying denied");
    }

    @Test
    void replacesTheEnhancedCodeOnly() {
        ReplyRewrite r = new ReplyRewrite(Set.of(), 550, null, null, null, "5.7.26", null);
        assertThat(r.apply(null, RELAY_DENIED)).map(SmtpReply::toString)
                .contains("550 5.7.26 Requested action not taken: relaying denied");
    }

    @Test
    void aStageRuleNeverMatchesAnUnknownStage() {
        ReplyRewrite r = new ReplyRewrite(Set.of(Stage.RCPT), null, null, null, null, null, "x");
        assertThat(r.apply(null, RELAY_DENIED)).isEmpty();
    }

    @Test
    void theSampleRuleTakesBothOfJamesRelayRefusals() {
        // conf/smtpserver.xml's rule; James's AuthRequiredToRelayRcptHook says 530 when AUTH is announced, 550 otherwise.
        ReplyRewrite r = new ReplyRewrite(Set.of(Stage.RCPT), null, "5.7.1",
                Pattern.compile("relaying denied|Authentication Required", Pattern.CASE_INSENSITIVE), 550, "5.7.1",
                "Relaying denied: authenticate first");
        assertThat(r.apply(Stage.RCPT, SmtpReply.parse("530 5.7.1 Authentication Required"))).map(SmtpReply::toString)
                .contains("550 5.7.1 Relaying denied: authenticate first");
        assertThat(r.apply(Stage.RCPT, RELAY_DENIED)).map(SmtpReply::toString)
                .contains("550 5.7.1 Relaying denied: authenticate first");
    }
}
