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

    /** As the SMTP handler records a verified message: one resinfo per signature, the DMARC result and policy. */
    private static FakeMail verified(List<String> dkim, String dmarc, String policy) throws Exception {
        FakeMail m = mail("a@x.example", "r@gatekeeper.test").build();
        GatekeeperAttributes.setStrings(m, GatekeeperAttributes.DKIM_RESULTS, dkim);
        GatekeeperAttributes.setString(m, GatekeeperAttributes.DMARC_RESULT, dmarc);
        GatekeeperAttributes.setString(m, GatekeeperAttributes.DMARC_POLICY, policy);
        return m;
    }

    @Test
    void dmarcResultAndTheDomainsPolicy() throws Exception {
        DmarcResultIs quarantine = init(new DmarcResultIs(), "DmarcResultIs", "fail policy=quarantine");
        DmarcResultIs anyFail = init(new DmarcResultIs(), "DmarcResultIs", "fail,temperror");
        FakeMail quarantined = verified(List.of(), "fail", "quarantine");
        FakeMail rejected = verified(List.of(), "fail", "reject");
        FakeMail passed = verified(List.of("dkim=pass header.d=x.example header.s=s header.b=abcdefgh"), "pass", "none");
        assertThat(quarantine.match(quarantined)).hasSize(1);
        assertThat(quarantine.match(rejected)).isNull();
        assertThat(anyFail.match(rejected)).hasSize(1);
        assertThat(anyFail.match(passed)).isNull();
        assertThat(anyFail.match(mail("a@x.example", "r@gatekeeper.test").build())).as("not verified").isNull();
        assertThatThrownBy(() -> init(new DmarcResultIs(), "DmarcResultIs", "failed"))
                .hasMessage("DmarcResultIs: unknown DMARC result 'failed' (none, pass, fail, temperror, permerror)");
        assertThatThrownBy(() -> init(new DmarcResultIs(), "DmarcResultIs", "fail policy=block"))
                .hasMessage("DmarcResultIs: unknown DMARC policy 'block' (none, quarantine, reject)");
    }

    @Test
    void dkimResultBySigningDomain() throws Exception {
        DkimResultIs bank = init(new DkimResultIs(), "DkimResultIs", "pass domain=bank.example");
        DkimResultIs unsigned = init(new DkimResultIs(), "DkimResultIs", "none");
        FakeMail signedByBank = verified(List.of("dkim=fail (body hash) header.d=other.example header.s=a header.b=abcdefgh",
                "dkim=pass header.d=mail.bank.example header.s=b header.b=ijklmnop"), "pass", "none");
        FakeMail signedByOther = verified(List.of("dkim=pass header.d=notbank.example header.s=a header.b=abcdefgh"), "none", "none");
        FakeMail notSigned = verified(List.of(), "none", "none");
        assertThat(bank.match(signedByBank)).hasSize(1);
        assertThat(bank.match(signedByOther)).as("a name ending in the domain is not below it").isNull();
        assertThat(unsigned.match(notSigned)).hasSize(1);
        assertThat(unsigned.match(signedByBank)).isNull();
        assertThat(unsigned.match(mail("a@x.example", "r@gatekeeper.test").build())).as("not verified").isNull();
        assertThatThrownBy(() -> init(new DkimResultIs(), "DkimResultIs", "valid"))
                .hasMessage("DkimResultIs: unknown DKIM result 'valid' (none, pass, fail, neutral, policy, temperror, permerror)");
    }
}
