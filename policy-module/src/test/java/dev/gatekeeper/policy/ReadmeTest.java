package dev.gatekeeper.policy;

import static java.util.Map.entry;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Keeps README-policy.md's reference in step with the code. */
class ReadmeTest {

    @TempDir
    Path dir;

    private static String readme() throws IOException {
        return Files.readString(Path.of("README-policy.md"));
    }

    @Test
    void everyReasonIsListedWithItsDefaultReply() throws IOException {
        String readme = readme();
        for (Reason r : Reason.values()) {
            assertThat(readme).as(r.keyword()).contains("| `" + r.keyword() + "` | `" + r.defaultReply().replace("|", "\\|") + "` |");
        }
    }

    @Test
    void everyPolicyAttributeIsDocumented() throws IOException {
        String readme = readme();
        for (String attribute : new String[] {"hostname", "addresses", "delay-reject", "warn-only", "soft-bounce", "table-check-seconds"}) {
            assertThat(readme).as(attribute).contains("| `" + attribute + "` |");
        }
    }

    /**
     * The reference's table of conditions names exactly the elements of the vocabulary, and each
     * with every attribute its type takes.
     */
    @Test
    void theConditionsTableIsTheVocabulary() throws IOException {
        List<String[]> rows = table("| element | attributes | stages |");
        Map<String, String> documented = new LinkedHashMap<>();
        for (String[] row : rows) {
            for (String element : backticked(row[0], "<([a-z-]+)>")) {
                assertThat(documented.put(element, row[1])).as("<" + element + "> documented once").isNull();
            }
        }
        assertThat(documented.keySet()).containsExactlyInAnyOrderElementsOf(
                Vocabulary.CONDITIONS.stream().map(ConditionType::name).collect(Collectors.toList()));
        for (ConditionType type : Vocabulary.CONDITIONS) {
            assertThat(backticked(documented.get(type.name()), "([a-z0-9-]+)")).as(type + "'s attributes")
                    .containsAll(type.attributes());
        }
    }

    /**
     * The rule's {@code action} row names exactly the actions a rule may name, in the reader's
     * order; every action attribute has its row, which names exactly the actions that take it.
     */
    @Test
    void theRuleTableIsTheVocabularysActions() throws IOException {
        List<String[]> rows = table("| attribute | default | meaning |", "| `action` |");
        List<String> names = Vocabulary.ruleActionNames();
        String[] action = rows.stream().filter(r -> r[0].equals("`action`")).findFirst().orElseThrow();
        assertThat(backticked(action[2].substring(0, action[2].indexOf(';')), "([a-z]+)")).containsExactlyElementsOf(names);
        List<String> rowsFor = new ArrayList<>();
        for (String[] row : rows) {
            for (String attribute : backticked(row[0], "([a-z]+)")) {
                if (!ActionType.RULE_ATTRIBUTES.contains(attribute)) {
                    continue;
                }
                rowsFor.add(attribute);
                List<String> taking = Vocabulary.ACTIONS.stream().filter(t -> t.inRules() && t.attributes().contains(attribute))
                        .map(ActionType::name).collect(Collectors.toList());
                List<String> said = backticked(row[2], "([a-z]+)").stream().filter(names::contains).distinct()
                        .collect(Collectors.toList());
                assertThat(said).as("the actions the row of " + attribute + " names").containsExactlyInAnyOrderElementsOf(taking);
            }
        }
        assertThat(rowsFor).containsExactlyInAnyOrderElementsOf(ActionType.RULE_ATTRIBUTES);
    }

    /** The sentence listing a table entry's actions names exactly the access(5) words the reader knows. */
    @Test
    void theTableActionsAreTheVocabularysWords() throws IOException {
        String text = String.join(" ", readme().lines().collect(Collectors.toList()));
        int start = text.indexOf("Actions, as in Postfix's access(5):");
        assertThat(start).as("the sentence").isPositive();
        String sentence = text.substring(start, text.indexOf("or nothing", start));
        List<String> documented = backticked(sentence, "([A-Z]+)(?: [^`]*)?");
        List<String> known = Vocabulary.ACTIONS.stream().flatMap(t -> t.tableWords().stream()).collect(Collectors.toList());
        assertThat(documented).containsExactlyInAnyOrderElementsOf(known);
    }

    /** The rows of the README table whose header is {@code header} (the first such table holding {@code row}), cut into cells. */
    private static List<String[]> table(String header, String... row) throws IOException {
        List<String> lines = readme().lines().collect(Collectors.toList());
        for (int h = lines.indexOf(header); h >= 0; h = indexOf(lines, header, h + 1)) {
            List<String[]> rows = new ArrayList<>();
            boolean holds = row.length == 0;
            for (int i = h + 2; i < lines.size() && lines.get(i).startsWith("|"); i++) {
                String line = lines.get(i);
                holds |= row.length > 0 && line.startsWith(row[0]);
                String[] cells = line.substring(2, line.length() - 2).split(" \\| ");
                assertThat(cells).as(line).hasSize(header.split(" \\| ").length);
                rows.add(cells);
            }
            if (holds) {
                return rows;
            }
        }
        return fail("no table " + header + " holding " + String.join("", row));
    }

    private static int indexOf(List<String> lines, String line, int from) {
        for (int i = from; i < lines.size(); i++) {
            if (lines.get(i).equals(line)) {
                return i;
            }
        }
        return -1;
    }

    /** What stands between backticks in {@code text} and matches {@code form}: its first group. */
    private static List<String> backticked(String text, String form) {
        List<String> out = new ArrayList<>();
        Matcher m = Pattern.compile("`" + form + "`").matcher(text);
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    /** One element of each kind the table of what is known where names, written so that it loads. */
    private static final Map<String, String> SAMPLES = Map.ofEntries(
            entry("<client-address>", "<client-address cidr=\"192.0.2.1\"/>"),
            entry("<client-name>", "<client-name unknown=\"true\"/>"),
            entry("<my-networks>", "<my-networks/>"),
            entry("<relay-allowed>", "<relay-allowed/>"),
            entry("<helo>", "<helo domain=\"a.example\"/>"),
            entry("<spf identity=\"helo\">", "<spf identity=\"helo\" result=\"fail\"/>"),
            entry("<authenticated>", "<authenticated/>"),
            entry("<sender>", "<sender domain=\"a.example\"/>"),
            entry("<spf>", "<spf result=\"fail\"/>"),
            entry("<callout>", "<callout outcome=\"rejected\"/>"),
            entry("<recipient>", "<recipient domain=\"a.example\"/>"),
            entry("<callout address=\"recipient\">", "<callout address=\"recipient\" outcome=\"rejected\"/>"),
            entry("<authorized-destination>", "<authorized-destination/>"),
            entry("<local-destination>", "<local-destination/>"),
            entry("<recipient-count>", "<recipient-count above=\"1\"/>"),
            entry("<dkim>", "<dkim result=\"fail\"/>"),
            entry("<dmarc>", "<dmarc result=\"fail\"/>"),
            entry("<arc>", "<arc result=\"fail\"/>"),
            entry("<dnsbl list=\"ip-list\">", "<dnsbl list=\"ip-list\"/>"),
            entry("<dnsbl list=\"helo-list\">", "<dnsbl list=\"helo-list\"/>"),
            entry("<dnsbl list=\"sender-list\">", "<dnsbl list=\"sender-list\"/>"),
            entry("<dnsbl-score>", "<dnsbl-score above=\"1\"/>"),
            entry("<greylist>", "<greylist/>"));

    /** The lists the samples of {@code <dnsbl>} and {@code <dnsbl-score>} read, one per kind of subject. */
    private static final String LISTS = "<dnsbl name=\"ip-list\" zone=\"ip.example\"/>"
            + "<dnsbl name=\"helo-list\" zone=\"helo.example\" subjects=\"helo\"/>"
            + "<dnsbl name=\"sender-list\" zone=\"sender.example\" subjects=\"sender-domain\"/>";

    /**
     * The table of what is known where, cell by cell: "yes" loads either way, "at RCPT" only with
     * delayed rejection (and is refused without it, naming the stage), "no" is refused either way.
     */
    @Test
    void theTableOfWhatIsKnownWhereIsWhatTheLoaderDoes() throws IOException {
        List<String> lines = readme().lines().collect(java.util.stream.Collectors.toList());
        int header = lines.indexOf("| condition | what it reads | connect | helo | mail | rcpt | data |");
        assertThat(header).as("the table's header").isPositive();
        List<String> documented = new ArrayList<>();
        Pattern element = Pattern.compile("`(<[^`]+>)`");
        for (int i = header + 2; i < lines.size() && lines.get(i).startsWith("|"); i++) {
            String[] cells = lines.get(i).substring(1).split(" \\| ");
            assertThat(cells).as(lines.get(i)).hasSize(7);
            Matcher m = element.matcher(cells[0]);
            while (m.find()) {
                String sample = SAMPLES.get(m.group(1));
                if (sample == null) {
                    fail("no sample for " + m.group(1));
                }
                documented.add(m.group(1));
                for (Stage stage : Stage.values()) {
                    check(sample, stage, cells[2 + stage.ordinal()].replace("|", "").strip());
                }
            }
        }
        assertThat(documented).containsExactlyInAnyOrderElementsOf(SAMPLES.keySet());
    }

    private void check(String sample, Stage stage, String cell) {
        String tag = sample.substring(1, sample.matches("<[a-z-]+ .*") ? sample.indexOf(' ') : sample.indexOf('/'));
        String body = LISTS + "<stage name=\"" + stage.keyword() + "\"><rule action=\"reject\">" + sample + "</rule></stage>";
        String where = sample + " at " + stage.keyword();
        switch (cell) {
            case "yes":
                assertThat(Policies.config(dir, "", body).rules(stage)).as(where).hasSize(1);
                assertThat(Policies.config(dir, "delay-reject=\"false\"", body).rules(stage)).as(where).hasSize(1);
                break;
            case "at RCPT":
                assertThat(Policies.config(dir, "", body).rules(stage)).as(where).hasSize(1);
                assertThatThrownBy(() -> Policies.config(dir, "delay-reject=\"false\"", body)).as(where)
                        .hasMessageStartingWith("policy.xml:4: <" + tag + ">: not known yet at the " + stage.keyword() + " stage");
                break;
            case "no":
                for (String attrs : List.of("", "delay-reject=\"false\"")) {
                    // "not known yet" before the data comes, "not known" after it has gone.
                    assertThatThrownBy(() -> Policies.config(dir, attrs, body)).as(where)
                            .hasMessageMatching("policy\\.xml:4: <" + tag + ">: not known (yet )?at the " + stage.keyword() + " stage.*");
                }
                break;
            default:
                fail("cell '" + cell + "' of " + where + " is not yes, at RCPT or no");
        }
    }
}
