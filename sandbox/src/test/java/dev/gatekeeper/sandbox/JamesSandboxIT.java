package dev.gatekeeper.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Plain James 3.8.1 with the repository's conf/: what a client sees before any
 * Gatekeeper plugin is installed. The replies asserted here are James's own.
 */
class JamesSandboxIT {
    private static final String ALICE = "alice@gatekeeper.test";
    private static final String BOB = "bob@gatekeeper.test";
    private static final String PASSWORD = "alice-secret";
    /** Outside authorizedAddresses (127.0.0.1/32 in conf/smtpserver.xml). */
    private static final InetAddress OUTSIDE = JamesSandbox.loopback("127.0.0.2");

    private static JamesSandbox james;

    @BeforeAll
    static void boot() throws Exception {
        james = JamesSandbox.builder()
            .workDir(SandboxDirs.forTest(JamesSandboxIT.class))
            .user(ALICE, PASSWORD)
            .user(BOB, "bob-secret")
            .start();
        System.out.printf("James booted in %d ms, resident memory %s KiB, pid %d%n",
            james.bootTime().toMillis(), james.residentMemoryKiB(), james.pid());
    }

    @AfterAll
    static void stop() {
        if (james != null) {
            james.close();
        }
    }

    @Test
    void greetsWithTheConfiguredBannerAndOffersAuthToOutsideClients() {
        try (SmtpClient smtp = james.smtpClientFrom(OUTSIDE)) {
            assertThat(smtp.greeting().lastLine()).isEqualTo("220 mx.gatekeeper.test ESMTP Apache James with Gatekeeper");

            ServerReply ehlo = smtp.ehlo("client.example");

            // James 3.8.1 really ends its EHLO line with "])".
            assertThat(ehlo.rawLines()).containsExactly(
                "250-mx.gatekeeper.test Hello client.example [127.0.0.2])",
                "250-AUTH LOGIN PLAIN",
                "250-AUTH=LOGIN PLAIN",
                "250-PIPELINING",
                "250-ENHANCEDSTATUSCODES",
                "250 8BITMIME");
            smtp.quit();
        }
    }

    @Test
    void deliversMailForALocalUserIntoHisInbox() throws Exception {
        long before = james.inboxMessageCount(BOB);
        try (SmtpClient smtp = james.smtpClientFrom(OUTSIDE)) {
            smtp.ehlo("client.example");
            assertThat(smtp.mailFrom("sender@remote.example").lastLine())
                .isEqualTo("250 2.1.0 Sender <sender@remote.example> OK");
            assertThat(smtp.rcptTo(BOB).lastLine()).isEqualTo("250 2.1.5 Recipient <bob@gatekeeper.test> OK");
            ServerReply queued = smtp.data("From: sender@remote.example\r\nTo: " + BOB
                + "\r\nSubject: sandbox delivery\r\n\r\nHello Bob.\r\n.leading dot\r\n");
            assertThat(queued.lastLine()).isEqualTo("250 2.6.0 Message received");
            assertThat(smtp.quit().lastLine()).isEqualTo("221 2.0.0 mx.gatekeeper.test Service closing transmission channel");
        }

        james.awaitInboxMessageCount(BOB, before + 1, Duration.ofSeconds(30));
        // WebAdmin may count the message a moment before IMAP lists it.
        List<String> inbox = james.readInbox(BOB, "bob-secret", (int) before + 1, Duration.ofSeconds(30));

        assertThat(inbox).hasSize((int) before + 1);
        assertThat(inbox.get(inbox.size() - 1))
            .contains("Subject: sandbox delivery")
            .contains("Hello Bob.\r\n.leading dot")
            .contains("Delivered-To: bob@gatekeeper.test");
    }

    @Test
    void deletesAUsersMailboxesAndMakesAnEmptyInboxAgain() throws Exception {
        james.createInbox(ALICE);
        // There already: still done, not an error.
        james.createInbox(ALICE);
        assertThat(james.mailboxListing(ALICE)).startsWith("HTTP 200 ").contains("INBOX");

        james.deleteMailboxes(ALICE);
        assertThat(james.mailboxListing(ALICE)).startsWith("HTTP 200 ").doesNotContain("INBOX");
        assertThat(james.inboxMessageCount(ALICE)).isZero();

        james.createInbox(ALICE);
        assertThat(james.mailboxListing(ALICE)).contains("INBOX");
        assertThat(james.inboxMessageCount(ALICE)).isZero();
    }

    @Test
    void refusesToRelayForAnUnauthenticatedOutsideClient() {
        try (SmtpClient smtp = james.smtpClientFrom(OUTSIDE)) {
            smtp.ehlo("client.example");
            smtp.mailFrom("sender@remote.example");

            assertThat(smtp.rcptTo("someone@elsewhere.example").lastLine())
                .isEqualTo("530 5.7.1 Authentication Required");
        }
    }

    @Test
    void refusesAnUnknownLocalRecipient() {
        try (SmtpClient smtp = james.smtpClientFrom(OUTSIDE)) {
            smtp.ehlo("client.example");
            smtp.mailFrom("sender@remote.example");

            assertThat(smtp.rcptTo("nobody@gatekeeper.test").lastLine())
                .isEqualTo("550 5.1.1 Unknown user: nobody@gatekeeper.test");
        }
    }

    @Test
    void acceptsARelayRecipientFromAnAuthenticatedUser() {
        try (SmtpClient smtp = james.smtpClientFrom(OUTSIDE)) {
            smtp.ehlo("client.example");
            assertThat(smtp.authPlain(ALICE, PASSWORD).lastLine()).isEqualTo("235 Authentication Successful");
            smtp.mailFrom(ALICE);

            assertThat(smtp.rcptTo("someone@elsewhere.example").lastLine())
                .isEqualTo("250 2.1.5 Recipient <someone@elsewhere.example> OK");
            smtp.rset();
        }
    }

    @Test
    void refusesAWrongPassword() {
        try (SmtpClient smtp = james.smtpClientFrom(OUTSIDE)) {
            smtp.ehlo("client.example");

            assertThat(smtp.authPlain(ALICE, "wrong").lastLine()).isEqualTo("535 Authentication Failed");
        }
    }

    @Test
    void acceptsARelayRecipientFromAnAuthorizedAddressWithoutAuth() {
        try (SmtpClient smtp = james.smtpClient()) {
            ServerReply ehlo = smtp.ehlo("client.example");
            assertThat(ehlo.text()).doesNotContain("AUTH");
            smtp.mailFrom("sender@remote.example");

            assertThat(smtp.rcptTo("someone@elsewhere.example").lastLine())
                .isEqualTo("250 2.1.5 Recipient <someone@elsewhere.example> OK");
            smtp.rset();
        }
    }

    @Test
    void listensOnLoopbackOnly() {
        assertThat(james.smtpAddress().getAddress().isLoopbackAddress()).isTrue();
        assertThat(james.log())
            .contains("SMTP Service bound to: localhost:" + james.smtpAddress().getPort())
            .doesNotContain("POP3 Service bound")
            .doesNotContain("JMX server started");
    }
}
