package dev.gatekeeper.james.common;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.base.test.FakeMail;
import org.junit.jupiter.api.Test;

class GatekeeperAttributesTest {

    @Test
    void valuesRoundTripAsPlainStringsListsAndMaps() throws Exception {
        FakeMail mail = FakeMail.builder().name("m").build();
        GatekeeperAttributes.setString(mail, GatekeeperAttributes.SPF_MAIL_FROM, "softfail");
        GatekeeperAttributes.setStrings(mail, GatekeeperAttributes.TAGS, List.of("newsletter", "suspect"));
        GatekeeperAttributes.setMap(mail, GatekeeperAttributes.CALLOUT_OUTCOMES,
                Map.of("a@x.test", "accepted"));

        assertThat(GatekeeperAttributes.string(mail, GatekeeperAttributes.SPF_MAIL_FROM)).contains("softfail");
        assertThat(mail.getAttribute(GatekeeperAttributes.SPF_MAIL_FROM).orElseThrow().getValue().value())
                .isEqualTo("softfail");
        assertThat(GatekeeperAttributes.strings(mail, GatekeeperAttributes.TAGS)).containsExactly("newsletter", "suspect");
        assertThat(GatekeeperAttributes.map(mail, GatekeeperAttributes.CALLOUT_OUTCOMES))
                .containsExactly(Map.entry("a@x.test", "accepted"));
    }

    @Test
    void absentOrForeignValuesReadAsEmpty() throws Exception {
        FakeMail mail = FakeMail.builder().name("m").build();
        assertThat(GatekeeperAttributes.string(mail, GatekeeperAttributes.SPF_HELO)).isEmpty();
        assertThat(GatekeeperAttributes.strings(mail, GatekeeperAttributes.TAGS)).isEmpty();
        mail.setAttribute(new Attribute(GatekeeperAttributes.SPF_HELO, AttributeValue.of(42)));
        assertThat(GatekeeperAttributes.string(mail, GatekeeperAttributes.SPF_HELO)).isEmpty();
        assertThat(GatekeeperAttributes.map(mail, GatekeeperAttributes.SPF_HELO)).isEmpty();
    }
}
