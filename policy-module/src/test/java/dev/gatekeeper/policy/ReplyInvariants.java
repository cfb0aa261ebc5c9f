package dev.gatekeeper.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.regex.Pattern;

/** What every reply the policy gives must be, whatever went into it: the rules of {@link SmtpReply}'s Javadoc. */
final class ReplyInvariants {

    private static final Pattern ENHANCED = Pattern.compile("[45]\\.\\d{1,3}\\.\\d{1,3}");

    private ReplyInvariants() {
    }

    static void assertSendable(SmtpReply r) {
        assertThat(r.code()).isBetween(400, 599);
        String code = Integer.toString(r.code());
        if (!r.enhancedCode().isEmpty()) {
            assertThat(r.enhancedCode()).matches(ENHANCED);
            assertThat(r.enhancedCode().charAt(0)).as("enhanced class of %s", r).isEqualTo(code.charAt(0));
        }
        List<String> lines = r.toSmtpLines();
        assertThat(lines).isNotEmpty().hasSameSizeAs(r.lines());
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            assertThat(line.length() + 2).as("octets with CRLF of %s", line).isLessThanOrEqualTo(SmtpReply.MAX_LINE_OCTETS);
            assertThat(line.chars().allMatch(c -> c >= 0x20 && c < 0x7f)).as("printable ASCII: %s", line).isTrue();
            assertThat(line).startsWith(code + (i == lines.size() - 1 ? (line.length() == 3 ? "" : " ") : "-"));
        }
        assertThat(r.description().chars().allMatch(c -> c >= 0x20 && c < 0x7f)).isTrue();
        SmtpReply soft = r.softBounced();
        assertThat(soft.code()).isBetween(400, 499);
        assertThat(soft.enhancedCode()).isEqualTo(r.enhancedCode().isEmpty() ? "" : "4" + r.enhancedCode().substring(1));
    }
}
