package dev.gatekeeper.james.matchers;

import static dev.gatekeeper.james.common.Mails.init;
import static dev.gatekeeper.james.common.Mails.mail;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatekeeper.james.common.GatekeeperAttributes;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.james.core.MailAddress;
import org.apache.james.mailetcontainer.impl.matchers.And;
import org.apache.james.mailetcontainer.impl.matchers.Not;
import org.apache.james.mailetcontainer.impl.matchers.Or;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;
import org.apache.mailet.base.test.FakeMail;
import org.apache.mailet.base.test.FakeMatcherConfig;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RelayAndCompositeTest {

    @TempDir
    Path dir;
    Path policy;

    @BeforeEach
    void writePolicy() throws Exception {
        policy = dir.resolve("policy.xml");
        Files.writeString(policy, "<policy><relay><my-networks>127.0.0.0/24</my-networks>"
                + "<local-domains>gatekeeper.test</local-domains><relay-domains>partner.example</relay-domains></relay></policy>");
    }

    @Test
    void relayRulesDecidePerRecipient() throws Exception {
        RelayAllowedByPolicy m = init(new RelayAllowedByPolicy(), "RelayAllowedByPolicy", "file://" + policy);
        FakeMail stranger = mail("a@x.example", "r@gatekeeper.test", "p@partner.example", "x@elsewhere.example")
                .remoteAddr("127.0.1.5").build();
        assertThat(m.match(stranger)).containsExactly(new MailAddress("r@gatekeeper.test"), new MailAddress("p@partner.example"));
        FakeMail trusted = mail("a@x.example", "x@elsewhere.example").remoteAddr("127.0.0.5").build();
        assertThat(m.match(trusted)).containsExactly(new MailAddress("x@elsewhere.example"));
        FakeMail authenticated = mail("a@x.example", "x@elsewhere.example").remoteAddr("127.0.1.5")
                .attribute(new Attribute(Mail.SMTP_AUTH_USER, AttributeValue.of("alice"))).build();
        assertThat(m.match(authenticated)).containsExactly(new MailAddress("x@elsewhere.example"));
        FakeMail authorized = mail("a@x.example", "x@elsewhere.example").remoteAddr("127.0.1.5")
                .attribute(new Attribute(RelayAllowedByPolicy.SMTP_IS_AUTH_NETWORK, AttributeValue.of(true))).build();
        assertThat(m.match(authorized)).containsExactly(new MailAddress("x@elsewhere.example"));
    }

    @Test
    void relayDisabledOrBadPolicyIsRefused() throws Exception {
        Path off = dir.resolve("off.xml");
        Files.writeString(off, "<policy><relay enabled=\"false\"/></policy>");
        assertThatThrownBy(() -> init(new RelayAllowedByPolicy(), "RelayAllowedByPolicy", off.toString()))
                .hasMessage("RelayAllowedByPolicy: " + off + " has <relay enabled=\"false\">: it has no relay rules to apply");
        Path bad = dir.resolve("bad.xml");
        Files.writeString(bad, "<policy><relay><my-networks>127.0.0.0/99</my-networks></relay></policy>");
        assertThatThrownBy(() -> init(new RelayAllowedByPolicy(), "RelayAllowedByPolicy", bad.toString()))
                .hasMessageContaining("RelayAllowedByPolicy: ").hasMessageContaining("127.0.0.0/99");
    }

    /** James's composite matchers take Gatekeeper's as they take their own. */
    @Test
    void combinesWithJamesAndOrNot() throws Exception {
        HasGatekeeperTag tagged = init(new HasGatekeeperTag(), "HasGatekeeperTag", "suspect");
        CalloutOutcomeIs rejected = init(new CalloutOutcomeIs(), "CalloutOutcomeIs", "rejected");
        RecipientInTable vip = init(new RecipientInTable(), "RecipientInTable",
                Files.writeString(dir.resolve("vip"), "boss@gatekeeper.test\n").toString());

        And and = new And();
        and.init(FakeMatcherConfig.builder().matcherName("and").build());
        and.add(tagged);
        and.add(rejected);
        Or or = new Or();
        or.init(FakeMatcherConfig.builder().matcherName("or").build());
        or.add(tagged);
        or.add(vip);
        Not notVip = new Not();
        notVip.init(FakeMatcherConfig.builder().matcherName("not").build());
        notVip.add(vip);

        FakeMail both = mail("a@x.example", "boss@gatekeeper.test", "staff@gatekeeper.test").build();
        GatekeeperAttributes.setStrings(both, GatekeeperAttributes.TAGS, java.util.List.of("suspect"));
        GatekeeperAttributes.setString(both, GatekeeperAttributes.CALLOUT_SENDER, "rejected");
        FakeMail plain = mail("a@x.example", "boss@gatekeeper.test", "staff@gatekeeper.test").build();

        assertThat(and.match(both)).containsExactlyInAnyOrder(new MailAddress("boss@gatekeeper.test"), new MailAddress("staff@gatekeeper.test"));
        assertThat(and.match(plain)).isEmpty();
        assertThat(or.match(plain)).containsExactly(new MailAddress("boss@gatekeeper.test"));
        assertThat(or.match(both)).hasSize(2);
        assertThat(notVip.match(plain)).containsExactly(new MailAddress("staff@gatekeeper.test"));
    }
}
