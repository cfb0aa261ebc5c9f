package dev.gatekeeper.benchmarks.load;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A size as James's WebAdmin answers it, {@code "size": N} in a JSON object: a mail queue's
 * ({@code GET /mailQueues/NAME}) or a mail repository's ({@code GET /mailRepositories/PATH}), in
 * 3.8.1 and 3.9.0 alike. One reading for the drivers, so that an answer without a size is an
 * error naming what was asked, never a count of 0.
 */
final class WebAdminSize {
    private static final Pattern SIZE = Pattern.compile("\"size\"\\s*:\\s*(\\d+)");

    private WebAdminSize() {
    }

    /** The size in WebAdmin's answer about {@code what}. */
    static long of(HttpResponse<String> answer, String what) throws IOException {
        return parse(answer.statusCode(), answer.body(), what);
    }

    /** The size in an answer with {@code status} and {@code body}; an IOException unless it is a 200 with a size. */
    static long parse(int status, String body, String what) throws IOException {
        Matcher m = SIZE.matcher(body);
        if (status != 200 || !m.find()) {
            throw new IOException("size of " + what + ": HTTP " + status + " " + body);
        }
        return Long.parseLong(m.group(1));
    }
}
