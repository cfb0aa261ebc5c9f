package dev.gatekeeper.james.mailets;

import static dev.gatekeeper.james.common.Mails.mail;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatekeeper.callout.ScriptedPeer;
import dev.gatekeeper.dns.LoopbackDnsServer;
import dev.gatekeeper.dns.ZoneFile;
import dev.gatekeeper.james.common.GatekeeperAttributes;
import java.time.Duration;
import java.util.Map;
import org.apache.mailet.base.test.FakeMail;
import org.apache.mailet.base.test.FakeMailetConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class CalloutVerifyTest {

    static ScriptedPeer peer;
    static ScriptedPeer slow;
    static LoopbackDnsServer dns;

    @BeforeAll
    static void start() throws Exception {
        peer = ScriptedPeer.on("127.0.0.61").reply("RCPT TO:<nobody@", "550 5.1.1 no such user").start();
        slow = ScriptedPeer.on("127.0.0.62").port(peer.port()).delay(Duration.ofSeconds(3)).start();
        dns = LoopbackDnsServer.start(ZoneFile.parse(String.join("\n",
                "$ORIGIN callout.test.", "$TTL 60",
                "@ IN SOA ns hostmaster 1 3600 600 86400 60",
                "peer MX 10 mx.peer", "mx.peer A 127.0.0.61",
                "slow MX 10 mx.slow", "mx.slow A 127.0.0.62",
                "nomail MX 0 .", ""), "callout.test.zone"));
    }

    @AfterAll
    static void stop() {
        peer.close();
        slow.close();
        dns.close();
    }

    private CalloutVerify mailet(String... params) throws Exception {
        FakeMailetConfig.Builder b = FakeMailetConfig.builder().mailetName("CalloutVerify")
                .setProperty("dns.servers", dns.hostPort())
                .setProperty("callout.port", String.valueOf(peer.port()))
                .setProperty("callout.allowPrivateTargets", "true")
                .setProperty("callout.checkRandom", "false")
                .setProperty("callout.heloName", "mx.gatekeeper.test");
        for (int i = 0; i < params.length; i += 2) {
            b.setProperty(params[i], params[i + 1]);
        }
        CalloutVerify m = new CalloutVerify();
        m.init(b.build());
        return m;
    }

    @Test
    void senderOutcomesAreRecorded() throws Exception {
        CalloutVerify m = mailet();
        FakeMail rejected = mail("nobody@peer.callout.test", "r@gatekeeper.test").remoteAddr("127.0.0.99").build();
        m.service(rejected);
        assertThat(GatekeeperAttributes.string(rejected, GatekeeperAttributes.CALLOUT_SENDER)).contains("rejected");
        assertThat(GatekeeperAttributes.map(rejected, GatekeeperAttributes.CALLOUT_OUTCOMES))
                .isEqualTo(Map.of("nobody@peer.callout.test", "rejected"));
        FakeMail accepted = mail("alice@peer.callout.test", "r@gatekeeper.test").remoteAddr("127.0.0.99").build();
        m.service(accepted);
        assertThat(GatekeeperAttributes.string(accepted, GatekeeperAttributes.CALLOUT_SENDER)).contains("accepted");
        FakeMail nullMx = mail("x@nomail.callout.test", "r@gatekeeper.test").remoteAddr("127.0.0.99").build();
        m.service(nullMx);
        assertThat(GatekeeperAttributes.string(nullMx, GatekeeperAttributes.CALLOUT_SENDER)).contains("null-mx");
        assertThat(peer.commands("RCPT TO:")).contains("RCPT TO:<nobody@peer.callout.test>", "RCPT TO:<alice@peer.callout.test>");
    }

    @Test
    void recipientsMode() throws Exception {
        FakeMail m = mail("a@x.example", "nobody@peer.callout.test", "bob@peer.callout.test").build();
        mailet("address", "recipients").service(m);
        assertThat(GatekeeperAttributes.map(m, GatekeeperAttributes.CALLOUT_OUTCOMES))
                .isEqualTo(Map.of("nobody@peer.callout.test", "rejected", "bob@peer.callout.test", "accepted"));
        assertThat(GatekeeperAttributes.string(m, GatekeeperAttributes.CALLOUT_SENDER)).isEmpty();
    }

    @Test
    void theSpoolerWaitsNoLongerThanTheTimeout() throws Exception {
        FakeMail m = mail("someone@slow.callout.test", "r@gatekeeper.test").build();
        mailet("timeout", "500ms").service(m);
        assertThat(GatekeeperAttributes.string(m, GatekeeperAttributes.CALLOUT_SENDER)).contains("tempfail");
    }
}
