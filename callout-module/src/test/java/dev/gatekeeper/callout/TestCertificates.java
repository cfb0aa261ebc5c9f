package dev.gatekeeper.callout;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * A server TLS context with a self-signed certificate, made at test time by the JDK's own
 * {@code keytool}: no key material lives in the repository.
 */
public final class TestCertificates {

    private static SSLContext serverContext;

    private TestCertificates() {
    }

    /** The context, created once per JVM. */
    public static synchronized SSLContext selfSignedServer() throws IOException, GeneralSecurityException {
        if (serverContext != null) {
            return serverContext;
        }
        Path dir = Files.createTempDirectory("gatekeeper-tls");
        Path store = dir.resolve("peer.p12");
        char[] password = "changeit".toCharArray();
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        Process p = new ProcessBuilder(List.of(keytool.toString(), "-genkeypair", "-alias", "peer", "-keyalg", "EC",
                "-groupname", "secp256r1", "-dname", "CN=peer.test", "-validity", "2", "-storetype", "PKCS12",
                "-keystore", store.toString(), "-storepass", "changeit", "-keypass", "changeit"))
                .redirectErrorStream(true).redirectOutput(dir.resolve("keytool.log").toFile()).start();
        try {
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IOException("keytool failed: " + Files.readString(dir.resolve("keytool.log")));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            ks.load(in, password);
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, password);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), null, null);
        serverContext = ctx;
        return ctx;
    }
}
