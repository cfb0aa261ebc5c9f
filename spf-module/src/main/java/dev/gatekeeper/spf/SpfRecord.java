package dev.gatekeeper.spf;

import dev.gatekeeper.dns.IpAddresses;
import java.util.ArrayList;
import java.util.List;

/**
 * A parsed SPF record (RFC 7208 §4.5, §12). Parsing checks the whole record, so an error anywhere
 * is a permerror even when an earlier mechanism would have matched (§4.6). Immutable; shared
 * through the evaluator's cache.
 */
final class SpfRecord {

    private static final Mechanism[] NO_MECHANISMS = new Mechanism[0];

    final Mechanism[] mechanisms;
    final MacroString redirect;
    final MacroString exp;
    /** Why the record is a permerror; null for a valid record. */
    final String error;

    private SpfRecord(Mechanism[] mechanisms, MacroString redirect, MacroString exp, String error) {
        this.mechanisms = mechanisms;
        this.redirect = redirect;
        this.exp = exp;
        this.error = error;
    }

    /** §4.5: "v=spf1" (any case) followed by a space or the end of the record. */
    static boolean isSpfRecord(String text) {
        return text.regionMatches(true, 0, "v=spf1", 0, 6) && (text.length() == 6 || text.charAt(6) == ' ');
    }

    /** Parses a record selected by {@link #isSpfRecord}; never throws. */
    static SpfRecord parse(String text) {
        try {
            return parseOrThrow(text);
        } catch (SpfSyntaxException e) {
            return new SpfRecord(NO_MECHANISMS, null, null, e.getMessage());
        } catch (RuntimeException e) {
            return new SpfRecord(NO_MECHANISMS, null, null, "unparsable record: " + e);
        }
    }

    private static SpfRecord parseOrThrow(String text) throws SpfSyntaxException {
        int len = text.length();
        for (int i = 0; i < len; i++) {
            char c = text.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                throw new SpfSyntaxException("control character 0x" + Integer.toHexString(c) + " in record");
            }
            if (c > 0x7e) {
                throw new SpfSyntaxException("non-ASCII character in record (RFC 7208 §3.1)");
            }
        }
        List<Mechanism> mechanisms = new ArrayList<>();
        MacroString redirect = null;
        MacroString exp = null;
        int pos = 6;
        while (pos < len) {
            if (text.charAt(pos) == ' ') {
                pos++;
                continue;
            }
            int end = text.indexOf(' ', pos);
            if (end < 0) {
                end = len;
            }
            int nameEnd = modifierNameEnd(text, pos, end);
            if (nameEnd > 0) {
                int valueStart = nameEnd + 1;
                if (nameEnd - pos == 8 && text.regionMatches(true, pos, "redirect", 0, 8)) {
                    if (redirect != null) {
                        throw new SpfSyntaxException("redirect modifier appears twice (RFC 7208 §6)");
                    }
                    redirect = MacroString.parseDomainSpec(text, valueStart, end);
                } else if (nameEnd - pos == 3 && text.regionMatches(true, pos, "exp", 0, 3)) {
                    if (exp != null) {
                        throw new SpfSyntaxException("exp modifier appears twice (RFC 7208 §6)");
                    }
                    exp = MacroString.parseDomainSpec(text, valueStart, end);
                } else {
                    // §6: unknown modifiers are ignored, but must still be well-formed
                    MacroString.parseMacroString(text, valueStart, end);
                }
            } else {
                mechanisms.add(parseDirective(text, pos, end));
            }
            pos = end;
        }
        return new SpfRecord(mechanisms.toArray(NO_MECHANISMS), redirect, exp, null);
    }

    /** The index of '=' when the term is a modifier (name = ALPHA *( ALPHA / DIGIT / "-" / "_" / "." )), else -1. */
    private static int modifierNameEnd(String s, int from, int to) {
        if (!isAlpha(s.charAt(from))) {
            return -1;
        }
        int i = from + 1;
        while (i < to) {
            char c = s.charAt(i);
            if (c == '=') {
                return i;
            }
            if (!(isAlpha(c) || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.')) {
                return -1;
            }
            i++;
        }
        return -1;
    }

    private static Mechanism parseDirective(String s, int from, int to) throws SpfSyntaxException {
        SpfResult result = SpfResult.PASS;
        int i = from;
        switch (s.charAt(i)) {
            case '+':
                i++;
                break;
            case '-':
                result = SpfResult.FAIL;
                i++;
                break;
            case '~':
                result = SpfResult.SOFTFAIL;
                i++;
                break;
            case '?':
                result = SpfResult.NEUTRAL;
                i++;
                break;
            default:
                break;
        }
        int nameStart = i;
        while (i < to && s.charAt(i) != ':' && s.charAt(i) != '/') {
            i++;
        }
        String text = s.substring(from, to);
        Mechanism.Kind kind = kindOf(s, nameStart, i);
        if (kind == null) {
            throw new SpfSyntaxException("unknown mechanism '" + s.substring(nameStart, i) + "'");
        }
        int rest = i;
        boolean colon = rest < to && s.charAt(rest) == ':';
        switch (kind) {
            case ALL:
                if (rest != to) {
                    throw new SpfSyntaxException("'all' takes no argument: '" + text + "'");
                }
                return new Mechanism(kind, result, text, null, 32, 128, null);
            case INCLUDE:
            case EXISTS:
                if (!colon) {
                    throw new SpfSyntaxException("'" + text + "' needs a domain-spec");
                }
                return new Mechanism(kind, result, text, MacroString.parseDomainSpec(s, rest + 1, to), 32, 128, null);
            case PTR:
                if (rest == to) {
                    return new Mechanism(kind, result, text, null, 32, 128, null);
                }
                if (!colon) {
                    throw new SpfSyntaxException("'ptr' takes no CIDR length: '" + text + "'");
                }
                return new Mechanism(kind, result, text, MacroString.parseDomainSpec(s, rest + 1, to), 32, 128, null);
            case A:
            case MX:
                return parseDualCidr(kind, result, text, s, rest, to);
            case IP4:
            case IP6:
            default:
                return parseIpNetwork(kind, result, text, s, rest, colon, to);
        }
    }

    private static Mechanism parseIpNetwork(Mechanism.Kind kind, SpfResult result, String text, String s, int rest,
                                            boolean colon, int to) throws SpfSyntaxException {
        if (!colon) {
            throw new SpfSyntaxException("'" + text + "' needs a network");
        }
        boolean v4 = kind == Mechanism.Kind.IP4;
        int max = v4 ? 32 : 128;
        int end = to;
        int cidr = max;
        int d = digitsStart(s, rest + 1, end);
        if (d < end && d - 1 > rest && s.charAt(d - 1) == '/') {
            cidr = cidrValue(s, d, end, max, text);
            end = d - 1;
        }
        byte[] network = v4 ? IpAddresses.parseIp4(s, rest + 1, end) : IpAddresses.parseIp6(s, rest + 1, end);
        if (network == null) {
            throw new SpfSyntaxException("invalid network in '" + text + "'");
        }
        return new Mechanism(kind, result, text, null, v4 ? cidr : 32, v4 ? 128 : cidr, network);
    }

    /** a and mx: [ ":" domain-spec ] [ "/" ip4-cidr ] [ "//" ip6-cidr ] (§5.3, §5.4). */
    private static Mechanism parseDualCidr(Mechanism.Kind kind, SpfResult result, String text, String s, int rest,
                                           int to) throws SpfSyntaxException {
        int end = to;
        int cidr4 = 32;
        int cidr6 = 128;
        int d = digitsStart(s, rest, end);
        if (d < end && d - 2 >= rest && s.charAt(d - 1) == '/' && s.charAt(d - 2) == '/') {
            cidr6 = cidrValue(s, d, end, 128, text);
            end = d - 2;
            d = digitsStart(s, rest, end);
        }
        if (d < end && d - 1 >= rest && s.charAt(d - 1) == '/') {
            cidr4 = cidrValue(s, d, end, 32, text);
            end = d - 1;
        }
        MacroString domain = null;
        if (rest < end) {
            if (s.charAt(rest) != ':') {
                throw new SpfSyntaxException("invalid CIDR length in '" + text + "'");
            }
            domain = MacroString.parseDomainSpec(s, rest + 1, end);
        }
        return new Mechanism(kind, result, text, domain, cidr4, cidr6, null);
    }

    private static int digitsStart(String s, int from, int to) {
        int d = to;
        while (d > from && s.charAt(d - 1) >= '0' && s.charAt(d - 1) <= '9') {
            d--;
        }
        return d;
    }

    /** ip4-cidr-length and ip6-cidr-length: no leading zero, within range (§12). */
    private static int cidrValue(String s, int from, int to, int max, String text) throws SpfSyntaxException {
        if (to - from > 3 || to - from > 1 && s.charAt(from) == '0') {
            throw new SpfSyntaxException("invalid CIDR length in '" + text + "'");
        }
        int v = Integer.parseInt(s.substring(from, to));
        if (v > max) {
            throw new SpfSyntaxException("CIDR length " + v + " out of range in '" + text + "'");
        }
        return v;
    }

    private static Mechanism.Kind kindOf(String s, int from, int to) {
        int n = to - from;
        switch (n) {
            case 1:
                return s.regionMatches(true, from, "a", 0, 1) ? Mechanism.Kind.A : null;
            case 2:
                return s.regionMatches(true, from, "mx", 0, 2) ? Mechanism.Kind.MX : null;
            case 3:
                if (s.regionMatches(true, from, "all", 0, 3)) {
                    return Mechanism.Kind.ALL;
                }
                if (s.regionMatches(true, from, "ptr", 0, 3)) {
                    return Mechanism.Kind.PTR;
                }
                if (s.regionMatches(true, from, "ip4", 0, 3)) {
                    return Mechanism.Kind.IP4;
                }
                return s.regionMatches(true, from, "ip6", 0, 3) ? Mechanism.Kind.IP6 : null;
            case 6:
                return s.regionMatches(true, from, "exists", 0, 6) ? Mechanism.Kind.EXISTS : null;
            case 7:
                return s.regionMatches(true, from, "include", 0, 7) ? Mechanism.Kind.INCLUDE : null;
            default:
                return null;
        }
    }

    private static boolean isAlpha(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z';
    }
}
