package dev.gatekeeper.callout;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatekeeper.dns.AddressRecord;
import dev.gatekeeper.dns.MxRecord;
import dev.gatekeeper.dns.RecordType;
import dev.gatekeeper.dns.ZoneResolver;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Verifications against scripted peers on 127.0.0.x that behave the way real MTAs do. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CalloutVerifierTest {

    private final List<AutoCloseable> resources = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : resources) {
            c.close();
        }
    }

    /** example.test has one MX, mx.example.test, on the peer's address. */
    static ZoneResolver.Builder zoneFor(ScriptedPeer peer) {
        return ZoneResolver.builder()
                .add("example.test", MxRecord.of(10, "mx.example.test"))
                .add("mx.example.test", AddressRecord.of(peer.address()));
    }

    static CalloutSettings.Builder settingsFor(ScriptedPeer peer) {
        return CalloutSettings.builder()
                .port(peer.port())
                .allowPrivateTargets(true)
                .heloName("verifier.test")
                .keepTranscript(true)
                .connectTimeout(Duration.ofSeconds(5))
                .commandTimeout(Duration.ofSeconds(5))
                .overallTimeout(Duration.ofSeconds(20));
    }

    private ScriptedPeer peer(ScriptedPeer.Builder b) throws Exception {
        ScriptedPeer p = b.start();
        resources.add(p);
        return p;
    }

    private CalloutVerdict verify(ScriptedPeer peer, CalloutSettings.Builder settings, String address) {
        return verify(settings.build(), zoneFor(peer).build(), address);
    }

    private CalloutVerdict verify(CalloutSettings settings, ZoneResolver zone, String address) {
        CalloutVerifier v = CalloutVerifier.builder(settings, zone).random(new Random(1)).build();
        resources.add(v);
        return v.verify(address, ip("192.0.2.99")).toCompletableFuture().join();
    }

    @Test
    void acceptedRecipient() throws Exception {
        ScriptedPeer peer = peer(ScriptedPeer.on("127.0.0.2"));
        CalloutVerdict o = verify(peer, settingsFor(peer), "alice@example.test");
        assertThat(o.status()).isEqualTo(CalloutResult.ACCEPTED);
        assertThat(o.replyCode()).isEqualTo(250);
        assertThat(o.enhancedCode()).isEqualTo("2.1.5");
        assertThat(o.host()).isEqualTo("mx.example.test [127.0.0.2]");
        assertThat(peer.commands()).containsExactly("EHLO verifier.test", "MAIL FROM:<>", "RCPT TO:<alice@example.test>",
                "RSET", "QUIT");
        assertThat(o.transcript()).contains("C: RCPT TO:<alice@example.test>", "S: 250 2.1.5 recipient ok");
    }

    @Test
    void rejectedRecipientKeepsCodeEnhancedCodeTextAndHost() throws Exception {
        ScriptedPeer peer = peer(ScriptedPeer.on("127.0.0.2")
                .reply("RCPT TO:<nobody@", "550-5.1.1 The email account that you tried to reach does not exist.",
                        "550 5.1.1 Please try double-checking the recipient's address."));
        CalloutVerdict o = verify(peer, settingsFor(peer), "nobody@example.test");
        assertThat(o.status()).isEqualTo(CalloutResult.REJECTED);
        assertThat(o.replyCode()).isEqualTo(550);
        assertThat(o.enhancedCode()).isEqualTo("5.1.1");
        assertThat(o.replyText()).isEqualTo("The email account that you tried to reach does not exist."
                + " Please try double-checking the recipient's address.");
        assertThat(o.host()).isEqualTo("mx.example.test [127.0.0.2]");
        assertThat(o.toString()).startsWith("rejected 550 5.1.1 \"The email account");
    }

    @Test
    void greylistingOnRcptIsTempfail() throws Exception {
        ScriptedPeer peer = peer(ScriptedPeer.on("127.0.0.2")
                .reply("RCPT TO:", "451 4.7.1 Greylisted, please try again in 300 seconds"));
        CalloutVerdict o = verify(peer, settingsFor(peer), "alice@example.test");
        assertThat(o.status()).isEqualTo(CalloutResult.TEMPFAIL);
        assertThat(o.replyCode()).isEqualTo(451);
        assertThat(o.reason()).isEqualTo("RCPT TO answered 451 4.7.1 Greylisted, please try again in 300 seconds");
    }

    @Test
    void greeting421IsTempfailAndTheNextMxIsTried() throws Exception {
        ScriptedPeer busy = peer(ScriptedPeer.on("127.0.0.2").greeting("421 4.3.2 too busy, come back later"));
        ScriptedPeer backup = peer(ScriptedPeer.on("127.0.0.3").port(busy.port()));
        ZoneResolver zone = ZoneResolver.builder()
                .add("example.test", MxRecord.of(10, "mx1.example.test"))
                .add("example.test", MxRecord.of(20, "mx2.example.test"))
                .add("mx1.example.test", AddressRecord.of(busy.address()))
                .add("mx2.example.test", AddressRecord.of(backup.address()))
                .build();
        CalloutVerdict o = verify(settingsFor(busy).build(), zone, "alice@example.test");
        assertThat(o.status()).isEqualTo(CalloutResult.ACCEPTED);
        assertThat(o.host()).isEqualTo("mx2.example.test [127.0.0.3]");
        assertThat(busy.connections()).isEqualTo(1);

        CalloutVerdict alone = verify(settingsFor(busy).build(), zoneFor(busy).build(), "alice@example.test");
        assertThat(alone.status()).isEqualTo(CalloutResult.TEMPFAIL);
        assertThat(alone.reason()).isEqualTo("mx.example.test [127.0.0.2] greeted with 421 4.3.2 too busy, come back later");
    }

    @Test
    void greeting554OnEveryHostIsProbeRefused() throws Exception {
        ScriptedPeer peer = peer(ScriptedPeer.on("127.0.0.2")
                .greeting("554-5.7.1 mx.example.test does not talk to you", "554 5.7.1 see https://example.test/policy"));
        CalloutVerdict o = verify(peer, settingsFor(peer), "alice@example.test");
        assertThat(o.status()).isEqualTo(CalloutResult.PROBE_REFUSED);
        assertThat(o.replyCode()).isEqualTo(554);
        assertThat(o.enhancedCode()).isEqualTo("5.7.1");
        assertThat(o.reason()).startsWith("mx.example.test [127.0.0.2] greeted with 554 5.7.1");
        assertThat(peer.commands()).containsExactly("QUIT");
    }

    @Test
    void ehloRefusedButHeloFine() throws Exception {
        ScriptedPeer peer = peer(ScriptedPeer.on("127.0.0.2").reply("EHLO", "502 5.5.2 Error: command not recognized"));
        CalloutVerdict o = verify(peer, settingsFor(peer), "alice@example.test");
        assertThat(o.status()).isEqualTo(CalloutResult.ACCEPTED);
        assertThat(peer.commands()).startsWith("EHLO verifier.test", "HELO verifier.test", "MAIL FROM:<>");
    }

    @Test
    void heloRefusedToIsProbeRefused() throws Exception {
        ScriptedPeer peer = peer(ScriptedPeer.on("127.0.0.2")
                .reply("EHLO", "550 5.7.1 go away")
                .reply("HELO", "550 5.7.1 go away"));
        CalloutVerdict o = verify(peer, settingsFor(peer), "alice@example.test");
        assertThat(o.status()).isEqualTo(CalloutResult.PROBE_REFUSED);
        assertThat(o.reason()).isEqualTo("HELO refused");
        assertThat(peer.commands("RCPT")).isEmpty();
    }

    @Test
    void nullSenderRefusedIsProbeRefusedNotRejected() throws Exception {
        ScriptedPeer peer = peer(ScriptedPeer.on("127.0.0.2")
                .reply("MAIL FROM:<>", "553 5.1.7 the null sender is not welcome here"));
        CalloutVerdict o = verify(peer, settingsFor(peer), "alice@example.test");
        assertThat(o.status()).isEqualTo(CalloutResult.PROBE_REFUSED);
        assertThat(o.replyCode()).isEqualTo(553);
        assertThat(o.reason()).isEqualTo("MAIL FROM:<> refused");
        assertThat(peer.commands("RCPT")).isEmpty();
    }

    @Test
    void configuredSenderIsUsed() throws Exception {
        ScriptedPeer peer = peer(ScriptedPeer.on("127.0.0.2"));
        verify(peer, settingsFor(peer).mailFrom("verify@gatekeeper.test"), "alice@example.test");
        assertThat(peer.commands("MAIL")).containsExactly("MAIL FROM:<verify@gatekeeper.test>");
    }

    @Test
    void startTlsWhenOfferedWithASelfSignedCertificate() throws Exception {
        ScriptedPeer peer = peer(ScriptedPeer.on("127.0.0.2").tls(TestCertificates.selfSignedServer()));
        CalloutVerdict o = verify(peer, settingsFor(peer), "alice@example.test");
        assertThat(o.status()).isEqualTo(CalloutResult.ACCEPTED);
        assertThat(peer.commands()).containsExactly("EHLO verifier.test", "STARTTLS", "EHLO verifier.test",
                "MAIL FROM:<>", "RCPT TO:<alice@example.test>", "RSET", "QUIT");
        assertThat(o.transcript()).anyMatch(l -> l.startsWith("TLS TLSv1."));
    }

    @Test
    void startTlsCanBeSwitchedOff() throws Exception {
        ScriptedPeer peer = peer(ScriptedPeer.on("127.0.0.2").tls(TestCertificates.selfSignedServer()));
        verify(peer, settingsFor(peer).startTls(false), "alice@example.test");
        assertThat(peer.commands("STARTTLS")).isEmpty();
    }

    @Test
    void brokenTlsFallsBackToPlaintextOnTheSameHost() throws Exception {
        // Offers STARTTLS, says 220, then hangs up: the handshake fails and the probe reconnects without TLS.
        ScriptedPeer peer = peer(ScriptedPeer.on("127.0.0.2")
                .reply("EHLO", "250-peer.test", "250 STARTTLS")
                .reply("STARTTLS", "220 go ahead", ScriptedPeer.CLOSE));
        CalloutVerdict o = verify(peer, settingsFor(peer), "alice@example.test");
        assertThat(peer.connections()).isEqualTo(2);
        assertThat(o.status()).isEqualTo(CalloutResult.ACCEPTED);
        assertThat(peer.commands("STARTTLS")).hasSize(1);
    }

    @Test
    void multiLineRepliesEverywhere() throws Exception {
        ScriptedPeer peer = peer(ScriptedPeer.on("127.0.0.2")
                .greeting("220-peer.test ESMTP", "220-no UCE", "220 welcome")
                .reply("MAIL", "250-2.1.0 sender", "250 2.1.0 ok")
                .reply("RCPT", "250-2.1.5 one", "250-2.1.5 two", "250 2.1.5 three"));
        CalloutVerdict o = verify(peer, settingsFor(peer), "alice@example.test");
        assertThat(o.status()).isEqualTo(CalloutResult.ACCEPTED);
        assertThat(o.replyText()).isEqualTo("one two three");
    }

    @Test
    void tarpitIsCutOffByTheCommandTimeout() throws Exception {
        ScriptedPeer peer = peer(ScriptedPeer.on("127.0.0.2").tarpit(Duration.ofSeconds(1)));
        long start = System.nanoTime();
        CalloutVerdict o = verify(peer, settingsFor(peer).commandTimeout(Duration.ofSeconds(2)), "alice@example.test");
        assertThat(o.status()).isEqualTo(CalloutResult.TEMPFAIL);
        assertThat(o.reason()).startsWith("timeout waiting for mx.example.test [127.0.0.2]");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(15));
    }

    @Test
    void overallTimeoutBoundsTheWholeVerification() throws Exception {
        ScriptedPeer peer = peer(ScriptedPeer.on("127.0.0.2").delay(Duration.ofMillis(800)));
        long start = System.nanoTime();
        CalloutVerdict o = verify(peer, settingsFor(peer).overallTimeout(Duration.ofSeconds(2)), "alice@example.test");
        assertThat(o.status()).isEqualTo(CalloutResult.TEMPFAIL);
        assertThat(o.reason()).contains("timeout");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(15));
    }

    @Test
    void disconnectMidDialogueIsTempfail() throws Exception {
        ScriptedPeer peer = peer(ScriptedPeer.on("127.0.0.2").reply("MAIL", ScriptedPeer.CLOSE));
        CalloutVerdict o = verify(peer, settingsFor(peer), "alice@example.test");
        assertThat(o.status()).isEqualTo(CalloutResult.TEMPFAIL);
        assertThat(o.reason()).isEqualTo("connection to mx.example.test [127.0.0.2] lost: connection closed by peer");
    }

    @Test
    void garbageReplyIsTempfail() throws Exception {
        ScriptedPeer peer = peer(ScriptedPeer.on("127.0.0.2").reply("EHLO", "HTTP/1.1 400 Bad Request"));
        CalloutVerdict o = verify(peer, settingsFor(peer), "alice@example.test");
        assertThat(o.status()).isEqualTo(CalloutResult.TEMPFAIL);
        assertThat(o.reason()).isEqualTo("protocol error from mx.example.test [127.0.0.2]: "
                + "not an SMTP reply line: \"HTTP/1.1 400 Bad Request\"");
    }

    @Test
    void overLongReplyLineIsTempfail() throws Exception {
        ScriptedPeer peer = peer(ScriptedPeer.on("127.0.0.2").reply("RCPT", "250 " + "x".repeat(5000)));
        CalloutVerdict o = verify(peer, settingsFor(peer), "alice@example.test");
        assertThat(o.status()).isEqualTo(CalloutResult.TEMPFAIL);
        assertThat(o.reason()).endsWith("reply line longer than 1000 octets");
    }

    @Test
    void endlessMultiLineReplyIsCutOff() throws Exception {
        String[] lines = new String[150];
        for (int i = 0; i < lines.length; i++) {
            lines[i] = "250-line " + i;
        }
        ScriptedPeer peer = peer(ScriptedPeer.on("127.0.0.2").reply("EHLO", lines));
        CalloutVerdict o = verify(peer, settingsFor(peer), "alice@example.test");
        assertThat(o.status()).isEqualTo(CalloutResult.TEMPFAIL);
        assertThat(o.reason()).contains("reply longer than");
    }

    @Test
    void randomLocalPartAcceptedIsCatchAll() throws Exception {
        ScriptedPeer peer = peer(ScriptedPeer.on("127.0.0.2"));
        CalloutVerdict o = verify(peer, settingsFor(peer).checkRandom(true), "alice@example.test");
        assertThat(o.status()).isEqualTo(CalloutResult.CATCH_ALL);
        List<String> rcpts = peer.commands("RCPT");
        assertThat(rcpts).hasSize(2);
        assertThat(rcpts.get(1)).matches("RCPT TO:<gk-[0-9a-z]{16}@example.test>");
    }

    @Test
    void randomLocalPartRejectedKeepsAccepted() throws Exception {
        ScriptedPeer peer = peer(ScriptedPeer.on("127.0.0.2").reply("RCPT TO:<gk-", "550 5.1.1 unknown"));
        CalloutVerdict o = verify(peer, settingsFor(peer).checkRandom(true), "alice@example.test");
        assertThat(o.status()).isEqualTo(CalloutResult.ACCEPTED);
    }

    @Test
    void postmasterRefusedIsRejected() throws Exception {
        ScriptedPeer peer = peer(ScriptedPeer.on("127.0.0.2").reply("RCPT TO:<postmaster@", "550 5.1.1 no postmaster"));
        CalloutVerdict o = verify(peer, settingsFor(peer).checkPostmaster(true), "alice@example.test");
        assertThat(o.status()).isEqualTo(CalloutResult.REJECTED);
        assertThat(o.reason()).isEqualTo("postmaster@example.test refused");
        assertThat(peer.commands("RCPT")).containsExactly("RCPT TO:<alice@example.test>",
                "RCPT TO:<postmaster@example.test>");
    }

    @Test
    void quotedLocalPartIsSentAsWritten() throws Exception {
        ScriptedPeer peer = peer(ScriptedPeer.on("127.0.0.2"));
        verify(peer, settingsFor(peer), "\"john smith\"@example.test");
        assertThat(peer.commands("RCPT")).containsExactly("RCPT TO:<\"john smith\"@example.test>");
    }

    @Test
    void privateTargetsAreNotProbedByDefault() throws Exception {
        ScriptedPeer peer = peer(ScriptedPeer.on("127.0.0.2"));
        CalloutVerdict o = verify(peer, settingsFor(peer).allowPrivateTargets(false), "alice@example.test");
        assertThat(o.status()).isEqualTo(CalloutResult.SKIPPED);
        assertThat(o.reason()).isEqualTo("every mail host of example.test is on a loopback, private or reserved address");
        assertThat(peer.connections()).isZero();
    }

    @Test
    void addressLiteralDomainIsProbedWithoutDns() throws Exception {
        ScriptedPeer peer = peer(ScriptedPeer.on("127.0.0.2"));
        CalloutVerdict o = verify(settingsFor(peer).build(), ZoneResolver.builder().build(), "alice@[127.0.0.2]");
        assertThat(o.status()).isEqualTo(CalloutResult.ACCEPTED);
        assertThat(peer.commands("RCPT")).containsExactly("RCPT TO:<alice@[127.0.0.2]>");
    }

    @Test
    void invalidAddressTouchesNeitherDnsNorPeer() throws Exception {
        ScriptedPeer peer = peer(ScriptedPeer.on("127.0.0.2"));
        ZoneResolver failingZone = ZoneResolver.builder().timeout("example.test").build();
        for (String bad : List.of("alice@example.test>\r\nRSET", "alice@example.test\nDATA", "al\u0000ice@example.test",
                "alice", "alice@", "@example.test", "a..b@example.test", "alice@exa_mple.test")) {
            CalloutVerdict o = verify(settingsFor(peer).build(), failingZone, bad);
            assertThat(o.status()).as(bad).isEqualTo(CalloutResult.INVALID);
        }
        assertThat(peer.connections()).isZero();
    }

    @Test
    void nullSenderIsSkipped() throws Exception {
        ScriptedPeer peer = peer(ScriptedPeer.on("127.0.0.2"));
        assertThat(verify(peer, settingsFor(peer), "<>").status()).isEqualTo(CalloutResult.SKIPPED);
        assertThat(peer.connections()).isZero();
    }

    @Test
    void unreachableHostsAreCappedAndTempfail() throws Exception {
        ScriptedPeer peer = peer(ScriptedPeer.on("127.0.0.2"));
        int port = peer.port();
        ZoneResolver.Builder zone = ZoneResolver.builder();
        for (int i = 1; i <= 5; i++) {
            // Nothing listens on these loopback addresses at this port: each connect is refused at once.
            zone.add("example.test", MxRecord.of(i, "mx" + i + ".example.test"))
                    .add("mx" + i + ".example.test", AddressRecord.of(ip("127.0.1." + i)));
        }
        CalloutVerdict o = verify(settingsFor(peer).port(port).maxHostsTried(2).build(), zone.build(),
                "alice@example.test");
        assertThat(o.status()).isEqualTo(CalloutResult.TEMPFAIL);
        assertThat(o.reason()).startsWith("connect to mx1.example.test [127.0.1.1] failed")
                .contains("connect to mx2.example.test [127.0.1.2] failed").endsWith("stopped after 2 hosts");
    }

    @Test
    void nullMxAndNoMailHostNeedNoProbe() throws Exception {
        ScriptedPeer peer = peer(ScriptedPeer.on("127.0.0.2"));
        ZoneResolver zone = ZoneResolver.builder()
                .add("nullmx.test", MxRecord.of(0, "."))
                .add("nullmx.test", AddressRecord.of(peer.address()))
                .exists("empty.test")
                .timeout("broken.test", RecordType.MX)
                .build();
        CalloutSettings s = settingsFor(peer).build();
        assertThat(verify(s, zone, "a@nullmx.test").status()).isEqualTo(CalloutResult.NULL_MX);
        assertThat(verify(s, zone, "a@empty.test").status()).isEqualTo(CalloutResult.NO_MAIL_HOST);
        assertThat(verify(s, zone, "a@nowhere.test").status()).isEqualTo(CalloutResult.NO_MAIL_HOST);
        CalloutVerdict broken = verify(s, zone, "a@broken.test");
        assertThat(broken.status()).isEqualTo(CalloutResult.TEMPFAIL);
        assertThat(broken.reason()).startsWith("MX lookup for broken.test failed");
        assertThat(peer.connections()).isZero();
    }

    @Test
    void implicitMxIsTheDomainsOwnAddress() throws Exception {
        ScriptedPeer peer = peer(ScriptedPeer.on("127.0.0.2"));
        ZoneResolver zone = ZoneResolver.builder().add("example.test", AddressRecord.of(peer.address())).build();
        CalloutVerdict o = verify(settingsFor(peer).build(), zone, "alice@example.test");
        assertThat(o.status()).isEqualTo(CalloutResult.ACCEPTED);
        assertThat(o.host()).isEqualTo("example.test [127.0.0.2]");
    }

    @Test
    void ipv6MailHost() throws Exception {
        ScriptedPeer peer;
        try {
            peer = peer(ScriptedPeer.on("::1"));
        } catch (java.io.IOException e) {
            org.junit.jupiter.api.Assumptions.abort("no IPv6 loopback here: " + e.getMessage());
            return;
        }
        CalloutVerdict o = verify(peer, settingsFor(peer), "alice@example.test");
        assertThat(o.status()).isEqualTo(CalloutResult.ACCEPTED);
        assertThat(o.host()).isEqualTo("mx.example.test [0:0:0:0:0:0:0:1]");
        assertThat(verify(settingsFor(peer).build(), ZoneResolver.builder().build(), "alice@[IPv6:::1]").status())
                .isEqualTo(CalloutResult.ACCEPTED);
    }

    @Test
    void transcriptOnlyWhenAskedFor() throws Exception {
        ScriptedPeer peer = peer(ScriptedPeer.on("127.0.0.2"));
        assertThat(verify(peer, settingsFor(peer).keepTranscript(false), "alice@example.test").transcript()).isEmpty();
    }

    static InetAddress ip(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }
}
