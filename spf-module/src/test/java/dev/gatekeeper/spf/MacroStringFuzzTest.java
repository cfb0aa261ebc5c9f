package dev.gatekeeper.spf;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Hostile macro-strings and macro values: the record's author writes the macros, the SMTP client
 * chooses the sender, HELO and so the values. {@code mvn verify} fuzzes this for a few seconds
 * (see the pom); inputs that once found a bug stay in {@code MacroStringFuzzTestInputs/}.
 */
class MacroStringFuzzTest {

    /**
     * A macro-string either parses or throws {@link SpfSyntaxException}; expanding it with hostile
     * macro values (the sender's local part is the client's to choose) stays within
     * {@link MacroString#MAX_EXPANSION}, and a name made of it is null or a name DNS can carry.
     */
    @FuzzTest(maxDuration = "5s")
    void macroExpander(FuzzedDataProvider data) {
        int kind = data.consumeInt(0, 2);
        String spec = data.consumeString(500);
        String domain = data.consumeString(300);
        String[] values = new String[8];
        for (int i = 0; i < values.length; i++) {
            values[i] = data.consumeString(300);
        }
        MacroString ms;
        try {
            switch (kind) {
                case 0:
                    ms = MacroString.parseDomainSpec(spec, 0, spec.length());
                    break;
                case 1:
                    ms = MacroString.parseMacroString(spec, 0, spec.length());
                    break;
                default:
                    ms = MacroString.parseExplanation(spec);
                    break;
            }
        } catch (SpfSyntaxException e) {
            return;
        }
        MacroSource source = (letter, d) -> letter == 'd' ? d : values["slohipvc".indexOf(letter) & 7];
        String expanded = ms.expand(source, domain);
        assertThat(expanded.length()).isLessThanOrEqualTo(MacroString.MAX_EXPANSION);
        if (ms.isLiteral()) {
            assertThat(expanded).isEqualTo(ms.literal());
        }
        String name = CheckHostRun.checkedName(expanded);
        if (name != null) {
            assertThat(name.length()).isBetween(1, CheckHostRun.MAX_DOMAIN_LENGTH);
            for (String label : name.split("\\.", -1)) {
                assertThat(label.length()).isBetween(1, 63);
            }
        }
        String shown = CheckHostRun.sanitize(expanded);
        assertThat(shown.chars().allMatch(c -> c >= 0x20 && c != 0x7f && !(c >= 0x80 && c < 0xa0))).isTrue();
    }
}
