package dev.gatekeeper.benchmarks.load;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The sink pipeline's mail repository, through James's WebAdmin (the routes of 3.8.1 and 3.9.0):
 * its size ({@code GET /mailRepositories/PATH}) and emptying it ({@code DELETE
 * /mailRepositories/PATH/mails}, a task awaited with {@code GET /tasks/ID/await}), so that
 * a run of tens of thousands of messages does not hold them all in James's heap.
 */
final class SinkRepository {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final Pattern TASK_ID = Pattern.compile("\"taskId\"\\s*:\\s*\"([^\"]+)\"");
    private static final Pattern STATUS = Pattern.compile("\"status\"\\s*:\\s*\"([^\"]+)\"");

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
    private final URI repository;

    /** {@code repositoryUrl} as in mailetcontainer.xml, e.g. memory://var/mail/sink/. */
    SinkRepository(URI webAdmin, String repositoryUrl) {
        this.repository = webAdmin.resolve("/mailRepositories/" + encodedPath(repositoryUrl));
    }

    /** WebAdmin names a repository by its path without the protocol, URL-encoded as one segment. */
    static String encodedPath(String repositoryUrl) {
        int scheme = repositoryUrl.indexOf("://");
        String path = scheme < 0 ? repositoryUrl : repositoryUrl.substring(scheme + 3);
        return URLEncoder.encode(path, StandardCharsets.UTF_8);
    }

    /** Mails in the repository; 0 before the first one created it. */
    long size() throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(repository).timeout(TIMEOUT).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 404) {
            return 0;
        }
        return WebAdminSize.of(r, repository.toString());
    }

    /** Removes every mail and waits until James has. */
    void clear() throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(repository + "/mails")).timeout(TIMEOUT)
                .DELETE().build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 404) {
            return;
        }
        String task = find(TASK_ID, r, "clearing " + repository);
        HttpResponse<String> done = http.send(HttpRequest.newBuilder(repository.resolve("/tasks/" + task + "/await"))
                .timeout(Duration.ofMinutes(2)).GET().build(), HttpResponse.BodyHandlers.ofString());
        String status = find(STATUS, done, "task " + task);
        if (!status.equals("completed")) {
            throw new IOException("clearing " + repository + ": task " + status + ": " + done.body());
        }
    }

    private static String find(Pattern p, HttpResponse<String> r, String what) throws IOException {
        Matcher m = p.matcher(r.body());
        if (r.statusCode() / 100 != 2 || !m.find()) {
            throw new IOException(what + ": HTTP " + r.statusCode() + " " + r.body());
        }
        return m.group(1);
    }
}
