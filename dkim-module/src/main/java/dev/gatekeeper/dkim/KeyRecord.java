package dev.gatekeeper.dkim;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

/** A DKIM key record (RFC 6376 §3.6.1), parsed from the TXT record at {@code s._domainkey.d}. Immutable. */
final class KeyRecord {

    /** k=, lower case; "rsa" when absent (§3.6.1). */
    final String keyType;
    /** The decoded p=; empty for a revoked key. */
    final byte[] publicKey;
    /** h=, lower case; empty when absent (every hash acceptable). */
    final List<String> hashes;
    /** s=, lower case; ["*"] when absent. */
    final List<String> serviceTypes;
    /** t=y: the domain is testing DKIM. */
    final boolean testing;
    /** t=s: i= must have exactly d= as its domain. */
    final boolean strictIdentity;

    private KeyRecord(TagList tags) throws DkimSyntaxException {
        // §3.6.1 v=: "If specified, this tag MUST be set to "DKIM1" ... This tag MUST be the
        // first tag in the record."
        if (tags.has("v") && (!"v".equals(tags.firstTag()) || !"DKIM1".equals(tags.get("v")))) {
            throw new DkimSyntaxException("v= is not DKIM1 or not the first tag");
        }
        keyType = tags.has("k") ? tags.get("k").toLowerCase(Locale.ROOT) : "rsa";
        if (!tags.has("p")) {
            throw new DkimSyntaxException("missing p=");
        }
        String p = TagList.withoutFws(tags.get("p"));
        try {
            publicKey = Base64.getDecoder().decode(p);
        } catch (IllegalArgumentException e) {
            throw new DkimSyntaxException("p= is not valid base64");
        }
        hashes = tags.has("h") ? list(tags.get("h")) : List.of();
        serviceTypes = tags.has("s") ? list(tags.get("s")) : List.of("*");
        List<String> flags = tags.has("t") ? list(tags.get("t")) : List.of();
        testing = flags.contains("y");
        strictIdentity = flags.contains("s");
    }

    /**
     * Parses a key record's text (several TXT strings already joined, §3.6.2.2).
     *
     * @throws DkimSyntaxException when the text is not a valid key record
     */
    static KeyRecord parse(String text) throws DkimSyntaxException {
        return new KeyRecord(TagList.parse(text));
    }

    /** §3.6.1 p=: "An empty value means that this public key has been revoked." */
    boolean isRevoked() {
        return publicKey.length == 0;
    }

    boolean acceptsHash(String hashName) {
        return hashes.isEmpty() || hashes.contains(hashName);
    }

    /** §3.6.1 s=: "*" or "email" (the only type DKIM defines). */
    boolean allowsEmail() {
        return serviceTypes.contains("*") || serviceTypes.contains("email");
    }

    private static List<String> list(String value) {
        List<String> out = new ArrayList<>();
        for (String part : value.split(":", -1)) {
            String item = TagList.trimFws(part).toLowerCase(Locale.ROOT);
            if (!item.isEmpty()) {
                out.add(item);
            }
        }
        return List.copyOf(out);
    }
}
