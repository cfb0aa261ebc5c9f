package dev.gatekeeper.james.matchers;

import static dev.gatekeeper.james.common.Mails.init;
import static dev.gatekeeper.james.common.Mails.mail;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatekeeper.dns.LoopbackDnsServer;
import dev.gatekeeper.james.common.GatekeeperAttributes;
import dev.gatekeeper.james.common.Mails;
import javax.mail.MessagingException;
import org.apache.james.core.MailAddress;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;
import org.apache.mailet.base.test.FakeMail;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class SpfResultIsTest {

    static LoopbackDnsServer dns;

    @BeforeAll
    static void start() throws Exception {
        dns = Mails.dns();
    }

    @AfterAll
    static void stop() {
        dns.close();
    }

    private String settings() {
        return " dns.servers=" + dns.hostPort() + " dns.timeout=2s spf.timeBudget=5s";
    }

    @Test
    void readsTheRecordedResultWithoutAskingTheDns() throws Exception {
        SpfResultIs m = init(new SpfResultIs(), "SpfResultIs", "fail,softfail evaluate=false");
        FakeMail fail = mail("a@x.example", "r@gatekeeper.test", "s@gatekeeper.test")
                .attribute(new Attribute(GatekeeperAttributes.SPF_MAIL_FROM, AttributeValue.of("fail"))).build();
        FakeMail pass = mail("a@x.example", "r@gatekeeper.test")
                .attribute(new Attribute(GatekeeperAttributes.SPF_MAIL_FROM, AttributeValue.of("pass"))).build();
        assertThat(m.match(fail)).containsExactly(new MailAddress("r@gatekeeper.test"), new MailAddress("s@gatekeeper.test"));
        assertThat(m.match(pass)).isNull();
        assertThat(m.match(mail("a@x.example", "r@gatekeeper.test").remoteAddr("127.0.0.99").build()))
                .as("evaluate=false: no result, no match").isNull();
    }

    @Test
    void evaluatesAMailWithoutResultAndRecordsIt() throws Exception {
        SpfResultIs m = init(new SpfResultIs(), "SpfResultIs", "fail" + settings());
        FakeMail failing = mail("bob@fail.gk.test", "r@gatekeeper.test").remoteAddr("127.0.0.99")
                .attribute(new Attribute(Mail.SMTP_HELO, AttributeValue.of("client.example"))).build();
        assertThat(m.match(failing)).containsExactly(new MailAddress("r@gatekeeper.test"));
        assertThat(GatekeeperAttributes.string(failing, GatekeeperAttributes.SPF_MAIL_FROM)).contains("fail");
        assertThat(GatekeeperAttributes.string(failing, GatekeeperAttributes.SPF_MAIL_FROM_EXPLANATION))
                .contains("fail.gk.test does not designate 127.0.0.99 as permitted sender");

        FakeMail passing = mail("bob@pass.gk.test", "r@gatekeeper.test").remoteAddr("127.0.0.10").build();
        assertThat(m.match(passing)).isNull();
        assertThat(GatekeeperAttributes.string(passing, GatekeeperAttributes.SPF_MAIL_FROM)).contains("pass");

        FakeMail soft = mail("bob@soft.gk.test", "r@gatekeeper.test").remoteAddr("127.0.0.99").build();
        assertThat(init(new SpfResultIs(), "SpfResultIs", "softfail" + settings()).match(soft)).hasSize(1);
    }

    @Test
    void heloIdentityUsesTheHeloJamesRecorded() throws Exception {
        SpfHeloResultIs m = init(new SpfHeloResultIs(), "SpfHeloResultIs", "pass" + settings());
        FakeMail withHelo = mail("x@elsewhere.example", "r@gatekeeper.test").remoteAddr("127.0.0.10")
                .attribute(new Attribute(Mail.SMTP_HELO, AttributeValue.of("mta.pass.gk.test"))).build();
        assertThat(m.match(withHelo)).hasSize(1);
        assertThat(GatekeeperAttributes.string(withHelo, GatekeeperAttributes.SPF_HELO)).contains("pass");
        assertThat(GatekeeperAttributes.string(withHelo, GatekeeperAttributes.SPF_MAIL_FROM)).as("mail from untouched").isEmpty();
        FakeMail noHelo = mail("x@elsewhere.example", "r@gatekeeper.test").remoteAddr("127.0.0.10").build();
        assertThat(m.match(noHelo)).isNull();
    }

    @Test
    void badConditionsAreRefusedNamingTheValue() {
        assertThatThrownBy(() -> init(new SpfResultIs(), "SpfResultIs", "fail,sofail"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("SpfResultIs: unknown SPF result 'sofail' (none, neutral, pass, fail, softfail, temperror, permerror)");
        assertThatThrownBy(() -> init(new SpfResultIs(), "SpfResultIs", ""))
                .hasMessage("SpfResultIs: a condition is required (SpfResultIs=...)");
        assertThatThrownBy(() -> init(new SpfResultIs(), "SpfResultIs", "fail dns.server=127.0.0.1"))
                .hasMessageStartingWith("SpfResultIs: unknown setting 'dns.server' (known: dns.servers, dns.timeout,");
        assertThatThrownBy(() -> init(new SpfResultIs(), "SpfResultIs", "fail spf.timeBudget=soon"))
                .hasMessage("SpfResultIs: spf.timeBudget: 'soon' is not a duration (500ms, 5s, 15m, 1h, 1d, PT5S)");
        assertThatThrownBy(() -> init(new SpfResultIs(), "SpfResultIs", "fail color=red"))
                .hasMessage("SpfResultIs: unknown option 'color' (known: evaluate, dns.*, spf.*, callout.*)");
    }
}
