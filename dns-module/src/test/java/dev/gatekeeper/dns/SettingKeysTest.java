package dev.gatekeeper.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The one settings reader: typed keys, their defaults and bounds, and the messages of a bad value. */
class SettingKeysTest {

    enum Colour { RED, DARK_BLUE }

    static final Setting<Duration> WAIT = Setting.duration("wait", "2s").positive().atMost(Duration.ofMinutes(1));
    static final Setting<Integer> TRIES = Setting.integer("tries", "3").within(1, 10).unit("attempts");
    static final Setting<Boolean> LOOKUP = Setting.bool("lookup", "true");
    static final Setting<Colour> COLOUR = Setting.choice("colour", Colour.class, "red");
    static final Setting<String> NAME = Setting.text("name", null).absentMeans("the host's name")
            .require(s -> !s.contains(" "), "has a space");
    static final Setting<String> PREFIX = Setting.text("prefix", "gk:").blankAllowed();
    static final SettingKeys KEYS = SettingKeys.of(WAIT, TRIES, LOOKUP, COLOUR, NAME, PREFIX);

    @Test
    void defaultsAreReadFromTheirTextAndDocumentedAsWritten() {
        SettingMap d = KEYS.defaults();
        assertThat(d.get(WAIT)).isEqualTo(Duration.ofSeconds(2));
        assertThat(d.get(TRIES)).isEqualTo(3);
        assertThat(d.get(LOOKUP)).isTrue();
        assertThat(d.get(COLOUR)).isEqualTo(Colour.RED);
        assertThat(d.get(NAME)).isNull();
        assertThat(d.get(PREFIX)).isEqualTo("gk:");
        assertThat(KEYS.keys()).extracting(Setting::documentedDefault)
                .containsExactly("2s", "3 attempts", "true", "red", "the host's name", "gk:");
        assertThat(KEYS.names()).containsExactly("wait", "tries", "lookup", "colour", "name", "prefix");
        assertThat(d.isGiven(WAIT)).isFalse();
        assertThat(d).hasToString("wait=2s, tries=3, lookup=true, colour=red, name=none, prefix='gk:'");
    }

    @Test
    void readsTypedValuesTrimmedAndRemembersWhatWasGiven() {
        Map<String, String> text = new LinkedHashMap<>();
        text.put("wait", " 500ms ");
        text.put("colour", "Dark_Blue");
        text.put("name", "mx.example.org");
        text.put("prefix", "");
        SettingMap m = KEYS.read(text);
        assertThat(m.get(WAIT)).isEqualTo(Duration.ofMillis(500));
        assertThat(m.get(COLOUR)).isEqualTo(Colour.DARK_BLUE);
        assertThat(m.get(NAME)).isEqualTo("mx.example.org");
        assertThat(m.get(PREFIX)).isEmpty();
        assertThat(m.get(TRIES)).isEqualTo(3);
        assertThat(m.isGiven(WAIT)).isTrue();
        assertThat(m.isGiven(TRIES)).isFalse();
    }

    @Test
    void everyProblemNamesTheSettingAndTheValue() {
        assertThatThrownBy(() -> KEYS.read(Map.of("wiat", "1s", "zz", "1")))
                .hasMessage("unknown setting 'wiat' (known: wait, tries, lookup, colour, name, prefix)");
        assertThatThrownBy(() -> KEYS.read(Map.of("wait", "soon")))
                .hasMessage("wait: 'soon' is not a duration (500ms, 5s, 15m, 1h, 1d, PT5S)");
        assertThatThrownBy(() -> KEYS.read(Map.of("wait", "0s"))).hasMessage("wait: '0s' is not positive");
        assertThatThrownBy(() -> KEYS.read(Map.of("wait", "PT2M"))).hasMessage("wait: 'PT2M' is more than 1m");
        assertThatThrownBy(() -> KEYS.read(Map.of("tries", "11"))).hasMessage("tries: '11' is outside 1..10");
        assertThatThrownBy(() -> KEYS.read(Map.of("tries", "x"))).hasMessage("tries: 'x' is not a whole number");
        assertThatThrownBy(() -> KEYS.read(Map.of("lookup", "yes"))).hasMessage("lookup: 'yes' is neither true nor false");
        assertThatThrownBy(() -> KEYS.read(Map.of("colour", "green")))
                .hasMessage("colour: 'green' is not one of [red, dark_blue]");
        assertThatThrownBy(() -> KEYS.read(Map.of("name", "a b"))).hasMessage("name: 'a b' has a space");
        assertThatThrownBy(() -> KEYS.read(Map.of("tries", " "))).hasMessage("tries: no value");
    }

    @Test
    void prefixedNamesAreReadAndNamedWithTheirPrefix() {
        SettingMap m = KEYS.read(Map.of("x.tries", "5"), "x.");
        assertThat(m.get(TRIES)).isEqualTo(5);
        assertThatThrownBy(() -> KEYS.read(Map.of("x.tries", "50"), "x.")).hasMessage("x.tries: '50' is outside 1..10");
        assertThatThrownBy(() -> KEYS.read(Map.of("tries", "5"), "x."))
                .hasMessage("unknown setting 'tries' (known: x.wait, x.tries, x.lookup, x.colour, x.name, x.prefix)");
    }

    @Test
    void valuesGivenInCodeAreCheckedAndNamedUnquoted() {
        SettingMap d = KEYS.defaults();
        assertThat(d.with(TRIES, 10).get(TRIES)).isEqualTo(10);
        assertThatThrownBy(() -> d.with(TRIES, 0)).hasMessage("tries: 0 is outside 1..10");
        assertThatThrownBy(() -> d.with(WAIT, Duration.ofSeconds(-1))).hasMessage("wait: -1s is not positive");
        assertThatThrownBy(() -> d.with(Setting.integer("other", "1"), 1)).hasMessageContaining("'other' is not one of");
    }

    @Test
    void equalWhenEveryValueIsEqualGivenOrByDefault() {
        assertThat(KEYS.read(Map.of("tries", "3"))).isEqualTo(KEYS.defaults()).hasSameHashCodeAs(KEYS.defaults());
        assertThat(KEYS.read(Map.of("tries", "4"))).isNotEqualTo(KEYS.defaults());
    }

    @Test
    void aDefaultOutsideItsOwnBoundsIsAMistakeInTheCode() {
        assertThatThrownBy(() -> Setting.integer("n", "0").within(1, 2)).hasMessage("n: 0 is outside 1..2");
        assertThatThrownBy(() -> SettingKeys.of(TRIES, Setting.bool("tries", "true")))
                .hasMessage("setting 'tries' declared twice");
    }

    @Test
    void durationsAreWrittenInTheLargestWholeUnit() {
        assertThat(SettingValues.format(Duration.ofSeconds(60))).isEqualTo("1m");
        assertThat(SettingValues.format(Duration.ofHours(24))).isEqualTo("1d");
        assertThat(SettingValues.format(Duration.ofMillis(1500))).isEqualTo("1500ms");
        assertThat(SettingValues.format(Duration.ZERO)).isEqualTo("0s");
        assertThat(SettingValues.format(Duration.ofSeconds(-90))).isEqualTo("-90s");
        assertThat(SettingValues.format(Duration.ofNanos(10))).isEqualTo("PT0.00000001S");
    }
}
