package dev.gatekeeper.dkim;

import dev.gatekeeper.mail.DomainName;
import dev.gatekeeper.mail.MailSyntaxException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

/**
 * A parsed DKIM-Signature field (RFC 6376 §3.5), checked as §6.1.1 asks before any key is looked
 * up; or an ARC-Message-Signature (RFC 8617 §4.1.2), which has the same syntax and semantics with
 * i= as the ARC instance instead of the AUID. Immutable.
 */
final class DkimSignature {

    /** RFC 6376 §3.5: l= is 1*76DIGIT; more than 18 digits cannot fit a long and exceeds any body. */
    static final int MAX_LONG_DIGITS = 18;
    /** RFC 8617 §4.2.1: ARC instances run from 1 to 50; a chain has at most 50 sets. */
    static final int MAX_ARC_INSTANCE = 50;
    /** RFC 6376 §3.5: t= and x= are 1*12DIGIT. */
    static final int MAX_TIME_DIGITS = 12;

    final TagList tags;
    final SigningAlgorithm algorithm;
    /** a= as written, for reports. */
    final String algorithmText;
    /** b= with its whitespace removed. */
    final String signatureBase64;
    final byte[] signature;
    final byte[] bodyHash;
    final Canonicalization headerCanonicalization;
    final Canonicalization bodyCanonicalization;
    final String domain;
    final String selector;
    /** i= as written, or "@" + d= when absent (§3.5). */
    final String identity;
    final boolean identityGiven;
    /** The ARC instance (RFC 8617 §4.2.1) of an ARC-Message-Signature; 0 for a DKIM-Signature. */
    final int instance;
    /** l=, or -1 when the whole body is signed. */
    final long bodyLength;
    /** h= names in order, lower case. */
    final List<String> signedHeaders;
    /** t= in seconds since the epoch, or -1. */
    final long timestamp;
    /** x= in seconds since the epoch, or -1. */
    final long expiration;

    private DkimSignature(TagList tags, boolean arc) throws DkimSyntaxException {
        this.tags = tags;
        // RFC 8617 §4.1.2: the AMS has no v= ("if seen, a version tag MUST be ignored") and its
        // i= is the instance, which every ARC header field carries.
        String[] requiredTags = arc ? new String[] {"i", "a", "b", "bh", "d", "h", "s"}
                : new String[] {"v", "a", "b", "bh", "d", "h", "s"};
        for (String required : requiredTags) {
            if (!tags.has(required)) {
                throw new DkimSyntaxException("missing required tag " + required + "=");
            }
        }
        if (!arc && !"1".equals(tags.get("v"))) {
            throw new DkimSyntaxException("v= is not 1");
        }
        instance = arc ? arcInstance(tags.get("i")) : 0;
        algorithmText = tags.get("a");
        algorithm = SigningAlgorithm.fromKeyword(algorithmText);
        signatureBase64 = TagList.withoutFws(tags.get("b"));
        signature = base64("b", signatureBase64);
        bodyHash = base64("bh", TagList.withoutFws(tags.get("bh")));
        String c = tags.has("c") ? tags.get("c") : "simple/simple";
        int slash = c.indexOf('/');
        headerCanonicalization = Canonicalization.fromKeyword(
                (slash < 0 ? c : c.substring(0, slash)).toLowerCase(Locale.ROOT));
        // §3.5: "If only one algorithm is named, that algorithm is used for the header and
        // "simple" is used for the body."
        bodyCanonicalization = slash < 0 ? Canonicalization.SIMPLE
                : Canonicalization.fromKeyword(c.substring(slash + 1).toLowerCase(Locale.ROOT));
        domain = checkDomain("d", tags.get("d"));
        selector = checkDomain("s", tags.get("s"));
        identityGiven = !arc && tags.has("i");
        identity = identityGiven ? tags.get("i") : "@" + domain;
        if (identityGiven) {
            checkIdentity();
        }
        signedHeaders = headerList(tags.get("h"));
        if (arc && signedHeaders.contains("arc-seal")) {
            // RFC 8617 §4.1.2: the AMS must not sign ARC-Seal fields, which the seals cover.
            throw new DkimSyntaxException("h= includes ARC-Seal");
        }
        if (arc && tags.has("l")) {
            // Refused, a stricter reading than DKIM's: an AMS with l= would let content appended
            // after sealing pass unnoticed, and no sealer writes one (dkimpy's arc_sign cannot).
            // dkimpy's verifier honours it; the README lists the difference.
            throw new DkimSyntaxException("l= is not used in an ARC-Message-Signature");
        }
        bodyLength = tags.has("l") ? number("l", tags.get("l"), 76) : -1;
        timestamp = tags.has("t") ? number("t", tags.get("t"), MAX_TIME_DIGITS) : -1;
        expiration = tags.has("x") ? number("x", tags.get("x"), MAX_TIME_DIGITS) : -1;
        // §3.5 x=: "the value of the "x=" tag MUST be greater than the value of the "t=" tag".
        if (timestamp >= 0 && expiration >= 0 && expiration < timestamp) {
            throw new DkimSyntaxException("x= is before t=");
        }
        if (tags.has("q")) {
            checkQueryMethods(tags.get("q"));
        }
    }

    /**
     * Parses and checks the value of a DKIM-Signature field. An unknown a= does not throw: the
     * caller reports it as an unsupported algorithm, with d= and s= known.
     *
     * @throws DkimSyntaxException when the field is not a valid signature (a permerror)
     */
    static DkimSignature parse(String value) throws DkimSyntaxException {
        return new DkimSignature(TagList.parse(value), false);
    }

    /**
     * Parses and checks the value of an ARC-Message-Signature field (RFC 8617 §4.1.2).
     *
     * @throws DkimSyntaxException when the field is not a valid AMS
     */
    static DkimSignature parseArcMessageSignature(String value) throws DkimSyntaxException {
        return new DkimSignature(TagList.parse(value), true);
    }

    /**
     * RFC 8617 §4.2.1: i= of an ARC field is 1*2DIGIT from 1 to 50. More than 50 sets, or an
     * instance out of range, makes the chain fail.
     */
    static int arcInstance(String value) throws DkimSyntaxException {
        String v = value == null ? "" : TagList.trimFws(value);
        if (v.isEmpty() || v.length() > 2) {
            throw new DkimSyntaxException("i= is not an ARC instance from 1 to " + MAX_ARC_INSTANCE);
        }
        for (int k = 0; k < v.length(); k++) {
            if (v.charAt(k) < '0' || v.charAt(k) > '9') {
                throw new DkimSyntaxException("i= is not an ARC instance from 1 to " + MAX_ARC_INSTANCE);
            }
        }
        int n = Integer.parseInt(v);
        if (n < 1 || n > MAX_ARC_INSTANCE) {
            throw new DkimSyntaxException("i=" + n + " is not an ARC instance from 1 to " + MAX_ARC_INSTANCE);
        }
        return n;
    }

    /** The name the key record lives at (§3.6.2.1). */
    String keyName() {
        return selector + "._domainkey." + domain;
    }

    /** The domain part of i=, lower case. */
    String identityDomain() {
        int at = identity.lastIndexOf('@');
        return identity.substring(at + 1).toLowerCase(Locale.ROOT);
    }

    private void checkIdentity() throws DkimSyntaxException {
        int at = identity.lastIndexOf('@');
        if (at < 0) {
            throw new DkimSyntaxException("i= has no '@'");
        }
        // §3.5 i=: "The domain part of the address MUST be the same as, or a subdomain of,
        // the value of the "d=" tag."
        String id = identityDomain();
        String d = domain.toLowerCase(Locale.ROOT);
        if (!id.equals(d) && !id.endsWith("." + d)) {
            throw new DkimSyntaxException("i= domain is not within d=");
        }
    }

    private static byte[] base64(String tag, String text) throws DkimSyntaxException {
        if (text.isEmpty()) {
            throw new DkimSyntaxException(tag + "= is empty");
        }
        try {
            return Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            throw new DkimSyntaxException(tag + "= is not valid base64");
        }
    }

    /**
     * d= and s= become a DNS name (read as {@link DomainName} reads owner names: underscores
     * allowed, U-labels converted, lower case); anything else could only make a malformed query.
     * A trailing dot is tolerated on d= alone, where it names the same domain.
     */
    static String checkDomain(String tag, String value) throws DkimSyntaxException {
        DomainName name;
        try {
            name = DomainName.parseOwnerName(value);
        } catch (MailSyntaxException e) {
            throw new DkimSyntaxException(tag + "= is not a domain name: " + e.getMessage());
        }
        if (name.hadTrailingDot() && !tag.equals("d")) {
            throw new DkimSyntaxException(tag + "= ends with a dot");
        }
        return name.ascii();
    }

    /** h= is a colon-separated list of field names (§3.5), which must include From (§5.4). */
    private static List<String> headerList(String value) throws DkimSyntaxException {
        List<String> names = new ArrayList<>();
        boolean from = false;
        for (String part : value.split(":", -1)) {
            String name = TagList.trimFws(part);
            if (name.isEmpty()) {
                throw new DkimSyntaxException("h= has an empty field name");
            }
            for (int i = 0; i < name.length(); i++) {
                char ch = name.charAt(i);
                if (ch <= 0x20 || ch >= 0x7f) {
                    throw new DkimSyntaxException("h= has an invalid field name");
                }
            }
            String lower = name.toLowerCase(Locale.ROOT);
            from |= lower.equals("from");
            names.add(lower);
        }
        if (!from) {
            // §6.1.1: "If the "h=" tag does not include the From header field, the Verifier
            // MUST ignore the DKIM-Signature header field and return PERMFAIL".
            throw new DkimSyntaxException("h= does not include From");
        }
        return List.copyOf(names);
    }

    static long number(String tag, String value, int maxDigits) throws DkimSyntaxException {
        if (value.isEmpty() || value.length() > maxDigits) {
            throw new DkimSyntaxException(tag + "= is not a number of at most " + maxDigits + " digits");
        }
        for (int i = 0; i < value.length(); i++) {
            if (value.charAt(i) < '0' || value.charAt(i) > '9') {
                throw new DkimSyntaxException(tag + "= is not a number");
            }
        }
        return value.length() > MAX_LONG_DIGITS ? Long.MAX_VALUE : Long.parseLong(value);
    }

    /** q= is a colon-separated list; dns/txt is the only method defined (§3.5). */
    private static void checkQueryMethods(String value) throws DkimSyntaxException {
        for (String part : value.split(":", -1)) {
            String method = TagList.trimFws(part);
            int slash = method.indexOf('/');
            String type = slash < 0 ? method : method.substring(0, slash);
            String option = slash < 0 ? "txt" : method.substring(slash + 1);
            if (type.equalsIgnoreCase("dns") && option.equalsIgnoreCase("txt")) {
                return;
            }
        }
        throw new DkimSyntaxException("q= offers no dns/txt");
    }
}
