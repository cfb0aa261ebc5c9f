package dev.gatekeeper.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The path the Gatekeeper jar takes: a hook compiled at test time, dropped into
 * extensions-jars/, named in smtpserver.xml's handlerchain with child elements,
 * loaded by James's ExtendedClassLoader and configured through init(Configuration).
 */
class ExtensionLoadingIT {
    private static final String HOOK_CLASS = "sandboxprobe.BlockingRcptHook";
    private static final String HOOK_SOURCE = String.join("\n",
        "package sandboxprobe;",
        "",
        "import org.apache.commons.configuration2.Configuration;",
        "import org.apache.commons.configuration2.ex.ConfigurationException;",
        "import org.apache.james.core.MailAddress;",
        "import org.apache.james.core.MaybeSender;",
        "import org.apache.james.protocols.smtp.SMTPSession;",
        "import org.apache.james.protocols.smtp.hook.HookResult;",
        "import org.apache.james.protocols.smtp.hook.HookReturnCode;",
        "import org.apache.james.protocols.smtp.hook.RcptHook;",
        "",
        "public class BlockingRcptHook implements RcptHook {",
        "    private String blocked;",
        "    private String code;",
        "    private String description;",
        "",
        "    @Override",
        "    public void init(Configuration config) throws ConfigurationException {",
        "        blocked = config.getString(\"blockedRecipient\");",
        "        code = config.getString(\"replyCode\", \"550\");",
        "        description = config.getString(\"description\");",
        "        if (blocked == null || description == null) {",
        "            throw new ConfigurationException(\"blockedRecipient and description are required\");",
        "        }",
        "    }",
        "",
        "    @Override",
        "    public HookResult doRcpt(SMTPSession session, MaybeSender sender, MailAddress rcpt) {",
        "        if (rcpt.asString().equalsIgnoreCase(blocked)) {",
        "            return HookResult.builder()",
        "                .hookReturnCode(HookReturnCode.deny())",
        "                .smtpReturnCode(code)",
        "                .smtpDescription(description)",
        "                .build();",
        "        }",
        "        return HookResult.DECLINED;",
        "    }",
        "}");
    private static final InetAddress OUTSIDE = JamesSandbox.loopback("127.0.0.2");

    private static JamesSandbox james;
    private static Path jar;

    @BeforeAll
    static void boot() throws Exception {
        Path work = SandboxDirs.forTest(ExtensionLoadingIT.class);
        Path build = work.resolveSibling(work.getFileName() + "-build");
        TestFiles.deleteTree(build);
        jar = ExtensionJar.build(Files.createDirectories(build), "sandbox-probe.jar", HOOK_CLASS, HOOK_SOURCE);
        james = JamesSandbox.builder()
            .workDir(work)
            .user("alice@gatekeeper.test", "alice-secret")
            .user("blocked@gatekeeper.test", "blocked-secret")
            .extensionJar(jar)
            .smtpHandler("<handler class=\"" + HOOK_CLASS + "\">"
                + "<blockedRecipient>blocked@gatekeeper.test</blockedRecipient>"
                + "<replyCode>550</replyCode>"
                + "<description>5.7.1 Recipient refused by the sandbox probe</description>"
                + "</handler>")
            .start();
    }

    @AfterAll
    static void stop() {
        if (james != null) {
            james.close();
        }
    }

    @Test
    void jamesLoadsTheJarFromExtensionsJars() {
        assertThat(james.log()).contains("Loading custom classpath resource "
            + james.workDir().resolve("extensions-jars/sandbox-probe.jar"));
    }

    @Test
    void theHookAnswersWithItsOwnCodeAndDescription() {
        try (SmtpClient smtp = james.smtpClientFrom(OUTSIDE)) {
            smtp.ehlo("client.example");
            smtp.mailFrom("sender@remote.example");

            ServerReply refused = smtp.rcptTo("blocked@gatekeeper.test");

            // James writes "<smtpReturnCode> <smtpDescription>": the enhanced code is
            // simply the first word of the description.
            assertThat(refused.rawLines()).containsExactly("550 5.7.1 Recipient refused by the sandbox probe");
        }
    }

    @Test
    void aDeclinedRecipientGoesOnToJamesOwnChecks() {
        try (SmtpClient smtp = james.smtpClientFrom(OUTSIDE)) {
            smtp.ehlo("client.example");
            smtp.mailFrom("sender@remote.example");

            assertThat(smtp.rcptTo("alice@gatekeeper.test").lastLine())
                .isEqualTo("250 2.1.5 Recipient <alice@gatekeeper.test> OK");
            assertThat(smtp.rcptTo("someone@elsewhere.example").lastLine())
                .isEqualTo("530 5.7.1 Authentication Required");
        }
    }
}
