package dev.gatekeeper.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatekeeper.dkim.Rfc8463Example;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code message}: stored messages judged as the end of DATA would, keys and records from a zone file. */
class MessageCommandTest {

    @TempDir
    Path dir;

    private Path zone;
    private Path signed;
    private Path forged;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @BeforeEach
    void files() throws Exception {
        zone = Files.writeString(dir.resolve("football.zone"), String.join("\n",
                Rfc8463Example.ED25519_KEY_NAME + ". 300 IN TXT \"" + Rfc8463Example.ED25519_RECORD + "\"",
                Rfc8463Example.RSA_KEY_NAME + ". 300 IN TXT \"" + Rfc8463Example.RSA_RECORD + "\"",
                "_dmarc.football.example.com. 300 IN TXT \"v=DMARC1; p=reject\"",
                "football.example.com. 300 IN TXT \"v=spf1 ip4:192.0.2.0/24 -all\"", ""));
        signed = Files.write(dir.resolve("signed.eml"), Rfc8463Example.bytes(Rfc8463Example.MESSAGE));
        forged = Files.write(dir.resolve("forged.eml"), Rfc8463Example.bytes(Rfc8463Example.MESSAGE.replace("We lost", "We won")));
    }

    private int run(String... args) {
        List<String> all = new ArrayList<>(List.of("message", "--zone", zone.toString()));
        all.addAll(List.of(args));
        return Main.run(all, new ByteArrayInputStream(Rfc8463Example.bytes(Rfc8463Example.MESSAGE)),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void printsTheOneFieldTheHookWouldAdd() {
        assertThat(run("--ip", "192.0.2.7", "--helo", "mail.football.example.com", "--sender", "joe@football.example.com",
                "--authserv-id", "mx.example.net", signed.toString())).isZero();
        String field = out.toString(StandardCharsets.UTF_8);
        assertThat(field).startsWith("Authentication-Results: mx.example.net; spf=pass smtp.mailfrom=joe@football.example.com;\n"
                + "\tdkim=pass header.d=football.example.com header.s=brisbane header.b=");
        assertThat(field).contains(";\n\tdkim=pass header.d=football.example.com header.s=test header.b=",
                ";\n\tarc=none;\n\tdmarc=pass (p=reject dis=none) header.from=football.example.com\n");
        assertThat(err.toString(StandardCharsets.UTF_8)).isEmpty();
    }

    @Test
    void severalFilesAndStandardInputGiveOneBlockEach() {
        assertThat(run("--ip", "198.51.100.9", "--helo", "relay.example", "--sender", "joe@football.example.com",
                signed.toString(), forged.toString(), "-", dir.resolve("missing.eml").toString())).isZero();
        String text = out.toString(StandardCharsets.UTF_8);
        assertThat(text).contains("==> " + signed + " <==\nAuthentication-Results: localhost; spf=fail");
        assertThat(text.substring(text.indexOf("==> " + forged))).contains("dkim=fail")
                .contains("dmarc=fail (p=reject dis=reject) header.from=football.example.com");
        assertThat(text.substring(text.indexOf("==> - <=="))).contains("dkim=pass header.d=football.example.com");
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("missing.eml");
    }

    @Test
    void withAPolicyTheTransactionIsReplayedAndDataSeesTheMessage() throws Exception {
        Path policy = Files.writeString(dir.resolve("policy.xml"), String.join("\n",
                "<policy hostname=\"mx.example.net\">",
                "  <relay><local-domains>shopping.example.net</local-domains></relay>",
                "  <stage name=\"data\">",
                "    <rule name=\"dmarc-reject\" action=\"reject\" reason=\"dmarc-reject\"><dmarc result=\"fail\" policy=\"reject\"/></rule>",
                "  </stage>",
                "</policy>", ""));
        // From outside the domain's SPF: only the (broken) signatures could have aligned.
        assertThat(run("--ip", "198.51.100.9", "--helo", "mail.football.example.com", "--sender", "joe@football.example.com",
                "--policy", policy.toString(), "--rcpt", "suzie@shopping.example.net", forged.toString())).isZero();
        String text = out.toString(StandardCharsets.UTF_8);
        assertThat(text).startsWith("Authentication-Results: mx.example.net; spf=fail");
        assertThat(text).contains("\nrcpt 250 2.1.5 Ok\n",
                "\ndata 550 5.7.26 Unauthenticated mail from football.example.com is refused by its domain's DMARC policy\n");
    }

    @Test
    void withoutAMessageItSaysWhat() {
        assertThat(run("--ip", "192.0.2.7", "--helo", "h.example", "--sender", "a@b.example")).isEqualTo(Main.EXIT_USAGE);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("gatekeeper message: no message: give FILE... or - for standard input");
    }
}
