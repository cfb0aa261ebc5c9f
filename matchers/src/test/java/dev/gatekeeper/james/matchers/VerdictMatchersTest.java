package dev.gatekeeper.james.matchers;

import static dev.gatekeeper.james.common.Mails.init;
import static dev.gatekeeper.james.common.Mails.mail;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatekeeper.james.common.GatekeeperAttributes;
import java.util.List;
import org.apache.mailet.base.test.FakeMail;
import org.junit.jupiter.api.Test;

class VerdictMatchersTest {

    @Test
    void calloutOutcomeOfTheSender() throws Exception {
        CalloutOutcomeIs m = init(new CalloutOutcomeIs(), "CalloutOutcomeIs", "rejected,null-mx");
        FakeMail rejected = mail("a@x.example", "r@gatekeeper.test").build();
        GatekeeperAttributes.setString(rejected, GatekeeperAttributes.CALLOUT_SENDER, "rejected");
        FakeMail accepted = mail("a@x.example", "r@gatekeeper.test").build();
        GatekeeperAttributes.setString(accepted, GatekeeperAttributes.CALLOUT_SENDER, "accepted");
        assertThat(m.match(rejected)).hasSize(1);
        assertThat(m.match(accepted)).isNull();
        assertThat(m.match(mail("a@x.example", "r@gatekeeper.test").build())).isNull();
        assertThatThrownBy(() -> init(new CalloutOutcomeIs(), "CalloutOutcomeIs", "rejected,bounced"))
                .hasMessage("CalloutOutcomeIs: unknown callout outcome 'bounced' (accepted, rejected, catch-all, tempfail, "
                        + "null-mx, no-mail-host, probe-refused, invalid, skipped)");
    }

    @Test
    void tags() throws Exception {
        HasGatekeeperTag m = init(new HasGatekeeperTag(), "HasGatekeeperTag", "suspect,greylisted");
        FakeMail tagged = mail("a@x.example", "r@gatekeeper.test").build();
        GatekeeperAttributes.setStrings(tagged, GatekeeperAttributes.TAGS, List.of("newsletter", "greylisted"));
        FakeMail other = mail("a@x.example", "r@gatekeeper.test").build();
        GatekeeperAttributes.setStrings(other, GatekeeperAttributes.TAGS, List.of("Suspect"));
        assertThat(m.match(tagged)).hasSize(1);
        assertThat(m.match(other)).as("labels compare exactly").isNull();
    }

    @Test
    void policyVerdicts() throws Exception {
        PolicyVerdictIs m = init(new PolicyVerdictIs(), "PolicyVerdictIs", "rcpt:permit,*:warn");
        FakeMail permit = mail("a@x.example", "r@gatekeeper.test").build();
        GatekeeperAttributes.setStrings(permit, GatekeeperAttributes.POLICY_VERDICTS, List.of("mail:dunno", "rcpt:permit"));
        FakeMail warned = mail("a@x.example", "r@gatekeeper.test").build();
        GatekeeperAttributes.setStrings(warned, GatekeeperAttributes.POLICY_VERDICTS, List.of("helo:warn"));
        FakeMail plain = mail("a@x.example", "r@gatekeeper.test").build();
        GatekeeperAttributes.setStrings(plain, GatekeeperAttributes.POLICY_VERDICTS, List.of("rcpt:dunno", "data:dunno"));
        assertThat(m.match(permit)).hasSize(1);
        assertThat(m.match(warned)).hasSize(1);
        assertThat(m.match(plain)).isNull();
        assertThatThrownBy(() -> init(new PolicyVerdictIs(), "PolicyVerdictIs", "rcpt:reject"))
                .hasMessage("PolicyVerdictIs: 'rcpt:reject' is not stage:outcome (stages connect, helo, mail, rcpt, data or *; "
                        + "outcomes permit, dunno, warn)");
    }
}
