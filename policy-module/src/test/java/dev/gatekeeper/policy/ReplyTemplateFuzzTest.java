package dev.gatekeeper.policy;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.regex.Pattern;

/**
 * Reply texts from the configuration and values from the SMTP client (sender, HELO, SPF
 * explanation...): the template either is refused with an {@link IllegalArgumentException} or
 * renders a reply that can be sent as it is (see {@link ReplyInvariants}); a one-line reply
 * parses back to itself. {@code mvn verify} fuzzes this for a few seconds (see the pom); inputs
 * that once found a bug stay in {@code ReplyTemplateFuzzTestInputs/}.
 */
class ReplyTemplateFuzzTest {

    private static final String[] VARIABLES = ReplyTemplate.VARIABLES.toArray(new String[0]);
    private static final Pattern LEADING_ENHANCED = Pattern.compile("^\\d\\.\\d{1,3}\\.\\d{1,3}( .*)?$", Pattern.DOTALL);

    @FuzzTest(maxDuration = "5s")
    void rendersSendableReplies(FuzzedDataProvider data) {
        boolean viaBuilder = data.consumeBoolean();
        String text = viaBuilder ? "" : data.consumeString(2000);
        ReplyValues values = ReplyValues.empty();
        for (String name : VARIABLES) {
            values = values.with(name, data.consumeString(700));
        }
        SmtpReply reply;
        if (viaBuilder) {
            reply = build(data);
            if (reply == null) {
                return;
            }
        } else {
            ReplyTemplate t;
            try {
                t = ReplyTemplate.parse(text);
            } catch (IllegalArgumentException e) {
                return;
            }
            // "reply must start with a three-digit code": exactly the code that was given.
            String given = text.strip().split("[ \t\r\n]", 2)[0];
            assertThat(given).as("code of '%s'", text).isEqualTo(Integer.toString(t.code()));
            reply = t.render(values.asMap());
            ReplyInvariants.assertSendable(reply);
            try {
                ReplyInvariants.assertSendable(SmtpReply.parse(text));
            } catch (IllegalArgumentException e) {
                // the template's ${...} are not the only difference: SmtpReply.parse may refuse
            }
        }
        ReplyInvariants.assertSendable(reply);
        if (reply.lines().size() == 1
                && !(reply.enhancedCode().isEmpty() && LEADING_ENHANCED.matcher(reply.lines().get(0)).matches())) {
            assertThat(SmtpReply.parse(reply.toString())).isEqualTo(reply);
        }
    }

    private static SmtpReply build(FuzzedDataProvider data) {
        SmtpReply.Builder b;
        try {
            b = SmtpReply.builder(data.consumeInt(0, 1000));
            if (data.consumeBoolean()) {
                b.enhanced(data.consumeString(12));
            }
        } catch (IllegalArgumentException e) {
            return null;
        }
        int n = data.consumeInt(1, 4);
        for (int i = 0; i < n; i++) {
            if (data.consumeBoolean()) {
                b.text(data.consumeString(1500));
            } else {
                b.line(data.consumeString(1500));
            }
        }
        SmtpReply r = b.build();
        if (data.consumeBoolean()) {
            try {
                r = r.withCode(data.consumeInt(0, 1000));
            } catch (IllegalArgumentException e) {
                return null;
            }
        }
        return r;
    }
}
