package dev.gatekeeper.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SmtpReplyTest {

    @Test
    void buildsAOneLineReply() {
        SmtpReply r = SmtpReply.builder(550).enhanced("5.7.1").line("Access denied").build();
        assertThat(r.toSmtpLines()).containsExactly("550 5.7.1 Access denied");
        assertThat(r.description()).isEqualTo("5.7.1 Access denied");
        assertThat(r).hasToString("550 5.7.1 Access denied");
    }

    @Test
    void buildsAMultiLineReply() {
        SmtpReply r = SmtpReply.builder(451).enhanced("4.7.24").text("first\nsecond").build();
        assertThat(r.toSmtpLines()).containsExactly("451-4.7.24 first", "451 4.7.24 second");
    }

    @Test
    void refusesCodesThatAreNotNegative() {
        assertThatThrownBy(() -> SmtpReply.builder(250)).hasMessageContaining("250 is not a 4xx or 5xx");
        assertThatThrownBy(() -> SmtpReply.builder(650)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void refusesAnEnhancedCodeOfAnotherClass() {
        assertThatThrownBy(() -> SmtpReply.builder(550).enhanced("4.7.1"))
                .hasMessage("enhanced code 4.7.1 does not match reply code 550: the class must be 5");
        assertThatThrownBy(() -> SmtpReply.builder(550).enhanced("5.7")).hasMessageContaining("not an enhanced status code");
    }

    @Test
    void stripsControlCharactersSoNoClientCanInjectALine() {
        SmtpReply r = SmtpReply.builder(550).enhanced("5.7.1").line("<a\r\n250 ok@x>\u0000 caf\u00e9").build();
        assertThat(r.toSmtpLines()).containsExactly("550 5.7.1 <a250 ok@x> caf?");
    }

    @Test
    void foldsLongTextSoNoLineExceeds512OctetsWithCrlf() {
        String word = "abcdefghi ";
        SmtpReply r = SmtpReply.builder(550).enhanced("5.7.1").line(word.repeat(120)).build();
        assertThat(r.lines()).hasSizeGreaterThan(1);
        for (String line : r.toSmtpLines()) {
            assertThat(line.length() + 2).isLessThanOrEqualTo(512);
        }
        SmtpReply unbroken = SmtpReply.builder(550).line("x".repeat(2000)).build();
        for (String line : unbroken.toSmtpLines()) {
            assertThat(line.length() + 2).isLessThanOrEqualTo(512);
        }
        assertThat(String.join("", unbroken.lines())).hasSize(2000);
    }

    @Test
    void softBounceTurnsPermanentIntoTemporaryClassAndAll() {
        assertThat(SmtpReply.parse("550 5.7.1 no").softBounced()).hasToString("450 4.7.1 no");
        assertThat(SmtpReply.parse("554 5.7.1 no").softBounced()).hasToString("450 4.7.1 no");
        assertThat(SmtpReply.parse("550 5.7.23 spf").softBounced()).hasToString("450 4.7.23 spf");
        assertThat(SmtpReply.parse("451 4.3.0 later").softBounced()).hasToString("451 4.3.0 later");
        assertThat(SmtpReply.parse("501 5.5.2 odd").softBounced()).hasToString("450 4.5.2 odd");
    }

    @Test
    void parsesTheConfigurationForm() {
        assertThat(SmtpReply.parse("550 5.1.1 User unknown").enhancedCode()).isEqualTo("5.1.1");
        assertThat(SmtpReply.parse("550 User unknown").enhancedCode()).isEmpty();
        assertThatThrownBy(() -> SmtpReply.parse("User unknown")).hasMessageContaining("three-digit code");
    }

    @Test
    void templatesRefuseUnknownVariablesWhenRead() {
        assertThatThrownBy(() -> ReplyTemplate.parse("550 5.7.1 hello ${client_addr}"))
                .hasMessageContaining("unknown variable ${client_addr}");
        assertThatThrownBy(() -> ReplyTemplate.parse("550 5.7.1 hello ${sender")).hasMessageContaining("unclosed");
        assertThatThrownBy(() -> ReplyTemplate.parse("550 4.7.1 x")).hasMessageContaining("does not match reply code 550");
    }

    /** Found by ReplyTemplateFuzzTest: Integer.parseInt took "+550" for 550 and "0550" for 550 with text "0". */
    @Test
    void templatesRefuseACodeThatIsNotExactlyThreeDigits() {
        assertThatThrownBy(() -> ReplyTemplate.parse("+550 5.7.1 no"))
                .hasMessage("reply must start with a three-digit code: '+550 5.7.1 no'");
        assertThatThrownBy(() -> ReplyTemplate.parse("0550 no"))
                .hasMessage("reply must start with a three-digit code: '0550 no'");
        assertThatThrownBy(() -> ReplyCatalog.of(Map.of(Reason.RELAY_DENIED, ReplyTemplate.parse("+554 no relaying"))))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(ReplyTemplate.parse(" 554 no relaying").render(Map.of())).hasToString("554 no relaying");
    }

    @Test
    void templatesFillEveryVariable() {
        ReplyTemplate t = ReplyTemplate.parse("550 5.7.1 ${client_ip} ${client_name} ${helo} <${sender}> <${recipient}> "
                + "${spf_result} ${spf_explanation} ${reason}");
        SmtpReply r = t.render(Map.of("client_ip", "192.0.2.1", "client_name", "unknown", "helo", "h", "sender", "",
                "recipient", "r@x", "spf_result", "fail", "spf_explanation", "see\r\nhttp://x", "reason", "why"));
        assertThat(r.toSmtpLines()).isEqualTo(List.of("550 5.7.1 192.0.2.1 unknown h <> <r@x> fail seehttp://x why"));
    }

    @Test
    void catalogDefaultsUseTheRfcCodes() {
        ReplyValues v = ReplyValues.empty().with("sender", "a@null.example").with("recipient", "x@example.org")
                .with("spf_explanation", "not permitted");
        ReplyCatalog c = ReplyCatalog.defaults();
        assertThat(c.reply(Reason.RELAY_DENIED, v)).hasToString("550 5.7.1 <x@example.org>: Relay access denied");
        assertThat(c.reply(Reason.SPF_FAIL, v)).hasToString("550 5.7.23 SPF check failed: not permitted");
        assertThat(c.reply(Reason.SPF_TEMPERROR, v).toString()).startsWith("451 4.7.24 ");
        assertThat(c.reply(Reason.SPF_PERMERROR, v).toString()).startsWith("550 5.7.24 ");
        assertThat(c.reply(Reason.NULL_MX_SENDER, v).toString()).startsWith("550 5.7.27 <a@null.example>");
        assertThat(c.reply(Reason.UNKNOWN_RECIPIENT, v).toString()).startsWith("550 5.1.1 ");
        assertThat(c.reply(Reason.UNVERIFIED_SENDER, v).toString()).startsWith("550 5.1.7 ");
        assertThat(c.reply(Reason.UNKNOWN_SENDER_DOMAIN, v).toString()).startsWith("550 5.1.8 ");
        assertThat(c.reply(Reason.CALLOUT_TEMPFAIL, v).toString()).startsWith("450 4.1.7 ");
        assertThat(c.reply(Reason.TOO_MANY_RECIPIENTS, v)).hasToString("452 4.5.3 Too many recipients");
        assertThat(c.temporaryFailure(v).toString()).startsWith("451 4.3.0 ");
        for (Reason r : Reason.values()) {
            SmtpReply reply = c.reply(r, v);
            assertThat(reply.enhancedCode()).startsWith(String.valueOf(reply.code() / 100));
        }
    }

    @Test
    void catalogOverridesAreValidated() {
        ReplyCatalog c = ReplyCatalog.of(Map.of(Reason.RELAY_DENIED, ReplyTemplate.parse("554 5.7.1 <${recipient}>: no relaying here")));
        assertThat(c.reply(Reason.RELAY_DENIED, ReplyValues.empty().with("recipient", "a@b"))).hasToString("554 5.7.1 <a@b>: no relaying here");
        assertThatThrownBy(() -> ReplyCatalog.of(Map.of(Reason.SPF_FAIL, ReplyTemplate.parse("250 ok"))))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
