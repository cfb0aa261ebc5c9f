package dev.gatekeeper.benchmarks.load;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * James's spool, through WebAdmin ({@code GET /mailQueues/spool}, the route of 3.8.1 and 3.9.0):
 * how many mails wait in it. After a run, every accepted mail was put in the spool before its 250
 * to DATA; once the spool is empty again, the mailet pipeline has taken up all of them, so the
 * time until then is what accepting and delivering the run cost, not only accepting it.
 */
final class SpoolQueue {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    /** The most looks of one wait: at one look every {@code every}, bounded in time as well. */
    static final int MAX_LOOKS = 100_000;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).proxy(HttpClient.Builder.NO_PROXY).build();
    private final URI spool;

    SpoolQueue(URI webAdmin) {
        this.spool = webAdmin.resolve("/mailQueues/spool");
    }

    /** Mails waiting in the spool. */
    long size() throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(spool).timeout(TIMEOUT).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        return WebAdminSize.of(r, "the spool");
    }

    /**
     * Looks every {@code every} until the spool is empty, at most {@code bound} in all.
     *
     * @return whether it emptied within the bound
     */
    boolean awaitEmpty(Duration every, Duration bound) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + bound.toNanos();
        for (int look = 0; look < MAX_LOOKS; look++) {
            if (size() == 0) {
                return true;
            }
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(every.toMillis());
        }
        return false;
    }
}
