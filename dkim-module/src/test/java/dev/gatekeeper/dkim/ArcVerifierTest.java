package dev.gatekeeper.dkim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatekeeper.dns.DnsResolver;
import dev.gatekeeper.dns.ZoneResolver;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * ARC chains (RFC 8617) built and sealed here with real keys, one to three hops, then verified;
 * and the chain's structure rules on fields that need no key.
 */
class ArcVerifierTest {

    private static final KeyPair RSA_KEYS = ArcTestSealer.rsaKeys();
    /** The first hop: a forwarder sealing with RSA-2048. */
    static final ArcTestSealer FORWARDER = ArcTestSealer.rsa("forwarder.example", "arc1", RSA_KEYS);
    /** The second hop: a mailing list sealing with Ed25519 (RFC 8463 A.1's key). */
    static final ArcTestSealer LIST = ArcTestSealer.ed25519("lists.example.org", "ed",
            Base64.getDecoder().decode("nWGxne/9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A="));
    /** The third hop: another RSA sealer, same key, other domain. */
    static final ArcTestSealer RELAY = ArcTestSealer.rsa("relay.example.net", "r2024", RSA_KEYS);

    static final String HEADERS = "From: Alice <alice@origin.example>\r\n"
            + "To: list@lists.example.org\r\n"
            + "Subject: Minutes of the meeting\r\n"
            + "Date: Tue, 14 Nov 2023 22:13:20 +0000\r\n"
            + "Message-ID: <20231114221320.1@origin.example>\r\n";
    static final String BODY = "Hello,\r\n\r\nthe minutes are attached.  Regards,\r\nAlice\r\n";
    static final String MESSAGE = HEADERS + "\r\n" + BODY;
    static final String SIGNED = "from:to:subject:date:message-id";

    private static final Clock CLOCK = Clock.fixed(Instant.ofEpochSecond(ArcTestSealer.SEALED_AT + 300), ZoneOffset.UTC);
    private static final DkimSettings SETTINGS = DkimSettings.builder().clock(CLOCK).build();

    static ZoneResolver.Builder zone() {
        return RELAY.publish(LIST.publish(FORWARDER.publish(ZoneResolver.builder())));
    }

    static String oneHop() {
        return FORWARDER.seal(MESSAGE, "none",
                "forwarder.example; spf=pass smtp.mailfrom=origin.example; dkim=none;\r\n"
                        + " arc=none smtp.remote-ip=127.0.0.10", SIGNED);
    }

    static String twoHops() {
        return LIST.seal(oneHop(), "pass",
                "lists.example.org; arc=pass (i=1) smtp.remote-ip=127.0.0.11; spf=fail smtp.mailfrom=origin.example",
                SIGNED);
    }

    static String threeHops(String afterTwo) {
        return RELAY.seal(afterTwo, "pass", "relay.example.net; arc=pass smtp.remote-ip=\"::1\"", SIGNED);
    }

    private static ArcResult verify(ZoneResolver.Builder zone, String message) {
        return verify(zone.build(), SETTINGS, message);
    }

    private static ArcResult verify(DnsResolver resolver, DkimSettings settings, String message) {
        try {
            return new DkimVerifier(resolver, settings).verifyArc(message.getBytes(StandardCharsets.ISO_8859_1))
                    .toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void aMessageWithoutArcFieldsIsNone() {
        ArcResult r = verify(zone(), MESSAGE);
        assertThat(r.status()).isEqualTo(ArcStatus.NONE);
        assertThat(r.resinfo("127.0.0.1")).isEqualTo("arc=none smtp.remote-ip=127.0.0.1");
        assertThat(r.hops()).isEmpty();
        assertThat(r.oldestPass()).isEmpty();
    }

    @Test
    void oneHopSealedWithRsaPasses() {
        ArcResult r = verify(zone(), oneHop());
        assertThat(r.status()).isEqualTo(ArcStatus.PASS);
        assertThat(r.sets()).isEqualTo(1);
        assertThat(r.oldestPass()).hasValue(0);
        assertThat(r.resinfo("127.0.0.1")).isEqualTo(
                "arc=pass (\"1 set, sealed by forwarder.example\") header.oldest-pass=0 smtp.remote-ip=127.0.0.1");
        ArcHop hop = r.hops().get(0);
        assertThat(hop.instance()).isEqualTo(1);
        assertThat(hop.sealDomain()).isEqualTo("forwarder.example");
        assertThat(hop.sealSelector()).isEqualTo("arc1");
        assertThat(hop.chainValidation()).isEqualTo("none");
        assertThat(hop.signatureDomain()).isEqualTo("forwarder.example");
        assertThat(hop.authservId()).isEqualTo("forwarder.example");
        assertThat(hop.remoteIp()).hasValue("127.0.0.10");
        assertThat(hop.result("spf").orElseThrow().properties()).containsEntry("smtp.mailfrom", "origin.example");
        assertThat(hop.messageSignature().orElseThrow().status()).isEqualTo(DkimStatus.PASS);
        assertThat(hop.seal().orElseThrow().status()).isEqualTo(DkimStatus.PASS);
    }

    @Test
    void twoHopsRsaThenEd25519Pass() {
        ArcResult r = verify(zone(), twoHops());
        assertThat(r.status()).isEqualTo(ArcStatus.PASS);
        assertThat(r.oldestPass()).hasValue(0);
        assertThat(r.sealerDomains()).containsExactly("forwarder.example", "lists.example.org");
        assertThat(r.hops().get(1).seal().orElseThrow().algorithm()).isEqualTo("ed25519-sha256");
        assertThat(r.hops().get(1).remoteIp()).hasValue("127.0.0.11");
        assertThat(r.hops().get(1).result("spf").orElseThrow().result()).isEqualTo("fail");
        assertThat(r.resinfo()).isEqualTo(
                "arc=pass (\"2 sets, sealed by lists.example.org forwarder.example\") header.oldest-pass=0");
    }

    @Test
    void threeHopsPassAndAnIpv6RemoteIpIsQuoted() {
        ArcResult r = verify(zone(), threeHops(twoHops()));
        assertThat(r.status()).isEqualTo(ArcStatus.PASS);
        assertThat(r.sets()).isEqualTo(3);
        assertThat(r.oldestPass()).hasValue(0);
        assertThat(r.hops().get(2).remoteIp()).hasValue("::1");
        assertThat(r.resinfo("::1")).endsWith("header.oldest-pass=0 smtp.remote-ip=\"::1\"");
    }

    @Test
    void aBodyBrokenAfterTheSecondHopFailsTheChain() {
        ArcResult r = verify(zone(), twoHops().replace("attached.", "attached, with a footer."));
        assertThat(r.status()).isEqualTo(ArcStatus.FAIL);
        assertThat(r.reason()).isEqualTo("ARC-Message-Signature i=2: body hash mismatch");
        assertThat(r.resinfo("127.0.0.1")).isEqualTo(
                "arc=fail (\"ARC-Message-Signature i=2: body hash mismatch\") smtp.remote-ip=127.0.0.1");
        // §5.2 stops at the latest AMS: the seals are not checked, the hops are still reported.
        assertThat(r.hops()).hasSize(2).allMatch(h -> h.seal().isEmpty());
        assertThat(r.hops().get(1).messageSignature().orElseThrow().reason()).contains(DkimReason.BODY_HASH_MISMATCH);
    }

    @Test
    void aBodyChangedBeforeTheThirdHopPassesWithTheOldestPassAtThree() {
        // The third hop seals what it received: the latest AMS verifies, the older ones do not.
        String changed = twoHops().replace("attached.", "attached, with a footer.");
        ArcResult r = verify(zone(), threeHops(changed));
        assertThat(r.status()).isEqualTo(ArcStatus.PASS);
        assertThat(r.oldestPass()).hasValue(3);
        assertThat(r.resinfo()).endsWith("header.oldest-pass=3");
        assertThat(r.hops().get(1).messageSignature().orElseThrow().reason()).contains(DkimReason.BODY_HASH_MISMATCH);
        // §5.2: the walk stops at the first failure; i=1 is not needed.
        assertThat(r.hops().get(0).messageSignature()).isEmpty();
    }

    @Test
    void anOlderMessageSignatureThatFailsIsRecordedNotFatal() {
        // Hop 1 wrote an l= (not part of an AMS): its AMS is invalid, but the seals cover it as
        // written and hop 2's AMS verifies, so the chain passes with the oldest pass at 2.
        String first = FORWARDER.seal(MESSAGE, "none", "forwarder.example; none", SIGNED, "l=10; ");
        ArcResult r = verify(zone(), LIST.seal(first, "pass", "lists.example.org; arc=pass", SIGNED));
        assertThat(r.status()).isEqualTo(ArcStatus.PASS);
        assertThat(r.oldestPass()).hasValue(2);
        DkimResult older = r.hops().get(0).messageSignature().orElseThrow();
        assertThat(older.status()).isEqualTo(DkimStatus.PERMERROR);
        assertThat(older.detail()).isEqualTo("l= is not used in an ARC-Message-Signature");
        // The same AMS as the latest one fails the chain.
        assertThat(verify(zone(), first).reason())
                .isEqualTo("ARC-Message-Signature i=1: l= is not used in an ARC-Message-Signature");
    }

    @Test
    void aTamperedSealFails() {
        String two = twoHops();
        int b = two.indexOf(" b=", two.indexOf("ARC-Seal: i=2")) + 3;
        char flipped = two.charAt(b + 5) == 'A' ? 'B' : 'A';
        String tampered = two.substring(0, b + 5) + flipped + two.substring(b + 6);
        ArcResult r = verify(zone(), tampered);
        assertThat(r.status()).isEqualTo(ArcStatus.FAIL);
        assertThat(r.reason()).isEqualTo("ARC-Seal i=2: signature mismatch");
    }

    @Test
    void aChangedArcAuthenticationResultsBreaksEverySealAboveIt() {
        ArcResult r = verify(zone(), twoHops().replace("spf=pass smtp.mailfrom=origin.example", "spf=pass smtp.mailfrom=evil.example"));
        assertThat(r.status()).isEqualTo(ArcStatus.FAIL);
        assertThat(r.reason()).isEqualTo("ARC-Seal i=2: signature mismatch");
    }

    @Test
    void relaxedSealsSurviveRefoldingOfTheArcFields() {
        String refolded = twoHops().replace("dkim=none;\r\n arc=none", "dkim=none;\r\n\t  arc=none");
        assertThat(verify(zone(), refolded).status()).isEqualTo(ArcStatus.PASS);
    }

    @Test
    void cvFailInTheMiddleFailsTheChain() {
        String middle = LIST.seal(oneHop(), "fail", "lists.example.org; arc=fail", SIGNED);
        ArcResult r = verify(zone(), threeHops(middle));
        assertThat(r.status()).isEqualTo(ArcStatus.FAIL);
        assertThat(r.reason()).isEqualTo("ARC-Seal i=2 has cv=fail");
        assertThat(r.hops()).isEmpty();
    }

    @Test
    void cvOutOfSequenceFails() {
        assertThat(verify(zone(), FORWARDER.seal(MESSAGE, "pass", "forwarder.example; none", SIGNED)).reason())
                .isEqualTo("ARC-Seal i=1 has cv=pass, not none");
        String second = LIST.seal(oneHop(), "none", "lists.example.org; none", SIGNED);
        assertThat(verify(zone(), second).reason()).isEqualTo("ARC-Seal i=2 has cv=none, not pass");
    }

    @Test
    void aTemporaryKeyFailureIsATemperrorNotAFail() {
        ZoneResolver.Builder z = FORWARDER.publish(ZoneResolver.builder()).timeout(LIST.keyName());
        ArcResult r = verify(z, twoHops());
        assertThat(r.status()).isEqualTo(ArcStatus.TEMPERROR);
        assertThat(r.reason()).startsWith("ARC-Message-Signature i=2: key lookup failed");
        assertThat(r.resinfo()).startsWith("arc=temperror (\"ARC-Message-Signature i=2: key lookup failed");
        // The reason's own parentheses would end the comment early: they become brackets.
        assertThat(r.reason()).contains("(");
        assertThat(r.resinfo()).matches("arc=temperror \\(\"[^()\"\\\\]+\"\\)");
        assertThat(r.oldestPass()).isEmpty();
    }

    @Test
    void aDefiniteFailureOutranksATemporaryOne() {
        ZoneResolver.Builder z = LIST.publish(ZoneResolver.builder()).timeout(FORWARDER.keyName());
        String tampered = twoHops().replace("lists.example.org; arc=pass", "lists.example.org;  arc=none");
        ArcResult r = verify(z, tampered);
        assertThat(r.status()).isEqualTo(ArcStatus.FAIL);
        assertThat(r.reason()).isEqualTo("ARC-Seal i=2: signature mismatch");
    }

    @Test
    void aMissingKeyFailsTheChain() {
        ArcResult r = verify(FORWARDER.publish(ZoneResolver.builder()), twoHops());
        assertThat(r.status()).isEqualTo(ArcStatus.FAIL);
        assertThat(r.reason()).startsWith("ARC-Message-Signature i=2: no key");
    }

    @Test
    void aResolverThatNeverAnswersIsCutOffByTheTimeBudget() {
        DnsResolver silent = (name, type) -> new CompletableFuture<>();
        DkimSettings settings = SETTINGS.toBuilder().timeBudget(Duration.ofMillis(200)).build();
        long start = System.nanoTime();
        ArcResult r = verify(silent, settings, twoHops());
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        assertThat(r.status()).isEqualTo(ArcStatus.TEMPERROR);
        assertThat(r.reason()).contains("time budget");
    }

    @Test
    void anExpiredLatestMessageSignatureFailsByTheInjectedClock() {
        String sealed = FORWARDER.seal(MESSAGE, "none", "forwarder.example; none", SIGNED,
                "x=" + (ArcTestSealer.SEALED_AT + 60) + "; ");
        assertThat(verify(zone(), sealed).reason()).startsWith("ARC-Message-Signature i=1: signature expired");
        DkimSettings early = DkimSettings.builder()
                .clock(Clock.fixed(Instant.ofEpochSecond(ArcTestSealer.SEALED_AT + 30), ZoneOffset.UTC)).build();
        assertThat(verify(zone().build(), early, sealed).status()).isEqualTo(ArcStatus.PASS);
    }

    @Test
    void dkimAndArcShareOneVerificationStreamedInChunks() throws Exception {
        String message = threeHops(twoHops());
        String signed = Ed25519TestSigner.sign(message.substring(0, message.indexOf("\r\n\r\n") + 2), BODY,
                "c=relaxed/relaxed; h=from:to:subject");
        byte[] m = signed.getBytes(StandardCharsets.ISO_8859_1);
        int bodyStart = HeaderSection.bodyOffset(m, 0, m.length);
        ZoneResolver.Builder z = zone().add(Rfc8463Example.ED25519_KEY_NAME,
                dev.gatekeeper.dns.TxtRecord.of(Rfc8463Example.ED25519_RECORD));
        AtomicInteger queries = new AtomicInteger();
        ZoneResolver resolver = z.build();
        DnsResolver counting = (name, type) -> {
            queries.incrementAndGet();
            return resolver.lookup(name, type);
        };
        DkimVerification v = new DkimVerifier(counting, SETTINGS).beginWithArc().headers(m, 0, bodyStart);
        assertThatThrownBy(v::arc).isInstanceOf(IllegalStateException.class);
        for (int i = bodyStart; i < m.length; i += 7) {
            v.body(m, i, Math.min(7, m.length - i));
        }
        List<DkimResult> dkim = v.finish().toCompletableFuture().get(10, TimeUnit.SECONDS);
        ArcResult arc = v.arc().toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertThat(dkim).extracting(DkimResult::status).containsExactly(DkimStatus.PASS);
        assertThat(arc.status()).isEqualTo(ArcStatus.PASS);
        // One lookup per key name: brisbane (DKIM), and the three sealers' selectors.
        assertThat(queries).hasValue(4);
        // The DKIM signature and the three AMS all hash the relaxed body with SHA-256: one hash, one pass.
        assertThat(v.bodyHashCount()).isEqualTo(1);
        assertThat(v.arc()).isSameAs(v.arc());
    }

    @Test
    void aSimpleBodyDkimSignatureAddsOneBodyHashNotOnePerSignature() throws Exception {
        String message = threeHops(twoHops());
        String signed = Ed25519TestSigner.sign(message.substring(0, message.indexOf("\r\n\r\n") + 2), BODY,
                "c=simple/simple; h=from");
        byte[] m = signed.getBytes(StandardCharsets.ISO_8859_1);
        int bodyStart = HeaderSection.bodyOffset(m, 0, m.length);
        DkimVerification v = new DkimVerifier(zone().build(), SETTINGS).beginWithArc().headers(m, 0, bodyStart);
        assertThat(v.bodyHashCount()).isEqualTo(2);
    }

    @Test
    void arcMustBeAskedFor() {
        DkimVerification v = new DkimVerifier(zone().build(), SETTINGS).begin();
        v.finish();
        assertThatThrownBy(v::arc).isInstanceOf(IllegalStateException.class).hasMessageContaining("beginWithArc");
    }
}
