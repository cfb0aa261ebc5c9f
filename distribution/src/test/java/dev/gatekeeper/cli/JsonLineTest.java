package dev.gatekeeper.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class JsonLineTest {

    @Test
    void readsStringMembersInOrderWithEveryEscape() {
        Map<String, String> m = JsonLine.parseObject(
                " {\"a\" : \"x y\",\"b\":\"\\\"q\\\" \\\\ \\/ \\b\\f\\n\\r\\t\",\"c\":\"\\u00e9\\ud83d\\ude00\", \"\":\"\"} ");
        assertThat(m).containsExactly(Map.entry("a", "x y"), Map.entry("b", "\"q\" \\ / \b\f\n\r\t"),
                Map.entry("c", "\u00e9\ud83d\ude00"), Map.entry("", ""));
        assertThat(JsonLine.parseObject("{}")).isEmpty();
        assertThat(JsonLine.parseObject("{\"k\":\"caf\u00e9 \u4e2d\"}")).containsEntry("k", "caf\u00e9 \u4e2d");
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "``                                | JSON column 1: expected '{'",
        "`[\"a\"]`                         | JSON column 1: expected '{'",
        "`{\"a\":\"b\"`                    | JSON column 9: expected ',' or '}'",
        "`{\"a\":\"b\",}`                  | JSON column 10: expected a member name in double quotes",
        "`{\"a\" \"b\"}`                   | JSON column 6: expected ':'",
        "`{a:\"b\"}`                       | JSON column 2: expected a member name in double quotes",
        "`{\"a\":1}`                       | JSON column 6: expected a string value for \"a\"",
        "`{\"a\":null}`                    | JSON column 6: expected a string value for \"a\"",
        "`{\"a\":\"b\",\"a\":\"c\"}`       | JSON column 10: \"a\" given twice",
        "`{\"a\":\"b\"} x`                 | JSON column 11: unexpected text after the object",
        "`{\"a\":\"b\"}{}`                 | JSON column 10: unexpected text after the object",
        "`{\"a\":\"b`                      | JSON column 6: string not closed",
        "`{\"a\":\"\\x\"}`                 | JSON column 7: unknown escape \\x",
        "`{\"a\":\"\\u12\"}`               | JSON column 7: \\u needs four hex digits",
        "`{\"a\":\"\\ud83d\"}`             | JSON column 6: unpaired surrogate U+D83D in a string",
        "`{\"a\":\"\\ude00\\ud83d\"}`      | JSON column 6: unpaired surrogate U+DE00 in a string",
    })
    void refusesAnythingElseNamingTheColumn(String line, String message) {
        assertThatThrownBy(() -> JsonLine.parseObject(line)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage(message);
    }

    @Test
    void refusesAnUnescapedControlCharacter() {
        assertThatThrownBy(() -> JsonLine.parseObject("{\"a\":\"x\ty\"}"))
                .hasMessage("JSON column 8: control character U+0009 must be escaped");
    }
}
