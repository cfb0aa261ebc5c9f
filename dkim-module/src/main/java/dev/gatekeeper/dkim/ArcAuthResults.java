package dev.gatekeeper.dkim;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A parsed ARC-Authentication-Results field (RFC 8617 §4.1.1): {@code i=N;} followed by an
 * RFC 8601 authres-payload, the authserv-id and the results the sealer found. Only the instance
 * must be well formed (the chain's structure depends on it); the results are read leniently, as
 * far as they go, because they are only information for the receiver's local policy. Immutable.
 */
final class ArcAuthResults {

    final int instance;
    final String authservId;
    /** The payload after "i=N;", unfolded, comments kept. */
    final String payload;
    final List<ArcHop.Resinfo> results;

    private ArcAuthResults(int instance, String authservId, String payload, List<ArcHop.Resinfo> results) {
        this.instance = instance;
        this.authservId = authservId;
        this.payload = payload;
        this.results = results;
    }

    /**
     * Parses a field value (after the colon, folding kept or not).
     *
     * @throws DkimSyntaxException when it does not start with a valid {@code i=} instance
     */
    static ArcAuthResults parse(String value) throws DkimSyntaxException {
        String unfolded = value.replace("\r", "").replace("\n", "");
        List<String> parts = split(withoutComments(unfolded));
        String first = parts.get(0);
        int eq = first.indexOf('=');
        if (eq < 0 || !TagList.trimFws(first.substring(0, eq)).equals("i")) {
            throw new DkimSyntaxException("does not start with i=");
        }
        int instance = DkimSignature.arcInstance(first.substring(eq + 1));
        int semi = unfolded.indexOf(';');
        String payload = semi < 0 ? "" : TagList.trimFws(unfolded.substring(semi + 1));
        String authservId = "";
        List<ArcHop.Resinfo> results = new ArrayList<>();
        if (parts.size() > 1) {
            List<String> idTokens = tokens(parts.get(1));
            authservId = idTokens.isEmpty() ? "" : unquote(idTokens.get(0));
        }
        for (int k = 2; k < parts.size(); k++) {
            ArcHop.Resinfo r = resinfo(parts.get(k));
            if (r != null) {
                results.add(r);
            }
        }
        return new ArcAuthResults(instance, authservId, payload, List.copyOf(results));
    }

    /** One resinfo: {@code method[/version]=result [reason=...] [ptype.property=value ...]}; null when unreadable. */
    private static ArcHop.Resinfo resinfo(String text) {
        List<String> tokens = tokens(text);
        if (tokens.isEmpty()) {
            return null;
        }
        String methodSpec = tokens.get(0);
        int eq = methodSpec.indexOf('=');
        if (eq <= 0) {
            // "none" (no results) or something unreadable.
            return null;
        }
        String method = methodSpec.substring(0, eq).toLowerCase(Locale.ROOT);
        int slash = method.indexOf('/');
        if (slash >= 0) {
            method = method.substring(0, slash).trim();
        }
        String result = unquote(methodSpec.substring(eq + 1)).toLowerCase(Locale.ROOT);
        Map<String, String> properties = new LinkedHashMap<>();
        for (int k = 1; k < tokens.size(); k++) {
            String t = tokens.get(k);
            int e = t.indexOf('=');
            if (e > 0) {
                properties.putIfAbsent(t.substring(0, e).toLowerCase(Locale.ROOT), unquote(t.substring(e + 1)));
            }
        }
        return new ArcHop.Resinfo(method, result, properties);
    }

    /** RFC 5322 comments, nested, removed outside quoted strings. */
    static String withoutComments(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        int depth = 0;
        boolean quoted = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && (quoted || depth > 0) && i + 1 < s.length()) {
                if (depth == 0) {
                    sb.append(c).append(s.charAt(i + 1));
                }
                i++;
            } else if (depth == 0 && c == '"') {
                quoted = !quoted;
                sb.append(c);
            } else if (!quoted && c == '(') {
                depth++;
                sb.append(' ');
            } else if (!quoted && c == ')' && depth > 0) {
                depth--;
            } else if (depth == 0) {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    /** Splits at ";" outside quoted strings. */
    private static List<String> split(String s) {
        List<String> parts = new ArrayList<>();
        boolean quoted = false;
        int start = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && quoted) {
                i++;
            } else if (c == '"') {
                quoted = !quoted;
            } else if (c == ';' && !quoted) {
                parts.add(s.substring(start, i));
                start = i + 1;
            }
        }
        parts.add(s.substring(start));
        return parts;
    }

    /** Whitespace-separated tokens outside quoted strings, with spaces around "=" closed up. */
    private static List<String> tokens(String s) {
        List<String> tokens = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (quoted) {
                current.append(c);
                if (c == '\\' && i + 1 < s.length()) {
                    current.append(s.charAt(++i));
                } else if (c == '"') {
                    quoted = false;
                }
            } else if (c == '"') {
                quoted = true;
                current.append(c);
            } else if (c == ' ' || c == '\t') {
                int next = i;
                while (next < s.length() && (s.charAt(next) == ' ' || s.charAt(next) == '\t')) {
                    next++;
                }
                boolean joins = current.length() > 0 && current.charAt(current.length() - 1) == '='
                        || next < s.length() && s.charAt(next) == '=';
                if (!joins && current.length() > 0) {
                    tokens.add(current.toString());
                    current.setLength(0);
                }
                i = next - 1;
            } else {
                current.append(c);
            }
        }
        if (current.length() > 0) {
            tokens.add(current.toString());
        }
        return tokens;
    }

    private static String unquote(String s) {
        if (s.length() < 2 || s.charAt(0) != '"' || s.charAt(s.length() - 1) != '"') {
            return s;
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 1; i < s.length() - 1; i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length() - 1) {
                c = s.charAt(++i);
            }
            sb.append(c);
        }
        return sb.toString();
    }
}
