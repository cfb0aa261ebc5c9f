package dev.gatekeeper.spf;

import static dev.gatekeeper.spf.SpfTestKit.ip;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Whole header lines, as transcripts. */
class HeadersTest {

    private static SpfVerdict verdict(SpfResult r, SpfIdentity id, String sender, String mechanism, String problem) {
        return new SpfVerdict(r, id, "example.com", sender, ip("192.0.2.1"), "mail.example.org",
                r == SpfResult.FAIL ? "no" : null, mechanism, problem, 1, 0);
    }

    @Test
    void receivedSpfForEachResult() {
        assertThat(ReceivedSpfHeader.of(verdict(SpfResult.PASS, SpfIdentity.MAILFROM, "alice@example.com",
                "ip4:192.0.2.0/24", null), "mx.example.net").toString())
                .isEqualTo("Received-SPF: pass (mx.example.net: domain of alice@example.com designates 192.0.2.1 as"
                        + " permitted sender) client-ip=192.0.2.1; envelope-from=\"alice@example.com\";"
                        + " helo=mail.example.org; receiver=mx.example.net; identity=mailfrom;"
                        + " mechanism=\"ip4:192.0.2.0/24\"");
        assertThat(ReceivedSpfHeader.of(verdict(SpfResult.FAIL, SpfIdentity.MAILFROM, "alice@example.com", "-all", null),
                "mx.example.net").value())
                .isEqualTo("fail (mx.example.net: domain of alice@example.com does not designate 192.0.2.1 as permitted"
                        + " sender) client-ip=192.0.2.1; envelope-from=\"alice@example.com\"; helo=mail.example.org;"
                        + " receiver=mx.example.net; identity=mailfrom; mechanism=-all");
        assertThat(ReceivedSpfHeader.of(verdict(SpfResult.PERMERROR, SpfIdentity.HELO, "postmaster@mail.example.org",
                null, "unknown mechanism 'moo'"), "mx.example.net").value())
                .isEqualTo("permerror (mx.example.net: permanent error in processing domain of"
                        + " postmaster@mail.example.org) client-ip=192.0.2.1; helo=mail.example.org;"
                        + " receiver=mx.example.net; identity=helo; problem=\"unknown mechanism 'moo'\"");
    }

    @Test
    void receivedSpfQuotesAndStripsHostileValues() {
        SpfVerdict v = new SpfVerdict(SpfResult.SOFTFAIL, SpfIdentity.MAILFROM, "example.com",
                "\"a (b)\\\r\n\tX-Evil: 1\"@example.com", ip("::ffff:192.0.2.1"), "evil\r\nX-Injected: yes", null, "~all",
                null, 1, 0);
        String header = ReceivedSpfHeader.of(v, "mx\r\n.example.net").toString();
        assertThat(header).doesNotContain("\r").doesNotContain("\n").doesNotContain("\t");
        assertThat(header).isEqualTo("Received-SPF: softfail (mx.example.net: transitioning domain of"
                + " \"a \\(b\\)\\\\X-Evil: 1\"@example.com does not designate 192.0.2.1 as permitted sender)"
                + " client-ip=192.0.2.1; envelope-from=\"\\\"a (b)\\\\X-Evil: 1\\\"@example.com\";"
                + " helo=\"evilX-Injected: yes\"; receiver=mx.example.net; identity=mailfrom; mechanism=~all");
    }

    @Test
    void receivedSpfForIpv6() {
        SpfVerdict v = new SpfVerdict(SpfResult.NEUTRAL, SpfIdentity.MAILFROM, "example.com", "a@example.com",
                ip("2001:db8:0:0:0:0:0:1"), "h.example.org", null, "default", null, 0, 0);
        assertThat(ReceivedSpfHeader.of(v, "mx").value()).isEqualTo("neutral (mx: 2001:db8::1 is neither permitted nor"
                + " denied by domain of a@example.com) client-ip=\"2001:db8::1\"; envelope-from=\"a@example.com\";"
                + " helo=h.example.org; receiver=mx; identity=mailfrom; mechanism=default");
    }

    @Test
    void theWholeFieldIsTheNameThenTheValue() {
        SpfVerdict hostile = new SpfVerdict(SpfResult.SOFTFAIL, SpfIdentity.MAILFROM, "example.com",
                "\"a (b)\\\r\n\tX-Evil: 1\"@example.com", ip("::ffff:192.0.2.1"), null, null, "~all", null, 1, 0);
        for (SpfVerdict v : new SpfVerdict[] {
                verdict(SpfResult.PASS, SpfIdentity.MAILFROM, "alice@example.com", "ip4:192.0.2.0/24", null),
                verdict(SpfResult.PERMERROR, SpfIdentity.HELO, "postmaster@mail.example.org", null, "unknown mechanism"),
                hostile}) {
            for (String receiver : new String[] {"mx.example.net", "", null, "mx\r\n.example.net"}) {
                assertThat(ReceivedSpfHeader.field(v, receiver))
                        .isEqualTo(ReceivedSpfHeader.NAME + ": " + ReceivedSpfHeader.of(v, receiver).value())
                        .isEqualTo(ReceivedSpfHeader.of(v, receiver).toString());
            }
        }
    }

    @Test
    void authenticationResults() {
        SpfVerdict pass = verdict(SpfResult.PASS, SpfIdentity.MAILFROM, "alice@example.com", "a", null);
        assertThat(AuthenticationResultsSpf.resinfo(pass)).isEqualTo("spf=pass smtp.mailfrom=alice@example.com");
        assertThat(AuthenticationResultsSpf.header("mx.example.net", pass))
                .isEqualTo("Authentication-Results: mx.example.net; spf=pass smtp.mailfrom=alice@example.com");
        SpfVerdict helo = verdict(SpfResult.NONE, SpfIdentity.HELO, "postmaster@mail.example.org", null, null);
        assertThat(AuthenticationResultsSpf.resinfo(helo)).isEqualTo("spf=none smtp.helo=mail.example.org");
        SpfVerdict err = verdict(SpfResult.TEMPERROR, SpfIdentity.MAILFROM, "a b@example.com", null, "DNS \"timeout\"\r\n");
        assertThat(AuthenticationResultsSpf.headerValue("mx example", err))
                .isEqualTo("\"mx example\"; spf=temperror reason=\"DNS \\\"timeout\\\"\" smtp.mailfrom=\"a b\"@example.com");
        assertThat(AuthenticationResultsSpf.resinfo(pass, "matched a")).isEqualTo(
                "spf=pass reason=\"matched a\" smtp.mailfrom=alice@example.com");
    }
}
