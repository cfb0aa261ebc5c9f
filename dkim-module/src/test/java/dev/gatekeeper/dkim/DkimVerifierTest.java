package dev.gatekeeper.dkim;

import static dev.gatekeeper.dkim.Rfc8463Example.BODY;
import static dev.gatekeeper.dkim.Rfc8463Example.CLOCK;
import static dev.gatekeeper.dkim.Rfc8463Example.ED25519_KEY_NAME;
import static dev.gatekeeper.dkim.Rfc8463Example.ED25519_SIGNATURE;
import static dev.gatekeeper.dkim.Rfc8463Example.HEADERS;
import static dev.gatekeeper.dkim.Rfc8463Example.MESSAGE;
import static dev.gatekeeper.dkim.Rfc8463Example.RSA_KEY_NAME;
import static dev.gatekeeper.dkim.Rfc8463Example.RSA_SIGNATURE;
import static dev.gatekeeper.dkim.Rfc8463Example.bytes;
import static dev.gatekeeper.dkim.Rfc8463Example.zone;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatekeeper.dns.DnsAnswer;
import dev.gatekeeper.dns.DnsResolver;
import dev.gatekeeper.dns.TxtRecord;
import dev.gatekeeper.dns.ZoneResolver;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class DkimVerifierTest {

    private static final DkimSettings SETTINGS = DkimSettings.builder().clock(CLOCK).build();

    private static List<DkimResult> verify(ZoneResolver.Builder zone, String message) {
        return verify(zone.build(), SETTINGS, message);
    }

    private static List<DkimResult> verify(DnsResolver resolver, DkimSettings settings, String message) {
        try {
            return new DkimVerifier(resolver, settings).verify(bytes(message)).toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static List<String> resinfos(List<DkimResult> results) {
        return results.stream().map(DkimResult::resinfo).collect(java.util.stream.Collectors.toList());
    }

    @Test
    void rfc8463AppendixAVerifiesWithBothAlgorithms() {
        assertThat(resinfos(verify(zone(), MESSAGE))).containsExactly(
                "dkim=pass header.d=football.example.com header.s=brisbane header.b=\"/gCrinpc\"",
                "dkim=pass header.d=football.example.com header.s=test header.b=F45dVWDf");
    }

    @Test
    void streamingInSmallChunksGivesTheSameResults() throws Exception {
        byte[] headers = bytes(ED25519_SIGNATURE + RSA_SIGNATURE + HEADERS + "\r\n");
        byte[] body = bytes(BODY);
        DkimVerification v = new DkimVerifier(zone().build(), SETTINGS).begin().headers(headers, 0, headers.length);
        for (int i = 0; i < body.length; i += 3) {
            v.body(body, i, Math.min(3, body.length - i));
        }
        List<DkimResult> results = v.finish().toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertThat(results).extracting(DkimResult::status).containsExactly(DkimStatus.PASS, DkimStatus.PASS);
    }

    @Test
    void bareLineFeedsAreReadAsCrlf() {
        assertThat(verify(zone(), MESSAGE.replace("\r\n", "\n"))).extracting(DkimResult::status)
                .containsExactly(DkimStatus.PASS, DkimStatus.PASS);
    }

    @Test
    void aChangedBodyIsABodyHashMismatch() {
        List<DkimResult> results = verify(zone(), MESSAGE.replace("hungry", "thirsty"));
        assertThat(results).extracting(DkimResult::resinfo).allMatch(r -> r.startsWith("dkim=fail reason=\"body hash mismatch\""));
    }

    @Test
    void relaxedBodyToleratesWhitespaceChanges() {
        assertThat(verify(zone(), MESSAGE.replace("game.  Are", "game. \t Are").replace("Joe.\r\n", "Joe. \r\n\r\n\r\n")))
                .extracting(DkimResult::status).containsExactly(DkimStatus.PASS, DkimStatus.PASS);
    }

    @Test
    void aChangedSignedHeaderIsASignatureMismatch() {
        List<DkimResult> results = verify(zone(), MESSAGE.replace("Is dinner ready?", "Is lunch ready?"));
        assertThat(results).extracting(r -> r.reason().orElseThrow()).containsOnly(DkimReason.SIGNATURE_MISMATCH);
    }

    @Test
    void anAddedSubjectAboveIsNotSignedButOverSigningCatchesItBelow() {
        // h= lists subject twice: one for the field there is, one empty (over-signed). A Subject
        // added above the signed one is what the second slot now picks: the signature breaks.
        String added = MESSAGE.replace("From: Joe", "Subject: hello\r\nFrom: Joe");
        assertThat(verify(zone(), added)).extracting(DkimResult::status).containsOnly(DkimStatus.FAIL);
        // An unsigned field changes nothing.
        String unsigned = MESSAGE.replace("From: Joe", "X-Mailer: test\r\nFrom: Joe");
        assertThat(verify(zone(), unsigned)).extracting(DkimResult::status).containsOnly(DkimStatus.PASS);
    }

    @Test
    void aTemporaryDnsFailureIsATemperrorNeverAFail() {
        ZoneResolver.Builder z = ZoneResolver.builder().add(RSA_KEY_NAME, TxtRecord.of(Rfc8463Example.RSA_RECORD))
                .timeout(ED25519_KEY_NAME);
        List<DkimResult> results = verify(z, MESSAGE.replace("hungry", "thirsty"));
        assertThat(results.get(0).status()).isEqualTo(DkimStatus.TEMPERROR);
        assertThat(results.get(0).reason()).contains(DkimReason.KEY_LOOKUP_FAILED);
        assertThat(results.get(1).status()).isEqualTo(DkimStatus.FAIL);
    }

    @Test
    void aResolverThatNeverAnswersIsCutOffByTheTimeBudget() {
        DnsResolver silent = (name, type) -> new CompletableFuture<>();
        DkimSettings settings = SETTINGS.toBuilder().timeBudget(Duration.ofMillis(200)).build();
        long start = System.nanoTime();
        List<DkimResult> results = verify(silent, settings, MESSAGE);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        assertThat(results).extracting(DkimResult::status).containsOnly(DkimStatus.TEMPERROR);
        assertThat(results.get(0).detail()).contains("time budget");
    }

    @Test
    void aResolverThatThrowsIsATemperror() {
        DnsResolver broken = (name, type) -> {
            throw new IllegalStateException("bug");
        };
        assertThat(verify(broken, SETTINGS, MESSAGE)).extracting(DkimResult::status).containsOnly(DkimStatus.TEMPERROR);
    }

    @Test
    void noKeyIsAPermerror() {
        List<DkimResult> results = verify(ZoneResolver.builder(), MESSAGE);
        assertThat(results).extracting(DkimResult::resinfo).allMatch(r -> r.startsWith("dkim=permerror reason=\"no key\""));
    }

    @Test
    void anEmptyPIsARevokedKey() {
        ZoneResolver.Builder z = ZoneResolver.builder().add(ED25519_KEY_NAME, TxtRecord.of("v=DKIM1; k=ed25519; p="))
                .add(RSA_KEY_NAME, TxtRecord.of("v=DKIM1; p="));
        assertThat(verify(z, MESSAGE)).extracting(r -> r.reason().orElseThrow()).containsOnly(DkimReason.KEY_REVOKED);
        assertThat(verify(z, MESSAGE).get(0).status()).isEqualTo(DkimStatus.FAIL);
    }

    @Test
    void keyRestrictionsAreNotAcceptable() {
        ZoneResolver.Builder z = ZoneResolver.builder()
                .add(ED25519_KEY_NAME, TxtRecord.of(Rfc8463Example.ED25519_RECORD.replace("k=ed25519;", "k=ed25519; s=tlsrpt;")))
                .add(RSA_KEY_NAME, TxtRecord.of(Rfc8463Example.RSA_RECORD.replace("k=rsa;", "k=rsa; h=sha1;")));
        List<DkimResult> results = verify(z, MESSAGE);
        assertThat(results).extracting(DkimResult::status).containsOnly(DkimStatus.PERMERROR);
        assertThat(results).extracting(DkimResult::detail).containsExactly("s= does not allow email", "h= does not allow sha256");
    }

    @Test
    void aKeyOfTheWrongTypeIsNotAcceptable() {
        ZoneResolver.Builder z = ZoneResolver.builder()
                .add(ED25519_KEY_NAME, TxtRecord.of(Rfc8463Example.RSA_RECORD))
                .add(RSA_KEY_NAME, TxtRecord.of(Rfc8463Example.ED25519_RECORD));
        assertThat(verify(z, MESSAGE)).extracting(r -> r.reason().orElseThrow()).containsOnly(DkimReason.KEY_NOT_ACCEPTABLE);
    }

    @Test
    void testingKeysStillVerifyAndAreFlagged() {
        ZoneResolver.Builder z = ZoneResolver.builder()
                .add(ED25519_KEY_NAME, TxtRecord.of(Rfc8463Example.ED25519_RECORD.replace("k=ed25519;", "k=ed25519; t=y:s;")));
        DkimResult r = verify(z, MESSAGE).get(0);
        assertThat(r.status()).isEqualTo(DkimStatus.PASS);
        assertThat(r.testing()).isTrue();
    }

    @Test
    void strictKeysRefuseAnIdentityInASubdomain() {
        String message = MESSAGE.replace("i=@football.example.com; q=dns/txt; s=brisbane", "i=@news.football.example.com; q=dns/txt; s=brisbane");
        // The i= change is in the signed field, so without t=s it is a signature mismatch;
        // with t=s the key refuses it before any cryptography.
        String moved = message.replace(" d=football.example.com; i=@football.example.com;\r\n q=dns/txt; s=brisbane",
                " d=football.example.com; i=@news.football.example.com;\r\n q=dns/txt; s=brisbane");
        ZoneResolver.Builder z = ZoneResolver.builder()
                .add(ED25519_KEY_NAME, TxtRecord.of(Rfc8463Example.ED25519_RECORD.replace("k=ed25519;", "k=ed25519; t=s;")));
        DkimResult r = verify(z, moved).get(0);
        assertThat(r.reason()).contains(DkimReason.KEY_NOT_ACCEPTABLE);
        assertThat(r.detail()).startsWith("t=s");
    }

    @Test
    void anExpiredSignatureFailsAndXBeforeTIsAPermerror() {
        String expired = MESSAGE.replace("t=1528637909; h=from : to :", "t=1528637909; x=1528637910; h=from : to :");
        DkimResult r = verify(zone(), expired).get(0);
        assertThat(r.status()).isEqualTo(DkimStatus.FAIL);
        assertThat(r.reason()).contains(DkimReason.SIGNATURE_EXPIRED);
        assertThat(r.resinfo()).startsWith("dkim=fail reason=\"signature expired\" header.d=football.example.com");

        String backwards = MESSAGE.replace("t=1528637909; h=from : to :", "t=1528637909; x=1528637000; h=from : to :");
        DkimResult b = verify(zone(), backwards).get(0);
        assertThat(b.status()).isEqualTo(DkimStatus.PERMERROR);
        assertThat(b.detail()).isEqualTo("x= is before t=");
        assertThat(b.domain()).isEqualTo("football.example.com");
    }

    @Test
    void rsaSha1IsNotAccepted() {
        String sha1 = MESSAGE.replace("a=rsa-sha256", "a=rsa-sha1");
        DkimResult r = verify(zone(), sha1).get(1);
        assertThat(r.status()).isEqualTo(DkimStatus.PERMERROR);
        assertThat(r.resinfo()).startsWith("dkim=permerror reason=\"rsa-sha1 not accepted (RFC 8301)\"");
    }

    @Test
    void signaturesBeyondTheLimitAreNotChecked() {
        DkimSettings one = SETTINGS.toBuilder().maxSignatures(1).build();
        List<DkimResult> results = verify(zone().build(), one, MESSAGE);
        assertThat(results.get(0).status()).isEqualTo(DkimStatus.PASS);
        assertThat(results.get(1).resinfo()).isEqualTo(
                "dkim=policy reason=\"not checked (signature limit)\" header.d=football.example.com header.s=test header.b=F45dVWDf");
    }

    @Test
    void aBodyLengthLimitPassesAndReportsWhatItDoesNotCover() throws Exception {
        String signed = Ed25519TestSigner.sign(HEADERS, BODY, "c=relaxed/relaxed; h=from:to:subject; l=10");
        DkimResult r = verify(zone(), signed + "Appended by a list.\r\n").get(0);
        assertThat(r.status()).isEqualTo(DkimStatus.PASS);
        assertThat(r.bodyLengthLimit()).hasValue(10);
        // Relaxed canonical body: the RFC body less one space, then the appended line.
        assertThat(r.uncoveredBodyOctets()).isEqualTo(BODY.length() - 1 + "Appended by a list.\r\n".length() - 10);
        assertThat(r.resinfo()).startsWith("dkim=pass reason=\"65 body octets after l=10 not signed\" header.d=football.example.com");
        DkimResult changedInside = verify(zone(), signed.replace("Hi.", "Ho.")).get(0);
        assertThat(changedInside.reason()).contains(DkimReason.BODY_HASH_MISMATCH);
    }

    @Test
    void aBodyLengthBeyondTheBodyIsAPermerror() throws Exception {
        String signed = Ed25519TestSigner.sign(HEADERS, BODY, "c=relaxed/relaxed; h=from; l=1000");
        assertThat(verify(zone(), signed).get(0).reason()).contains(DkimReason.BODY_LENGTH_EXCEEDED);
    }

    @Test
    void repeatedFieldsAreSignedBottomUpAndMissingOnesAreEmpty() throws Exception {
        String headers = "Received: one\r\nReceived: two\r\n" + HEADERS;
        String signed = Ed25519TestSigner.sign(headers, BODY, "c=simple/simple; h=from:received:received:received:cc");
        assertThat(verify(zone(), signed).get(0).status()).isEqualTo(DkimStatus.PASS);
        // Swapping the two Received fields changes which is "bottom": the signature breaks.
        String swapped = signed.replace("Received: one\r\nReceived: two", "Received: two\r\nReceived: one");
        assertThat(verify(zone(), swapped).get(0).reason()).contains(DkimReason.SIGNATURE_MISMATCH);
        // A third Received above, or a Cc anywhere, fills a slot that was signed empty.
        assertThat(verify(zone(), signed.replace("Received: one", "Received: zero\r\nReceived: one")).get(0).status())
                .isEqualTo(DkimStatus.FAIL);
        assertThat(verify(zone(), signed.replace("From: Joe", "Cc: x@example.net\r\nFrom: Joe")).get(0).status())
                .isEqualTo(DkimStatus.FAIL);
        // An unsigned field and header field name case do not matter.
        assertThat(verify(zone(), signed.replace("From: Joe", "X-Spam: no\r\nFrom: Joe")).get(0).status())
                .isEqualTo(DkimStatus.PASS);
    }

    @Test
    void simpleHeadersBreakOnWhitespaceRelaxedDoNot() throws Exception {
        String simple = Ed25519TestSigner.sign(HEADERS, BODY, "c=simple/simple; h=from:subject");
        String relaxed = Ed25519TestSigner.sign(HEADERS, BODY, "c=relaxed/simple; h=from:subject");
        String respace = "SUBJECT:   Is dinner  ready? ";
        assertThat(verify(zone(), simple.replace("Subject: Is dinner ready?", respace)).get(0).status()).isEqualTo(DkimStatus.FAIL);
        assertThat(verify(zone(), relaxed.replace("Subject: Is dinner ready?", respace)).get(0).status()).isEqualTo(DkimStatus.PASS);
    }

    @Test
    void anUnparsableSignatureIsAPermerrorWithWhatCouldBeRead() {
        String broken = MESSAGE.replace("b=/gCrinpcQOoIfuHNQIbq4pgh9kyIK3AQUdt9OdqQehSwhEIug4D11Bus", "b=/gCrinpc!OoIfuHNQIbq4pgh9kyIK3AQUdt9OdqQehSwhEIug4D11Bus");
        DkimResult r = verify(zone(), broken).get(0);
        assertThat(r.status()).isEqualTo(DkimStatus.PERMERROR);
        assertThat(r.detail()).isEqualTo("b= is not valid base64");
        assertThat(r.resinfo()).isEqualTo("dkim=permerror reason=\"signature syntax error\" header.d=football.example.com header.s=brisbane header.b=\"/gCrinpc\"");
    }

    @Test
    void aMessageWithoutSignaturesHasNoResults() {
        assertThat(verify(zone(), HEADERS + "\r\n" + BODY)).isEmpty();
    }

    /** A message stream that counts what was read of it. */
    private static final class CountingStream extends java.io.ByteArrayInputStream {
        int read;

        CountingStream(byte[] octets) {
            super(octets);
        }

        @Override
        public synchronized int read(byte[] b, int off, int len) {
            int n = super.read(b, off, len);
            read += Math.max(n, 0);
            return n;
        }

        @Override
        public synchronized int read() {
            int c = super.read();
            read += c < 0 ? 0 : 1;
            return c;
        }
    }

    private static String longBody() {
        return "A line of the body, long enough to take some room.\r\n".repeat(4000);
    }

    @Test
    void anUnsignedMessageIsReadOnlyToTheEndOfItsHeaderSection() throws Exception {
        CountingStream in = new CountingStream(bytes(HEADERS + "\r\n" + longBody()));
        DkimVerification v = new DkimVerifier(zone().build(), SETTINGS).read(in);
        assertThat(v.finish().toCompletableFuture().get(10, TimeUnit.SECONDS)).isEmpty();
        assertThat(v.arc().toCompletableFuture().get(10, TimeUnit.SECONDS).status()).isEqualTo(ArcStatus.NONE);
        assertThat(v.fieldValues("From")).hasSize(1);
        // The first read takes at most 8 KB; the 200 KB body is never read through.
        assertThat(in.read).isLessThanOrEqualTo(8 * 1024);
    }

    @Test
    void aSignedMessageIsStillReadThroughAndVerifies() throws Exception {
        byte[] octets = bytes(MESSAGE);
        CountingStream in = new CountingStream(octets);
        DkimVerification v = new DkimVerifier(zone().build(), SETTINGS).read(in);
        assertThat(v.finish().toCompletableFuture().get(10, TimeUnit.SECONDS)).extracting(DkimResult::status)
                .containsExactly(DkimStatus.PASS, DkimStatus.PASS);
        assertThat(in.read).isEqualTo(octets.length);
        // A changed body behind a signature is still caught when the message is streamed.
        DkimVerification changed = new DkimVerifier(zone().build(), SETTINGS)
                .read(new java.io.ByteArrayInputStream(bytes(MESSAGE + longBody())));
        assertThat(changed.finish().toCompletableFuture().get(10, TimeUnit.SECONDS)).extracting(DkimResult::status)
                .containsOnly(DkimStatus.FAIL);
    }

    @Test
    void aMessageHeldInMemoryVerifiesWhereItLies() throws Exception {
        byte[] octets = bytes(MESSAGE);
        // Octets around it that belong to someone else: the room above a received message, a neighbour below.
        byte[] held = new byte[300 + octets.length + 50];
        java.util.Arrays.fill(held, (byte) 'x');
        System.arraycopy(octets, 0, held, 300, octets.length);
        byte[] before = held.clone();

        DkimVerification v = new DkimVerifier(zone().build(), SETTINGS).read(held, 300, octets.length);

        assertThat(v.finish().toCompletableFuture().get(10, TimeUnit.SECONDS)).extracting(DkimResult::status)
                .containsExactly(DkimStatus.PASS, DkimStatus.PASS);
        assertThat(v.fieldValues("From")).hasSize(1);
        assertThat(held).as("read, not written").isEqualTo(before);
        byte[] changed = bytes(MESSAGE + longBody());
        assertThat(new DkimVerifier(zone().build(), SETTINGS).read(changed, 0, changed.length).finish()
                .toCompletableFuture().get(10, TimeUnit.SECONDS)).extracting(DkimResult::status).containsOnly(DkimStatus.FAIL);
    }

    @Test
    void oneLookupPerKeyName() {
        java.util.concurrent.atomic.AtomicInteger queries = new java.util.concurrent.atomic.AtomicInteger();
        ZoneResolver z = zone().build();
        DnsResolver counting = (name, type) -> {
            queries.incrementAndGet();
            return z.lookup(name, type);
        };
        verify(counting, SETTINGS, ED25519_SIGNATURE + MESSAGE);
        assertThat(queries).hasValue(2);
    }

    @Test
    void defaultsArePinned() {
        assertThat(DkimSettings.defaults().maxSignatures()).isEqualTo(5);
        assertThat(DkimSettings.defaults().timeBudget()).isEqualTo(Duration.ofSeconds(10));
        assertThat(DkimSettings.parse(java.util.Map.of("maxSignatures", "3")).maxSignatures()).isEqualTo(3);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> DkimSettings.parse(java.util.Map.of("maxSignature", "3")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(DnsAnswer.nxdomain().isEmpty()).isTrue();
    }
}
