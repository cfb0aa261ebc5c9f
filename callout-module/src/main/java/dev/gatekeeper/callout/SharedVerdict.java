package dev.gatekeeper.callout;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * An outcome as one line of text for the shared store: {@code v1 status code enhanced text host
 * reason}, each text URL-encoded. The transcript is not shared. A line this version cannot read is
 * a miss, so nodes of two versions can share one Redis during an upgrade.
 */
final class SharedVerdict {

    private static final String VERSION = "v1";

    private SharedVerdict() {
    }

    static String encode(CalloutVerdict o) {
        return String.join(" ", VERSION, o.status().keyword(), Integer.toString(o.replyCode()), enc(o.enhancedCode()),
                enc(o.replyText()), enc(o.host()), enc(o.reason()));
    }

    static Optional<CalloutVerdict> decode(String line) {
        String[] p = line.split(" ", -1);
        if (p.length != 7 || !p[0].equals(VERSION)) {
            return Optional.empty();
        }
        try {
            CalloutResult status = CalloutResult.fromKeyword(p[1]);
            return Optional.of(CalloutVerdict.restored(status, Integer.parseInt(p[2]), dec(p[3]), dec(p[4]), dec(p[5]),
                    dec(p[6])));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static String enc(String s) {
        return s.isEmpty() ? "-" : URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static String dec(String s) {
        return s.equals("-") ? "" : URLDecoder.decode(s, StandardCharsets.UTF_8);
    }
}
