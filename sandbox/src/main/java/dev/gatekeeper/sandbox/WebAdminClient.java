package dev.gatekeeper.sandbox;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.regex.Pattern;

/** The few WebAdmin calls the sandbox needs (James 3.8.1 routes, no authentication). */
final class WebAdminClient {
    /** Names go into URL paths unescaped: keep them to what a test address needs. */
    private static final Pattern SAFE_NAME = Pattern.compile("[A-Za-z0-9._+@-]+");
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final URI base;
    private final HttpClient http;

    WebAdminClient(URI base) {
        this.base = base;
        this.http = HttpClient.newBuilder().connectTimeout(TIMEOUT).proxy(HttpClient.Builder.NO_PROXY).build();
    }

    /** 200 when WebAdmin answers, else the status or -1 when nothing listens; one attempt, the caller probes again. */
    int probe() {
        try {
            return http.send(HttpRequest.newBuilder(base.resolve("/domains")).timeout(Duration.ofSeconds(2)).GET().build(),
                HttpResponse.BodyHandlers.ofString()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** PUT /domains/{domain}: idempotent. */
    void createDomain(String domain) throws IOException {
        expect(204, put("/domains/" + safe(domain), ""), "create domain " + domain);
    }

    /** PUT /users/{address} with the password; replaces the password of an existing user. */
    void createUser(String address, String password) throws IOException {
        String json = "{\"password\":\"" + password.replace("\\", "\\\\").replace("\"", "\\\"") + "\"}";
        expect(204, put("/users/" + safe(address), json), "create user " + address);
    }

    /**
     * GET /users/{address}/mailboxes/INBOX/messageCount. James creates the INBOX on
     * first delivery, so a missing INBOX of an existing user counts as empty.
     */
    long inboxMessageCount(String address) throws IOException {
        HttpResponse<String> response = send(HttpRequest.newBuilder(
            base.resolve("/users/" + safe(address) + "/mailboxes/INBOX/messageCount")).timeout(TIMEOUT).GET());
        if (response.statusCode() == 200) {
            return Long.parseLong(response.body().trim());
        }
        if (response.statusCode() == 404 && response.body().contains("can not be found")) {
            return 0;
        }
        throw new IOException("message count of " + address + ": HTTP " + response.statusCode() + " " + response.body());
    }

    /** GET /users/{address}/mailboxes: WebAdmin's answer as it is (each mailbox's name and id), for a report. */
    String mailboxListing(String address) throws IOException {
        HttpResponse<String> response = send(HttpRequest.newBuilder(base.resolve("/users/" + safe(address) + "/mailboxes"))
            .timeout(TIMEOUT).GET());
        return "HTTP " + response.statusCode() + " " + response.body();
    }

    /** PUT /users/{address}/mailboxes/{name}: 204 also when the mailbox is there already. */
    void createMailbox(String address, String name) throws IOException {
        expect(204, put("/users/" + safe(address) + "/mailboxes/" + safe(name), ""), "create mailbox " + name + " of " + address);
    }

    /** DELETE /users/{address}/mailboxes: every mailbox of the user and its messages; 204 also when there is none. */
    void deleteMailboxes(String address) throws IOException {
        expect(204, send(HttpRequest.newBuilder(base.resolve("/users/" + safe(address) + "/mailboxes")).timeout(TIMEOUT)
            .DELETE()), "delete the mailboxes of " + address);
    }

    private HttpResponse<String> put(String path, String json) throws IOException {
        // Without this content type Jetty reads the body as a form and James sees none.
        return send(HttpRequest.newBuilder(base.resolve(path)).timeout(TIMEOUT)
            .header("Content-Type", "application/json")
            .PUT(HttpRequest.BodyPublishers.ofString(json)));
    }

    /**
     * Every call here may be repeated (GET, PUT, and DELETE, which answers 204 when nothing is
     * left), so one that fails on the connection is sent once more: the JDK's client reuses a
     * kept-alive connection that a booting James may have closed meanwhile ("header parser
     * received no bytes", seen on a loaded CI machine). The repeat is printed: a first request
     * that did reach James may still be carried out after the second, and a late DELETE of a
     * user's mailboxes would take an INBOX delivered into since.
     */
    private HttpResponse<String> send(HttpRequest.Builder request) throws IOException {
        HttpRequest built = request.build();
        try {
            try {
                return http.send(built, HttpResponse.BodyHandlers.ofString());
            } catch (IOException firstAttempt) {
                System.err.println("WebAdmin " + built.method() + " " + built.uri() + " failed (" + firstAttempt
                    + "); sent once more");
                try {
                    return http.send(built, HttpResponse.BodyHandlers.ofString());
                } catch (IOException secondAttempt) {
                    secondAttempt.addSuppressed(firstAttempt);
                    throw secondAttempt;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    private static void expect(int status, HttpResponse<String> response, String what) throws IOException {
        if (response.statusCode() != status) {
            throw new IOException(what + ": HTTP " + response.statusCode() + " " + response.body());
        }
    }

    private static String safe(String name) {
        if (!SAFE_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("unsupported characters in " + name);
        }
        return name;
    }
}
