package dev.gatekeeper.dns;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A settings table of a README (Markdown): its first column names the settings in backticks (two
 * on one row as {@code `a` / `b`}), its second gives their defaults ({@code 10 / 10 names}). Tests
 * compare it with the keys, so that what the README says is what the code does. Shared with the
 * other modules' tests through the test-jar.
 */
public final class SettingsTable {

    private static final Pattern NAME = Pattern.compile("`([^`]+)`");

    /** Each name the table lists, in its order, with the text of its default cell (backticks removed). */
    private final Map<String, String> defaults;

    private SettingsTable(Map<String, String> defaults) {
        this.defaults = defaults;
    }

    /**
     * The table whose header line contains {@code header}, e.g. {@code "setting (`ResolverSettings`)"}.
     *
     * @throws AssertionError when there is no such table
     */
    public static SettingsTable of(String markdown, String header) {
        List<String> lines = markdown.lines().collect(java.util.stream.Collectors.toList());
        int at = -1;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith("|") && lines.get(i).contains(header)) {
                at = i;
                break;
            }
        }
        assertThat(at).as("a table whose header has " + header).isNotNegative();
        Map<String, String> defaults = new LinkedHashMap<>();
        for (int i = at + 2; i < lines.size() && lines.get(i).startsWith("|"); i++) {
            String[] cells = lines.get(i).split("(?<!\\\\)\\|");
            List<String> names = new ArrayList<>();
            Matcher m = NAME.matcher(cells[1]);
            while (m.find()) {
                names.add(m.group(1));
            }
            String[] values = cells[2].replace("`", "").strip().split(" / ", names.size());
            for (int n = 0; n < names.size(); n++) {
                defaults.put(names.get(n), n < values.length ? values[n].strip() : "");
            }
        }
        return new SettingsTable(defaults);
    }

    /** The first table whose header line contains {@code header} after the line {@code heading} ({@code ### `SpfCheck`}). */
    public static SettingsTable under(String markdown, String heading, String header) {
        int at = markdown.indexOf("\n" + heading + "\n");
        assertThat(at).as("a section " + heading).isNotNegative();
        return of(markdown.substring(at), header);
    }

    /** The names the table lists, in its order. */
    public List<String> names() {
        return List.copyOf(defaults.keySet());
    }

    /** The default cell of a name, backticks removed; null when the table does not list it. */
    public String defaultOf(String name) {
        return defaults.get(name);
    }

    /** Asserts that the table lists exactly these keys, in their order, each with its default. */
    public void assertDocuments(SettingKeys keys) {
        assertThat(names()).as("the settings the table lists").containsExactlyElementsOf(keys.names());
        assertDefaults(keys.keys(), Setting::name);
    }

    /** Asserts that the table gives each key's default; {@code shown} is how the table writes a key's name. */
    public void assertDefaults(List<Setting<?>> keys, Function<Setting<?>, String> shown) {
        for (Setting<?> k : keys) {
            assertThat(defaultOf(shown.apply(k))).as("the default of " + shown.apply(k))
                    .isNotNull().startsWith(k.documentedDefault());
        }
    }
}
