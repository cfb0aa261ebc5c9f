package dev.gatekeeper.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A James's mail repositories read through its WebAdmin ({@code /mailRepositories}), named by
 * their path without the protocol ({@code memory://var/mail/x/} is {@code var/mail/x}).
 */
final class MailRepositories {

    private final JamesSandbox james;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    MailRepositories(JamesSandbox james) {
        this.james = james;
    }

    /** A WebAdmin GET that must answer 200. */
    String get(String path, String accept) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(james.webAdminUri() + path))
                .header("Accept", accept).timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as("GET " + path + ": " + r.body()).isEqualTo(200);
        return r.body();
    }

    /** The keys of a repository's mails; a repository never written to does not exist yet: none. */
    List<String> keys(String repository) throws Exception {
        String path = mails(repository);
        HttpResponse<String> probe = http.send(HttpRequest.newBuilder(URI.create(james.webAdminUri() + path))
                .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
        if (probe.statusCode() == 404 && probe.body().contains("does not exist")) {
            return List.of();
        }
        String body = get(path, "application/json");
        List<String> keys = new ArrayList<>();
        Matcher m = Pattern.compile("\"([^\"]+)\"").matcher(body);
        while (m.find()) {
            keys.add(m.group(1));
        }
        return keys;
    }

    /** The keys once there are {@code count} (delivery is asynchronous), waiting at most 30 s. */
    List<String> await(String repository, int count) throws Exception {
        List<String> keys = List.of();
        for (int i = 0; i < 300 && keys.size() < count; i++) {
            keys = keys(repository);
            if (keys.size() < count) {
                Thread.sleep(100);
            }
        }
        return keys;
    }

    /** One mail's WebAdmin path: its details as JSON, or {@code message/rfc822} for the message. */
    String mail(String repository, String key) {
        return mails(repository) + "/" + URLEncoder.encode(key, StandardCharsets.UTF_8);
    }

    private static String mails(String repository) {
        return "/mailRepositories/" + URLEncoder.encode(repository, StandardCharsets.UTF_8) + "/mails";
    }
}
