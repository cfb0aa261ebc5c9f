package dev.gatekeeper.policy;

import static java.util.Map.entry;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
    void everyConditionElementIsDocumented() throws IOException {
        String readme = readme();
        for (String element : new String[] {"client-address", "client-name", "helo", "sender", "recipient", "authenticated",
                "relay-allowed", "my-networks", "authorized-destination", "local-destination", "recipient-count", "rate", "spf", "callout",
                "all-of", "any-of", "not", "condition"}) {
            assertThat(readme).as(element).contains("`<" + element + ">`");
        }
        for (String attribute : new String[] {"hostname", "addresses", "delay-reject", "warn-only", "soft-bounce", "table-check-seconds"}) {
            assertThat(readme).as(attribute).contains("| `" + attribute + "` |");
        }
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
            entry("<recipient-count>", "<recipient-count above=\"1\"/>"));

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
        String body = "<stage name=\"" + stage.keyword() + "\"><rule action=\"reject\">" + sample + "</rule></stage>";
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
                    assertThatThrownBy(() -> Policies.config(dir, attrs, body)).as(where)
                            .hasMessageStartingWith("policy.xml:4: <" + tag + ">: not known at the " + stage.keyword() + " stage");
                }
                break;
            default:
                fail("cell '" + cell + "' of " + where + " is not yes, at RCPT or no");
        }
    }
}
