package dev.gatekeeper.dkim;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A tag=value list (RFC 6376 §3.2), the syntax of both the DKIM-Signature field and the key
 * record. Values keep their inner whitespace (folding included); callers that want it gone, as
 * for base64 values, remove it. Tag names are case-sensitive.
 */
final class TagList {

    /** RFC 6376 §3.2: "Tags with duplicate names MUST NOT occur within a single tag-list". */
    private final Map<String, String> tags;

    private TagList(Map<String, String> tags) {
        this.tags = Collections.unmodifiableMap(tags);
    }

    /**
     * Parses a tag-list. The text is the field value as received, read as ISO-8859-1 so that every
     * octet survives.
     *
     * @throws DkimSyntaxException for a malformed tag-spec, a bad tag name, a control character in
     *     a value, or a duplicate tag
     */
    static TagList parse(String text) throws DkimSyntaxException {
        Map<String, String> tags = new LinkedHashMap<>();
        int start = 0;
        while (start <= text.length()) {
            int end = text.indexOf(';', start);
            if (end < 0) {
                end = text.length();
            }
            String spec = text.substring(start, end);
            boolean last = end == text.length();
            if (isFws(spec)) {
                // §3.2 allows one trailing ";" and nothing else empty: "a=1;;b=2" is malformed.
                if (!last) {
                    throw new DkimSyntaxException("empty tag-spec at offset " + start);
                }
                break;
            }
            int eq = spec.indexOf('=');
            if (eq < 0) {
                throw new DkimSyntaxException("tag-spec without '=': " + abbreviate(spec));
            }
            String name = trimFws(spec.substring(0, eq));
            if (!isTagName(name)) {
                throw new DkimSyntaxException("bad tag name '" + abbreviate(name) + "'");
            }
            String value = trimFws(spec.substring(eq + 1));
            checkValue(name, value);
            if (tags.put(name, value) != null) {
                throw new DkimSyntaxException("duplicate tag " + name + "=");
            }
            start = end + 1;
        }
        return new TagList(tags);
    }

    /** The value of a tag, or null when the tag is absent. */
    String get(String name) {
        return tags.get(name);
    }

    boolean has(String name) {
        return tags.containsKey(name);
    }

    /** The tags in the order they were written. */
    Map<String, String> asMap() {
        return tags;
    }

    /** The first tag's name, or null for an empty list (RFC 6376 §3.6.1: v= must come first). */
    String firstTag() {
        return tags.isEmpty() ? null : tags.keySet().iterator().next();
    }

    /** Removes folding whitespace anywhere in a value (base64 in b=, bh= and p=). */
    static String withoutFws(String value) {
        StringBuilder sb = new StringBuilder(value.length());
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (!isFwsChar(c)) {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    static boolean isFwsChar(char c) {
        return c == ' ' || c == '\t' || c == '\r' || c == '\n';
    }

    static String trimFws(String s) {
        int from = 0;
        int to = s.length();
        while (from < to && isFwsChar(s.charAt(from))) {
            from++;
        }
        while (to > from && isFwsChar(s.charAt(to - 1))) {
            to--;
        }
        return s.substring(from, to);
    }

    private static boolean isFws(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (!isFwsChar(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    /** tag-name = ALPHA *ALNUMPUNC, ALNUMPUNC = ALPHA / DIGIT / "_" (RFC 6376 §3.2). */
    private static boolean isTagName(String name) {
        if (name.isEmpty() || !isAlpha(name.charAt(0))) {
            return false;
        }
        for (int i = 1; i < name.length(); i++) {
            char c = name.charAt(i);
            if (!isAlpha(c) && !(c >= '0' && c <= '9') && c != '_') {
                return false;
            }
        }
        return true;
    }

    private static boolean isAlpha(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z';
    }

    /**
     * VALCHAR is %x21-3A / %x3C-7E with whitespace between tvals. Octets above 0x7E are let
     * through: internationalised i= and d= values (RFC 8616) carry UTF-8, and refusing them here
     * would turn a signature we cannot judge into a permerror for the wrong reason.
     */
    private static void checkValue(String name, String value) throws DkimSyntaxException {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20 && !isFwsChar(c) || c == 0x7f) {
                throw new DkimSyntaxException("control character in " + name + "= value");
            }
        }
    }

    static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "...";
    }
}
