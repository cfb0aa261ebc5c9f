package dev.gatekeeper.james.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatekeeper.dns.ZoneResolver;
import dev.gatekeeper.policy.ClientFacts;
import dev.gatekeeper.policy.PolicyConfig;
import dev.gatekeeper.policy.PolicyEngine;
import dev.gatekeeper.policy.PolicySession;
import dev.gatekeeper.policy.SmtpReply;
import dev.gatekeeper.policy.TransactionChecks;
import dev.gatekeeper.policy.Verdict;
import java.io.ByteArrayInputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import javax.xml.parsers.DocumentBuilderFactory;
import org.apache.james.protocols.smtp.SMTPResponse;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.protocols.smtp.hook.HookReturnCode;
import org.junit.jupiter.api.Test;

/** Verdicts from a real policy, mapped to what James does with them. */
class HookResultsTest {

    private static final String POLICY = "<policy delay-reject='false'>"
            + "<relay><my-networks>127.0.0.0/8</my-networks><local-domains>example.org</local-domains></relay>"
            + "<stage name='helo'>"
            + "<rule action='reject' reason='bad-helo' description='Go away'><helo domain='bad.example'/></rule>"
            + "<rule action='defer' description='Later'><helo domain='later.example'/></rule>"
            + "<rule action='disconnect' description='Bye'><helo domain='bye.example'/></rule>"
            + "<rule action='accept'><helo domain='good.example'/></rule>"
            + "</stage>"
            + "<stage name='rcpt'><rule action='accept'><recipient address='vip@example.org'/></rule></stage>"
            + "<stage name='data'><rule action='accept'/></stage>"
            + "</policy>";

    private static PolicySession session(String client) throws Exception {
        var doc = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new ByteArrayInputStream(POLICY.getBytes(StandardCharsets.UTF_8)));
        PolicyConfig config = PolicyConfig.parse(doc.getDocumentElement(), Path.of("."));
        return PolicyEngine.create(config, TransactionChecks.none(), ZoneResolver.builder().build())
                .openSession(ClientFacts.of(InetAddress.getByName(client), null, false));
    }

    private static Verdict helo(String name) throws Exception {
        return session("192.0.2.1").helo(name).toCompletableFuture().get();
    }

    @Test
    void rejectDeferAndDisconnectCarryTheReply() throws Exception {
        HookResult reject = HookResults.of(helo("bad.example"));
        assertThat(reject.getResult()).isEqualTo(HookReturnCode.deny());
        assertThat(reject.getSmtpRetCode()).isEqualTo("550");
        assertThat(reject.getSmtpDescription()).isEqualTo("5.7.1 <bad.example>: Helo command rejected: Go away");

        HookResult defer = HookResults.of(helo("later.example"));
        assertThat(defer.getResult()).isEqualTo(HookReturnCode.denySoft());
        assertThat(defer.getSmtpRetCode() + " " + defer.getSmtpDescription()).isEqualTo("450 4.7.1 Later");

        HookResult bye = HookResults.of(helo("bye.example"));
        assertThat(bye.getResult()).isEqualTo(HookReturnCode.disconnected(HookReturnCode.Action.DENYSOFT));
        assertThat(bye.getResult().isDisconnected()).isTrue();
        assertThat(bye.getSmtpRetCode() + " " + bye.getSmtpDescription()).isEqualTo("421 4.7.0 Bye, closing connection");
    }

    @Test
    void acceptIsOkOnlyAtRcptNeverAtData() throws Exception {
        PolicySession s = session("192.0.2.1");
        assertThat(HookResults.of(s.helo("good.example").toCompletableFuture().get())).isEqualTo(HookResult.DECLINED);
        s.mail("<a@example.net>").toCompletableFuture().get();
        assertThat(HookResults.of(s.rcpt("<vip@example.org>").toCompletableFuture().get())).isEqualTo(HookResult.OK);
        assertThat(HookResults.of(s.rcpt("<other@example.org>").toCompletableFuture().get())).isEqualTo(HookResult.DECLINED);
        Verdict data = s.data().toCompletableFuture().get();
        assertThat(data.answer()).isEqualTo(Verdict.Answer.PERMIT);
        assertThat(HookResults.of(data)).isEqualTo(HookResult.DECLINED);
    }

    @Test
    void relayGrantedByMyNetworksIsOk() throws Exception {
        PolicySession s = session("127.0.0.9");
        s.helo("x.example").toCompletableFuture().get();
        s.mail("<a@example.net>").toCompletableFuture().get();
        Verdict v = s.rcpt("<someone@elsewhere.example>").toCompletableFuture().get();
        assertThat(v.relayGranted()).isTrue();
        assertThat(HookResults.of(v)).isEqualTo(HookResult.OK);
    }

    @Test
    void greetingIsSilentButNeverNullAndClosesOnRefusal() throws Exception {
        var pass = HookResults.greeting(session("192.0.2.1").connect().toCompletableFuture().get());
        assertThat(pass).isNotNull();
        assertThat(pass.getLines()).isEmpty();
        assertThat(pass.isEndSession()).isFalse();
        SMTPResponse closing = HookResults.closing(SmtpReply.parse("554 5.7.1 No"));
        assertThat(closing.getRetCode()).isEqualTo("554");
        assertThat(closing.getLines()).extracting(Object::toString).containsExactly("554 5.7.1 No");
        assertThat(closing.isEndSession()).isTrue();
    }

    @Test
    void readsJamesRepliesBackAndRewritesThem() {
        HookResult james = HookResult.builder().hookReturnCode(HookReturnCode.deny()).smtpReturnCode("550")
                .smtpDescription("5.7.1 Requested action not taken: relaying denied").build();
        SmtpReply reply = HookResults.replyOf(james).orElseThrow();
        assertThat(reply).hasToString("550 5.7.1 Requested action not taken: relaying denied");
        HookResult soft = HookResults.withReply(james, SmtpReply.parse("450 4.7.1 Not now"));
        assertThat(soft.getResult()).isEqualTo(HookReturnCode.denySoft());
        assertThat(soft.getSmtpRetCode() + " " + soft.getSmtpDescription()).isEqualTo("450 4.7.1 Not now");

        assertThat(HookResults.replyOf(HookResult.DENY)).map(SmtpReply::toString).contains("550");
        assertThat(HookResults.replyOf(HookResult.DECLINED)).isEmpty();
        assertThat(HookResults.replyOf(HookResult.OK)).isEmpty();
    }
}
