package dev.gatekeeper.dkim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatekeeper.dns.DnsjavaResolver;
import dev.gatekeeper.dns.LoopbackDnsServer;
import dev.gatekeeper.dns.ResolverSettings;
import dev.gatekeeper.dns.ZoneFile;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * ARC over real DNS: the sealers' keys served from a zone file by a {@link LoopbackDnsServer} on
 * 127.0.0.1 and fetched by the production {@link DnsjavaResolver}, long RSA records as several
 * TXT strings; a SERVFAIL or a silent server is a temperror, never a fail.
 */
class ArcLoopbackDnsTest {

    private static final DkimSettings SETTINGS = DkimSettings.builder()
            .clock(Clock.fixed(Instant.ofEpochSecond(ArcTestSealer.SEALED_AT + 300), ZoneOffset.UTC))
            .timeBudget(Duration.ofSeconds(3)).build();

    private static String zone() {
        StringBuilder z = new StringBuilder("$TTL 300\n");
        for (ArcTestSealer s : List.of(ArcVerifierTest.FORWARDER, ArcVerifierTest.LIST, ArcVerifierTest.RELAY)) {
            List<String> strings = new ArrayList<>();
            String record = s.keyRecord();
            for (int i = 0; i < record.length(); i += 200) {
                strings.add("\"" + record.substring(i, Math.min(record.length(), i + 200)) + "\"");
            }
            z.append(s.keyName()).append(". TXT ").append(String.join(" ", strings)).append('\n');
        }
        return z.toString();
    }

    private static ArcResult verify(LoopbackDnsServer dns, String message) throws Exception {
        DnsjavaResolver resolver = new DnsjavaResolver(ResolverSettings.builder().server(dns.hostPort())
                .timeout(Duration.ofSeconds(1)).retries(0).build());
        return new DkimVerifier(resolver, SETTINGS).verifyArc(message.getBytes(StandardCharsets.ISO_8859_1))
                .toCompletableFuture().get(20, TimeUnit.SECONDS);
    }

    @Test
    void threeHopsPassOverLoopbackDnsAndServfailIsATemperror() throws Exception {
        String message = ArcVerifierTest.threeHops(ArcVerifierTest.twoHops());
        try (LoopbackDnsServer dns = LoopbackDnsServer.start(ZoneFile.parse(zone(), "arc-loopback"))) {
            assertThat(dns.address().isLoopbackAddress()).isTrue();
            ArcResult pass = verify(dns, message);
            assertThat(pass.status()).as(pass.reason()).isEqualTo(ArcStatus.PASS);
            assertThat(pass.resinfo("127.0.0.1")).isEqualTo("arc=pass (\"3 sets, sealed by relay.example.net "
                    + "lists.example.org forwarder.example\") header.oldest-pass=0 smtp.remote-ip=127.0.0.1");

            dns.onlyFor(ArcVerifierTest.LIST.keyName()).servfail(true);
            ArcResult servfail = verify(dns, message);
            assertThat(servfail.status()).isEqualTo(ArcStatus.TEMPERROR);
            assertThat(servfail.reason()).startsWith("ARC-Seal i=2: key lookup failed");

            dns.noFaults().drop(true);
            ArcResult silent = verify(dns, message);
            assertThat(silent.status()).isEqualTo(ArcStatus.TEMPERROR);
        }
    }
}
