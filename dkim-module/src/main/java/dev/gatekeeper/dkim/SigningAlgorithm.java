package dev.gatekeeper.dkim;

/** The a= values this verifier knows (RFC 6376 §3.3, RFC 8463 §3). */
enum SigningAlgorithm {
    RSA_SHA256("rsa-sha256", "rsa", "sha256", "SHA-256"),
    /** Known only to be refused: RFC 8301 §3.1 says verifiers must not consider it valid. */
    RSA_SHA1("rsa-sha1", "rsa", "sha1", "SHA-1"),
    ED25519_SHA256("ed25519-sha256", "ed25519", "sha256", "SHA-256");

    /** As written in a=. */
    final String keyword;
    /** The key type a key record names in k=. */
    final String keyType;
    /** The hash as a key record names it in h=. */
    final String hashName;
    /** The JDK's name of the hash. */
    final String digestName;

    SigningAlgorithm(String keyword, String keyType, String hashName, String digestName) {
        this.keyword = keyword;
        this.keyType = keyType;
        this.hashName = hashName;
        this.digestName = digestName;
    }

    /** The algorithm named by an a= value (case-insensitive, as a= is in practice), or null. */
    static SigningAlgorithm fromKeyword(String keyword) {
        for (SigningAlgorithm a : values()) {
            if (a.keyword.equalsIgnoreCase(keyword)) {
                return a;
            }
        }
        return null;
    }
}
